import { FormEvent, ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ProblemMessage } from '../../components/problem-message';
import { useAsync } from '../../components/use-async';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { RouteKey, useSession } from '../../session/session';
import { CommandAnswer, KINDS, QueueItem, QueueKind, splitList } from './queue-model';
import { DueAt, StatusBadge, statusLabel } from './queue-parts';

interface StreamHead {
  version: number;
  events: { type: string; data: Record<string, unknown> }[];
}

/**
 * One case, and what the signed-in role may do on it now. The case's stream version is read when the
 * panel opens and sent as If-Match with every action, so an action on a case someone changed
 * meanwhile is refused (412) rather than applied to a case the officer did not see.
 */
export function CasePanel({
  kind,
  item,
  onDone,
  onClose,
}: {
  kind: QueueKind;
  item: QueueItem;
  onDone(answer: CommandAnswer): void;
  onClose(): void;
}) {
  const { t, formatTime } = useI18n();
  const { api, may } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const [version, setVersion] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const spec = KINDS[kind];
  const mayReadStream = may('GET /v1/streams/{streamId}/events');

  useEffect(() => heading.current?.focus({ preventScroll: true }), []);

  // The first event (what was filed) and the stream's current version.
  const stream = useAsync<StreamHead | undefined>(
    (signal) =>
      mayReadStream
        ? api.get<StreamHead>(`/v1/streams/${spec.stream}-${encodeURIComponent(item.id)}/events`, {
            query: { limit: 1 },
            signal,
          })
        : Promise.resolve(undefined),
    [api, mayReadStream, spec.stream, item.id],
  );
  useEffect(() => {
    if (stream.data) setVersion(stream.data.version);
  }, [stream.data]);
  const filed = stream.data?.events[0]?.data;

  async function act(route: RouteKey, body: unknown): Promise<boolean> {
    const path = route.replace(/^POST /, '').replace('{id}', encodeURIComponent(item.id));
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.post<CommandAnswer>(path, body, { ifMatch: version });
      setVersion(answer.streamVersion);
      onDone(answer);
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const actions = actionsFor(kind, item.status).filter((action) => may(action));
  const kindLabel = t(`queues.case.${kind}`);
  return (
    <aside className="card case-panel" aria-labelledby="case-panel-title" data-testid="case-panel">
      <div className="case-panel-head">
        <h2 id="case-panel-title" ref={heading} tabIndex={-1}>
          {t('queues.panel.title', { kind: kindLabel, id: item.id })}
        </h2>
        <button type="button" className="secondary" aria-label={t('queues.panel.close')} onClick={onClose}>
          ×
        </button>
      </div>
      <dl className="case-facts">
        <dt>{t('queues.panel.status')}</dt>
        <dd>
          <StatusBadge status={item.status} />
          {item.overdue && <span className="badge bad">{t('queues.overdue')}</span>}
        </dd>
        <dt>{t('queues.panel.dataset')}</dt>
        <dd>
          <code>{item.datasetId}</code>
        </dd>
        <dt>{t('queues.panel.filed')}</dt>
        <dd>{formatTime(item.filedAt ?? item.submittedAt ?? '')}</dd>
        <dt>{t('queues.panel.due')}</dt>
        <dd>
          <DueAt item={item} />
        </dd>
        {item.outcome && (
          <>
            <dt>{t('queues.panel.outcome')}</dt>
            <dd>{statusLabel(t, item.outcome)}</dd>
          </>
        )}
        {item.releaseVersion !== undefined && (
          <>
            <dt>{t('queues.panel.releaseVersion')}</dt>
            <dd>v{item.releaseVersion}</dd>
          </>
        )}
        {typeof filed?.purpose === 'string' && (
          <>
            <dt>{t('queues.panel.purpose')}</dt>
            <dd>{filed.purpose}</dd>
          </>
        )}
        {Array.isArray(filed?.requestedFields) && (
          <>
            <dt>{t('queues.panel.requestedFields')}</dt>
            <dd>{(filed.requestedFields as string[]).join(', ')}</dd>
          </>
        )}
        {version !== undefined && (
          <>
            <dt>{t('queues.panel.version')}</dt>
            <dd data-testid="case-version">
              {version} <span className="hint-inline">{t('queues.panel.versionHint')}</span>
            </dd>
          </>
        )}
      </dl>

      <ProblemMessage error={error} />

      {actions.length === 0 ? (
        <p className="hint">{t('queues.panel.noActions')}</p>
      ) : (
        <div className="case-actions">
          {actions.map((action) => (
            <ActionForm key={action} action={action} busy={busy} filed={filed} act={act} />
          ))}
        </div>
      )}
    </aside>
  );
}

const CORRECTION_START: RouteKey = 'POST /v1/corrections/{id}/start-verification';
const CORRECTION_RESOLVE: RouteKey = 'POST /v1/corrections/{id}/resolve';
const OBJECTION_START: RouteKey = 'POST /v1/objections/{id}/start-verification';
const OBJECTION_RESOLVE: RouteKey = 'POST /v1/objections/{id}/resolve';
const APPLICATION_SUPPLEMENT: RouteKey = 'POST /v1/applications/{id}/request-supplement';
const APPLICATION_APPROVE: RouteKey = 'POST /v1/applications/{id}/approve';
const APPLICATION_REJECT: RouteKey = 'POST /v1/applications/{id}/reject';

/** The commands that can apply to a case in this status (the role's own rights are checked apart). */
function actionsFor(kind: QueueKind, status: string): RouteKey[] {
  switch (kind) {
    case 'corrections':
      if (status === 'submitted') return [CORRECTION_START];
      return status === 'under_verification' ? [CORRECTION_RESOLVE] : [];
    case 'objections':
      if (status === 'filed') return [OBJECTION_START];
      return status === 'under_verification' ? [OBJECTION_RESOLVE] : [];
    case 'applications':
      if (status === 'submitted') return [APPLICATION_SUPPLEMENT, APPLICATION_APPROVE, APPLICATION_REJECT];
      return status === 'supplement_requested' ? [APPLICATION_REJECT] : [];
  }
}

type Act = (route: RouteKey, body: unknown) => Promise<boolean>;

function ActionForm({
  action,
  busy,
  filed,
  act,
}: {
  action: RouteKey;
  busy: boolean;
  filed?: Record<string, unknown>;
  act: Act;
}) {
  const { t } = useI18n();
  switch (action) {
    case CORRECTION_START:
    case OBJECTION_START:
      return (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void act(action, {})}>
            {t('queues.action.startVerification')}
          </button>
        </div>
      );
    case CORRECTION_RESOLVE:
      return <ResolveCorrection busy={busy} act={act} />;
    case OBJECTION_RESOLVE:
      return <ResolveObjection busy={busy} act={act} />;
    case APPLICATION_SUPPLEMENT:
      return <RequestSupplement busy={busy} act={act} />;
    case APPLICATION_APPROVE:
      return <Approve busy={busy} act={act} filed={filed} />;
    case APPLICATION_REJECT:
      return <Reject busy={busy} act={act} />;
    default:
      return null;
  }
}

