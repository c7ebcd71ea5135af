import { FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiProblem } from '../../api/client';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useAsync } from '../../components/use-async';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { href, navigate, type Route } from '../../router';
import { useSession } from '../../session/session';
import './exports.css';

/** GET /v1/exports/{id} (audit-trail/export-jobs.service.ts). */
interface ExportJob {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  format: 'ndjson' | 'csv';
  progress?: { done: number; total: number };
  range?: { from: number; to: number };
  checkpointSize?: number;
  file?: string;
  error?: string;
}

const POLL_MS = 500;

/**
 * Audit-trail exports (issue 9): choose the range and the filters, start a long export
 * (POST /v1/exports), follow its progress, download the file with the key as a Bearer token (never in
 * a URL), and the command that verifies it offline. `#/exports/<id>` follows one export.
 */
export function ExportsPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const jobId = route.segments[1];
  const [started, setStarted] = useState<ExportJob | undefined>();
  return (
    <section aria-labelledby="exports-title" className="exports-page">
      <h1 id="exports-title">{t('exports.title')}</h1>
      <p className="hint exports-intro">{t('exports.intro')}</p>
      <div className="exports-layout">
        <ExportForm
          onStarted={(job) => {
            setStarted(job);
            navigate(href('exports', job.id));
          }}
        />
        {jobId ? (
          <ExportProgress key={jobId} id={jobId} initial={started?.id === jobId ? started : undefined} />
        ) : (
          <p className="exports-none hint">{t('exports.none')}</p>
        )}
      </div>
    </section>
  );
}

type RangeKind = 'all' | 'time' | 'position';

