import { TextFilter } from '../../components/text-filter';
import { FormEvent, useEffect, useMemo, useState } from 'react';
import type { Page } from '../../api/client';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useI18n } from '../../i18n/i18n';
import { href, Link, navigate, Route } from '../../router';
import { useSession } from '../../session/session';
import { Dataset, label, statusBadgeClass } from './dataset-labels';

const PAGE_SIZE = 200;
const STATUSES = ['registered', 'open', 'suspended', 'withdrawn'];

/**
 * The catalogue (GET /v1/datasets), filtered by status and body on the server and by title or id
 * here (the API has no text search). Filters live in the hash query, so a search can be shared.
 */
export function DatasetFinder({ route }: { route: Route }) {
  const { t } = useI18n();
  const { api } = useSession();
  const status = route.query.get('status') ?? '';
  const organizationId = route.query.get('organizationId') ?? '';
  const [text, setText] = useState(route.query.get('q') ?? '');
  const [pages, setPages] = useState<{ items: Dataset[]; next?: string; error?: unknown; loading: boolean }>({
    items: [],
    loading: true,
  });

  const load = (cursor: string | undefined, signal?: AbortSignal) => {
    setPages((previous) => ({ ...previous, loading: true, error: undefined }));
    api
      .get<Page<Dataset>>('/v1/datasets', {
        query: { status, organizationId, limit: PAGE_SIZE, cursor },
        signal,
      })
      .then(
        (page) =>
          setPages((previous) => ({
            items: cursor === undefined ? page.items : [...previous.items, ...page.items],
            next: page.next,
            loading: false,
          })),
        (error: unknown) => {
          if (!signal?.aborted) setPages((previous) => ({ ...previous, error, loading: false }));
        },
      );
  };

  useEffect(() => {
    const controller = new AbortController();
    load(undefined, controller.signal);
    return () => controller.abort();
    // Reloads when the server-side filters change; `load` reads only them and `api`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, status, organizationId]);

  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    if (needle === '') return pages.items;
    return pages.items.filter(
      (dataset) => dataset.title.toLowerCase().includes(needle) || dataset.id.toLowerCase().includes(needle),
    );
  }, [pages.items, text]);

  const changeText = (value: string) => {
    setText(value);
    // The text filter is kept in the address too, without a history entry per keystroke.
    window.history.replaceState(null, '', href('datasets', { status, organizationId, q: value }));
  };

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      href('datasets', {
        status: String(form.get('status') ?? ''),
        organizationId: String(form.get('organizationId') ?? '').trim(),
        q: text,
      }),
    );
  };

  return (
    <section aria-labelledby="datasets-title">
      <h1 id="datasets-title">{t('history.finder.title')}</h1>
      <p className="hint">{t('history.finder.intro')}</p>
      <form className="card finder-form" onSubmit={search} role="search">
        <div className="finder-field finder-text">
          <label htmlFor="finder-text">{t('history.finder.text')}</label>
          <input
            id="finder-text"
            type="search"
            value={text}
            onChange={(event) => changeText(event.target.value)}
            aria-describedby="finder-text-hint"
          />
          <p id="finder-text-hint" className="hint">
            {t('history.finder.textHint')}
          </p>
        </div>
        <div className="finder-field">
          <label htmlFor="finder-status">{t('history.finder.status')}</label>
          <select id="finder-status" name="status" defaultValue={status} key={`status-${status}`}>
            <option value="">{t('history.finder.any')}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {label(t, 'history.status', value)}
              </option>
            ))}
          </select>
        </div>
        <TextFilter
          className="finder-field"
          id="finder-organization"
          name="organizationId"
          label={t('history.finder.organization')}
          value={organizationId}
        />
        <div className="finder-field finder-submit">
          <button type="submit">{t('history.finder.apply')}</button>
        </div>
      </form>

      <ProblemMessage error={pages.error} onRetry={() => load(undefined)} />
      {pages.loading && pages.items.length === 0 ? (
        <Loading />
      ) : (
        <>
          <p className="hint" role="status" data-testid="finder-count">
            {t('history.finder.count', { shown: shown.length, loaded: pages.items.length })}
          </p>
          {shown.length === 0 ? (
            <p className="notice">{t('history.finder.empty')}</p>
          ) : (
            <table className="finder-table">
              <caption className="visually-hidden">{t('history.finder.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('history.field.title')}</th>
                  <th scope="col">{t('history.id')}</th>
                  <th scope="col">{t('history.field.organizationId')}</th>
                  <th scope="col">{t('history.field.classification')}</th>
                  <th scope="col">{t('history.field.status')}</th>
                  <th scope="col" className="number">
                    {t('history.field.currentVersion')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((dataset) => (
                  <tr key={dataset.id}>
                    <td>
                      <Link to={href('datasets', dataset.id)}>{dataset.title}</Link>
                    </td>
                    <td>
                      <code>{dataset.id}</code>
                    </td>
                    <td>{dataset.organizationId}</td>
                    <td>{label(t, 'history.classification', dataset.classification)}</td>
                    <td>
                      <span className={statusBadgeClass(dataset.status)}>
                        {label(t, 'history.status', dataset.status)}
                      </span>
                    </td>
                    <td className="number">{dataset.currentVersion}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {pages.next !== undefined && (
            <div className="actions">
              <button
                type="button"
                className="secondary"
                disabled={pages.loading}
                onClick={() => load(pages.next)}
              >
                {pages.loading ? t('common.loading') : t('common.more')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