/** A labelled field: the label names it, the hint describes it. */
function Field({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

function OutcomeChoice({
  name,
  outcomes,
  value,
  onChange,
}: {
  name: string;
  outcomes: string[];
  value: string;
  onChange(value: string): void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="outcomes">
      <legend>{t('queues.form.outcome')}</legend>
      {outcomes.map((outcome) => (
        <label key={outcome} className="choice">
          <input
            type="radio"
            name={name}
            value={outcome}
            checked={value === outcome}
            onChange={() => onChange(outcome)}
          />
          {t(`queues.outcome.${outcome}` as MessageKey)}
        </label>
      ))}
    </fieldset>
  );
}

function ResolveCorrection({ busy, act }: { busy: boolean; act: Act }) {
  const { t } = useI18n();
  const id = useId();
  const [outcome, setOutcome] = useState('corrected');
  const [releaseVersion, setReleaseVersion] = useState('');
  const [explanation, setExplanation] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const version = releaseVersion.trim() === '' ? undefined : Number(releaseVersion);
    void act(CORRECTION_RESOLVE, {
      outcome,
      ...(version !== undefined && { releaseVersion: version }),
      explanation,
    });
  };
  return (
    <form onSubmit={submit} aria-label={t('queues.action.resolve')} className="case-form">
      <h3>{t('queues.action.resolve')}</h3>
      <OutcomeChoice
        name={`${id}-outcome`}
        outcomes={['corrected', 'no_error_found']}
        value={outcome}
        onChange={setOutcome}
      />
      {outcome === 'corrected' && (
        <Field
          id={`${id}-release`}
          label={t('queues.form.releaseVersion')}
          hint={t('queues.form.releaseVersionHint')}
        >
          <input
            id={`${id}-release`}
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            aria-describedby={`${id}-release-hint`}
            value={releaseVersion}
            onChange={(event) => setReleaseVersion(event.target.value)}
          />
        </Field>
      )}
      <Field
        id={`${id}-explanation`}
        label={t('queues.form.explanation')}
        hint={t('queues.form.explanationHint')}
      >
        <textarea
          id={`${id}-explanation`}
          rows={3}
          aria-describedby={`${id}-explanation-hint`}
          value={explanation}
          onChange={(event) => setExplanation(event.target.value)}
        />
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('queues.action.resolve')}
        </button>
      </div>
    </form>
  );
}