function ExportForm({ onStarted }: { onStarted(job: ExportJob): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const id = useId();
  const [range, setRange] = useState<RangeKind>('all');
  const [fields, setFields] = useState({
    from: '',
    to: '',
    fromPosition: '',
    toPosition: '',
    streamId: '',
    type: '',
    actorId: '',
    organizationId: '',
    format: 'ndjson',
    trustedSize: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) =>
    setFields((previous) => ({ ...previous, [name]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
    const integer = (value: string) => (value.trim() === '' ? undefined : Number(value));
    const time = (value: string) => (value === '' ? undefined : new Date(value).toISOString());
    const types = fields.type
      .split(/[,，\s]+/)
      .map((type) => type.trim())
      .filter((type) => type !== '');
    const body = {
      ...(range === 'time' && { from: time(fields.from), to: time(fields.to) }),
      ...(range === 'position' && {
        fromPosition: integer(fields.fromPosition),
        toPosition: integer(fields.toPosition),
      }),
      streamId: text(fields.streamId),
      type: types.length === 0 ? undefined : types,
      actorId: text(fields.actorId),
      organizationId: text(fields.organizationId),
      format: fields.format,
      trustedSize: integer(fields.trustedSize),
    };
    setBusy(true);
    setError(undefined);
    try {
      // JSON leaves out the undefined members: only the chosen filters are sent.
      onStarted(await api.post<ExportJob>('/v1/exports', body));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const input = (
    name: keyof typeof fields,
    label: MessageKey,
    options: { type?: string; hint?: MessageKey; min?: number } = {},
  ) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{t(label)}</label>
      <input
        id={`${id}-${name}`}
        type={options.type ?? 'text'}
        min={options.min}
        step={options.type === 'number' ? 1 : undefined}
        aria-describedby={options.hint ? `${id}-${name}-hint` : undefined}
        value={fields[name]}
        onChange={set(name)}
      />
      {options.hint && (
        <p className="hint" id={`${id}-${name}-hint`}>
          {t(options.hint)}
        </p>
      )}
    </div>
  );

  return (
    <form
      className="card export-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => void submit(event)}
    >
      <h2 id={`${id}-title`}>{t('exports.form')}</h2>
      <fieldset>
        <legend>{t('exports.range')}</legend>
        <div className="choices">
          {(['all', 'time', 'position'] as const).map((kind) => (
            <label key={kind} className="choice">
              <input
                type="radio"
                name={`${id}-range`}
                value={kind}
                checked={range === kind}
                onChange={() => setRange(kind)}
              />
              {t(`exports.range.${kind}`)}
            </label>
          ))}
        </div>
        {range === 'time' && (
          <>
            <div className="field-row">
              {input('from', 'exports.from', { type: 'datetime-local' })}
              {input('to', 'exports.to', { type: 'datetime-local' })}
            </div>
            <p className="hint">{t('exports.timeHint')}</p>
          </>
        )}
        {range === 'position' && (
          <div className="field-row">
            {input('fromPosition', 'exports.fromPosition', { type: 'number', min: 0 })}
            {input('toPosition', 'exports.toPosition', { type: 'number', min: 0 })}
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>{t('exports.filters')}</legend>
        <p className="hint">{t('exports.filtersHint')}</p>
        <div className="field-row">
          {input('streamId', 'exports.streamId', { hint: 'exports.streamIdHint' })}
          {input('type', 'exports.type', { hint: 'exports.typeHint' })}
        </div>
        <div className="field-row">
          {input('actorId', 'exports.actorId')}
          {input('organizationId', 'exports.organizationId')}
        </div>
      </fieldset>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-format`}>{t('exports.format')}</label>
          <select id={`${id}-format`} value={fields.format} onChange={set('format')}>
            <option value="ndjson">{t('exports.format.ndjson')}</option>
            <option value="csv">{t('exports.format.csv')}</option>
          </select>
        </div>
        {input('trustedSize', 'exports.trustedSize', {
          type: 'number',
          min: 1,
          hint: 'exports.trustedSizeHint',
        })}
      </div>
      <ProblemMessage error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('exports.starting') : t('exports.start')}
        </button>
      </div>
    </form>
  );
}

/** One export: polled until it is completed or failed; then its file and the command that verifies it. */
function ExportProgress({ id, initial }: { id: string; initial?: ExportJob }) {
  const { t, formatNumber } = useI18n();
  const { api } = useSession();
  const progressId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [job, setJob] = useState<ExportJob | undefined>(initial);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api.get<ExportJob>(`/v1/exports/${encodeURIComponent(id)}`, {
          signal: controller.signal,
        });
        setJob(next);
        setError(undefined);
        if (next.status === 'queued' || next.status === 'running')
          timer = setTimeout(() => void poll(), POLL_MS);
      } catch (failure) {
        if (controller.signal.aborted) return;
        setError(failure);
        // A moment's unavailability: keep following; a refusal (404, 403): stop.
        if (!(failure instanceof ApiProblem) || failure.status === 0 || failure.status >= 500) {
          timer = setTimeout(() => void poll(), POLL_MS * 4);
        }
      }
    };
    void poll();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, id]);

  useEffect(() => heading.current?.focus({ preventScroll: true }), []);

  const done = job?.progress?.done ?? 0;
  const total = job?.progress?.total ?? 0;
  const ratio = job?.status === 'completed' ? 1 : total === 0 ? 0 : done / total;
  return (
    <section className="card export-job" aria-labelledby={`${progressId}-title`} data-testid="export-job">
      <h2 id={`${progressId}-title`} ref={heading} tabIndex={-1}>
        {t('exports.job', { id })}
      </h2>
      <ProblemMessage error={error} />
      {!job ? (
        !error && <Loading />
      ) : (
        <>
          <dl className="export-facts">
            <dt>{t('exports.status')}</dt>
            <dd>
              <span
                className={`badge ${job.status === 'completed' ? 'ok' : job.status === 'failed' ? 'bad' : 'warn'}`}
                data-testid="export-status"
                data-status={job.status}
              >
                {t(`exports.status.${job.status}`)}
              </span>
            </dd>
            {job.range && (
              <>
                <dt>{t('exports.positions')}</dt>
                <dd>
                  {t('exports.positionsValue', {
                    from: job.range.from,
                    to: job.range.to,
                    count: formatNumber(job.range.to - job.range.from),
                  })}
                </dd>
              </>
            )}
            {job.checkpointSize !== undefined && (
              <>
                <dt>{t('exports.checkpoint')}</dt>
                <dd>{formatNumber(job.checkpointSize)}</dd>
              </>
            )}
            <dt>{t('exports.fileFormat')}</dt>
            <dd>{job.format.toUpperCase()}</dd>
          </dl>
          <div className="export-progress">
            <label htmlFor={`${progressId}-bar`}>
              {t('exports.progress', {
                done: formatNumber(done),
                total: formatNumber(total),
                percent: `${Math.round(ratio * 100)}%`,
              })}
            </label>
            <progress
              id={`${progressId}-bar`}
              max={Math.max(total, 1)}
              value={job.status === 'completed' ? Math.max(total, 1) : done}
              data-testid="export-progress"
            />
          </div>
          {job.status === 'failed' && (
            <p className="problem" role="alert">
              {t('exports.failed', { error: job.error ?? '—' })}
            </p>
          )}
          {job.status === 'completed' && <Download job={job} />}
          {job.status === 'completed' && <VerifyCommand job={job} />}
        </>
      )}
    </section>
  );
}

function fileNameOf(job: ExportJob): string {
  return `audit-trail-${job.id}.${job.format}`;
}

/** Fetched with the Bearer token as a Blob, saved through an object URL: the key never goes into a URL. */
function Download({ job }: { job: ExportJob }) {
  const { t, formatNumber } = useI18n();
  const { api } = useSession();
  const [state, setState] = useState<{ busy?: boolean; saved?: number; error?: unknown }>({});

  const download = async () => {
    setState({ busy: true });
    try {
      const blob = await api.blob(job.file ?? `/v1/exports/${encodeURIComponent(job.id)}/file`);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileNameOf(job);
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has taken the file once the click is handled; the URL is not needed after.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ saved: blob.size });
    } catch (error) {
      setState({ error });
    }
  };

  return (
    <div className="export-download">
      <div className="actions">
        <button type="button" disabled={state.busy} onClick={() => void download()}>
          {state.busy ? t('exports.downloading') : t('exports.download')}
        </button>
      </div>
      {state.saved !== undefined && (
        <p className="notice" role="status">
          {t('exports.downloaded', {
            file: fileNameOf(job),
            size: t('exports.bytes', { size: formatNumber(state.saved) }),
          })}
        </p>
      )}
      <ProblemMessage error={state.error} />
    </div>
  );
}

function VerifyCommand({ job }: { job: ExportJob }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [copied, setCopied] = useState<boolean | undefined>();
  const key = useAsync(
    (signal) => api.get<{ origin: string; verifierKey: string }>('/v1/log/key', { signal }),
    [api],
  );

  if (job.format !== 'ndjson') {
    return (
      <div className="export-verify">
        <h3>{t('exports.verify')}</h3>
        <p className="hint">{t('exports.verifyCsv')}</p>
      </div>
    );
  }
  const command = key.data
    ? `npx ledger verify ${fileNameOf(job)} --key '${key.data.verifierKey}'`
    : undefined;
  const copy = async () => {
    if (!command) return;
    try {
      await navigator.clipboard.writeText(command);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="export-verify">
      <h3>{t('exports.verify')}</h3>
      <p className="hint">{t('exports.verifyIntro')}</p>
      <ProblemMessage error={key.error} onRetry={key.reload} />
      {key.loading && <Loading />}
      {command && (
        <>
          <pre data-testid="verify-command">
            <code>{command}</code>
          </pre>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => void copy()}>
              {t('exports.copy')}
            </button>
            {copied !== undefined && (
              <span role="status" className="hint">
                {copied ? t('exports.copied') : t('exports.copyFailed')}
              </span>
            )}
          </div>
        </>
      )}
    </div>
  );
}
