import { TextFilter } from '../../components/text-filter';
import { FormEvent } from 'react';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useI18n } from '../../i18n/i18n';
import { href, navigate, Route } from '../../router';
import { Dataset, label, statusBadgeClass } from '../history/dataset-labels';
import { MoreButton } from './more-button';
import { usePagedList } from './use-paged-list';
import './public.css';

export const PUBLIC_PAGE_SIZE = 20;

/** 开放清单 (GET /v1/public/open-list), for anyone: filters in the hash, pages appended on request. */
export function OpenListPage({ route }: { route: Route }) {
  const { t, formatTime } = useI18n();
  const classification = route.query.get('classification') ?? '';
  const status = route.query.get('status') ?? '';
  const organizationId = route.query.get('organizationId') ?? '';
  const list = usePagedList<Dataset>('/v1/public/open-list', {
    classification,
    status,
    organizationId,
    limit: PUBLIC_PAGE_SIZE,
  });

  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      href('public', 'open-list', {
        classification: String(form.get('classification') ?? ''),
        status: String(form.get('status') ?? ''),
        organizationId: String(form.get('organizationId') ?? '').trim(),
      }),
    );
  };

  return (
    <section aria-labelledby="open-title" className="public-page">
      <h1 id="open-title">{t('public.openList.title')}</h1>
      <p className="hint">
        {t('public.openList.intro')} {t('public.noLogin')}
      </p>
      <form className="card public-filters" onSubmit={filter} aria-label={t('public.filters')}>
        <div>
          <label htmlFor="open-classification">{t('history.field.classification')}</label>
          <select
            id="open-classification"
            name="classification"
            defaultValue={classification}
            key={`c-${classification}`}
          >
            <option value="">{t('public.any')}</option>
            {['unconditional', 'conditional'].map((value) => (
              <option key={value} value={value}>
                {label(t, 'history.classification', value)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="open-status">{t('history.field.status')}</label>
          <select id="open-status" name="status" defaultValue={status} key={`s-${status}`}>
            <option value="">{t('public.any')}</option>
            {['registered', 'open', 'suspended'].map((value) => (
              <option key={value} value={value}>
                {label(t, 'history.status', value)}
              </option>
            ))}
          </select>
        </div>
        <TextFilter
          id="open-organization"
          name="organizationId"
          label={t('public.organization')}
          value={organizationId}
        />
        <button type="submit">{t('public.apply')}</button>
      </form>

      <ProblemMessage error={list.error} onRetry={list.reload} />
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 && list.error === undefined ? (
        <p className="notice">{t('public.openList.empty')}</p>
      ) : (
        <table className="public-table" data-testid="open-list">
          <caption className="visually-hidden">{t('public.openList.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('public.openList.dataset')}</th>
              <th scope="col">{t('history.field.organizationId')}</th>
              <th scope="col">{t('history.field.classification')}</th>
              <th scope="col">{t('history.field.status')}</th>
              <th scope="col" className="number">
                {t('history.field.currentVersion')}
              </th>
              <th scope="col">{t('history.field.updateFrequency')}</th>
              <th scope="col">{t('public.openList.lastReleased')}</th>
              <th scope="col">{t('history.field.fields')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((dataset) => (
              <tr key={dataset.id} data-testid="open-list-item" data-id={dataset.id}>
                <td>
                  <strong>{dataset.title}</strong>
                  <div className="sub">
                    <code>{dataset.id}</code>
                  </div>
                </td>
                <td>{dataset.organizationId}</td>
                <td>
                  {label(t, 'history.classification', dataset.classification)}
                  {dataset.openConditions && (
                    <div className="sub">
                      {t('public.openList.conditions', { conditions: dataset.openConditions })}
                    </div>
                  )}
                </td>
                <td>
                  <span className={statusBadgeClass(dataset.status)}>
                    {label(t, 'history.status', dataset.status)}
                  </span>
                  {dataset.suspension && (
                    <div className="sub">
                      {t('public.openList.suspendedFor', {
                        cause: label(t, 'history.cause', dataset.suspension.cause),
                      })}
                    </div>
                  )}
                </td>
                <td className="number">{dataset.currentVersion}</td>
                <td>{dataset.updateFrequency && label(t, 'history.frequency', dataset.updateFrequency)}</td>
                <td>
                  {dataset.lastReleasedAt ? (
                    <time dateTime={dataset.lastReleasedAt}>{formatTime(dataset.lastReleasedAt)}</time>
                  ) : (
                    <span className="sub">{t('public.openList.notReleased')}</span>
                  )}
                </td>
                <td className="fields">{dataset.fields?.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MoreButton list={list} />
    </section>
  );
}