function ResolveObjection({ busy, act }: { busy: boolean; act: Act }) {
  const { t } = useI18n();
  const id = useId();
  const [outcome, setOutcome] = useState('restored');
  const [explanation, setExplanation] = useState('');
  const [release, setRelease] = useState({ version: '', checksum: '', recordCount: '', format: 'csv' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const reopened = outcome === 'reopened_after_processing';
    void act(OBJECTION_RESOLVE, {
      outcome,
      explanation,
      ...(reopened && {
        release: {
          version: Number(release.version),
          checksum: release.checksum.trim(),
          recordCount: Number(release.recordCount),
          format: release.format,
        },
      }),
    });
  };
  const releaseField = (name: keyof typeof release, label: MessageKey, type = 'text') => (
    <Field id={`${id}-${name}`} label={t(label)}>
      <input
        id={`${id}-${name}`}
        type={type}
        value={release[name]}
        onChange={(event) => setRelease({ ...release, [name]: event.target.value })}
      />
    </Field>
  );
  return (
    <form onSubmit={submit} aria-label={t('queues.action.resolve')} className="case-form">
      <h3>{t('queues.action.resolve')}</h3>
      <OutcomeChoice
        name={`${id}-outcome`}
        outcomes={['restored', 'withdrawn', 'reopened_after_processing']}
        value={outcome}
        onChange={setOutcome}
      />
      {outcome === 'reopened_after_processing' && (
        <fieldset>
          <legend>{t('queues.form.release')}</legend>
          {releaseField('version', 'queues.form.releaseVersionNumber', 'number')}
          {releaseField('checksum', 'queues.form.checksum')}
          {releaseField('recordCount', 'queues.form.recordCount', 'number')}
          {releaseField('format', 'queues.form.format')}
        </fieldset>
      )}
      <Field
        id={`${id}-explanation`}
        label={t('queues.form.explanation')}
        hint={t('queues.form.explanationHint')}
      >
        <textarea
          id={`${id}-explanation`}
          rows={3}
          aria-describedby={`${id}-explanation-hint`}
          value={explanation}
          onChange={(event) => setExplanation(event.target.value)}
        />
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('queues.action.resolve')}
        </button>
      </div>
    </form>
  );
}

/** An application's action, folded until opened: three forms at once would hide the case. */
function Disclosure({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details className="case-form">
      <summary>{title}</summary>
      {children}
    </details>
  );
}

function RequestSupplement({ busy, act }: { busy: boolean; act: Act }) {
  const { t } = useI18n();
  const id = useId();
  const [questions, setQuestions] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(APPLICATION_SUPPLEMENT, { questions });
  };
  return (
    <Disclosure title={t('queues.action.requestSupplement')}>
      <form onSubmit={submit} aria-label={t('queues.action.requestSupplement')}>
        <Field id={`${id}-questions`} label={t('queues.form.questions')}>
          <textarea
            id={`${id}-questions`}
            rows={3}
            value={questions}
            onChange={(event) => setQuestions(event.target.value)}
          />
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('queues.action.requestSupplement')}
          </button>
        </div>
      </form>
    </Disclosure>
  );
}

const dateOf = (iso: unknown, fallbackDays: number): string => {
  const date = typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? new Date(iso) : undefined;
  return (date ?? new Date(Date.now() + fallbackDays * 86_400_000)).toISOString().slice(0, 10);
};

function Approve({ busy, act, filed }: { busy: boolean; act: Act; filed?: Record<string, unknown> }) {
  const { t } = useI18n();
  const id = useId();
  const period = (filed?.requestedPeriod ?? {}) as { from?: string; until?: string };
  const [terms, setTerms] = useState(() => ({
    scope: typeof filed?.purpose === 'string' ? filed.purpose : '',
    fields: Array.isArray(filed?.requestedFields) ? (filed.requestedFields as string[]).join(', ') : '',
    validFrom: dateOf(period.from, 0),
    validUntil: dateOf(period.until, 365),
    obligations: '',
    reportingInterval: 'P30D',
  }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(APPLICATION_APPROVE, {
      agreement: {
        scope: terms.scope,
        fields: splitList(terms.fields),
        // Whole days in Shanghai: from the start of the first to the end of the last.
        validFrom: `${terms.validFrom}T00:00:00+08:00`,
        validUntil: `${terms.validUntil}T23:59:59+08:00`,
        obligations: terms.obligations,
        reportingInterval: terms.reportingInterval.trim(),
      },
    });
  };
  const field = (
    name: keyof typeof terms,
    label: MessageKey,
    type: 'text' | 'date' | 'textarea' = 'text',
  ) => (
    <Field id={`${id}-${name}`} label={t(label)}>
      {type === 'textarea' ? (
        <textarea
          id={`${id}-${name}`}
          rows={2}
          value={terms[name]}
          onChange={(event) => setTerms({ ...terms, [name]: event.target.value })}
        />
      ) : (
        <input
          id={`${id}-${name}`}
          type={type}
          value={terms[name]}
          onChange={(event) => setTerms({ ...terms, [name]: event.target.value })}
        />
      )}
    </Field>
  );
  return (
    <Disclosure title={t('queues.action.approve')}>
      <form onSubmit={submit} aria-label={t('queues.action.approve')}>
        {field('scope', 'queues.form.scope', 'textarea')}
        {field('fields', 'queues.form.fields')}
        <div className="field-row">
          {field('validFrom', 'queues.form.validFrom', 'date')}
          {field('validUntil', 'queues.form.validUntil', 'date')}
        </div>
        {field('obligations', 'queues.form.obligations', 'textarea')}
        {field('reportingInterval', 'queues.form.reportingInterval')}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('queues.action.approve')}
          </button>
        </div>
      </form>
    </Disclosure>
  );
}

function Reject({ busy, act }: { busy: boolean; act: Act }) {
  const { t } = useI18n();
  const id = useId();
  const [reasonCodes, setReasonCodes] = useState('');
  const [explanation, setExplanation] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(APPLICATION_REJECT, { reasonCodes: splitList(reasonCodes), explanation });
  };
  return (
    <Disclosure title={t('queues.action.reject')}>
      <form onSubmit={submit} aria-label={t('queues.action.reject')}>
        <Field
          id={`${id}-codes`}
          label={t('queues.form.reasonCodes')}
          hint={t('queues.form.reasonCodesHint')}
        >
          <input
            id={`${id}-codes`}
            type="text"
            aria-describedby={`${id}-codes-hint`}
            value={reasonCodes}
            onChange={(event) => setReasonCodes(event.target.value)}
          />
        </Field>
        <Field
          id={`${id}-explanation`}
          label={t('queues.form.explanation')}
          hint={t('queues.form.explanationHint')}
        >
          <textarea
            id={`${id}-explanation`}
            rows={3}
            aria-describedby={`${id}-explanation-hint`}
            value={explanation}
            onChange={(event) => setExplanation(event.target.value)}
          />
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('queues.action.reject')}
          </button>
        </div>
      </form>
    </Disclosure>
  );
}
