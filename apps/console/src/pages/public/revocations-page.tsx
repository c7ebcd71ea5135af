import { TextFilter } from '../../components/text-filter';
import { FormEvent } from 'react';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useI18n } from '../../i18n/i18n';
import { href, navigate, Route } from '../../router';
import { label } from '../history/dataset-labels';
import { MoreButton } from './more-button';
import { PUBLIC_PAGE_SIZE } from './open-list-page';
import { usePagedList } from './use-paged-list';
import './public.css';

/** An item of GET /v1/public/revocations: never the grantee, never personal data. */
interface Revocation {
  grantId: string;
  datasetId: string;
  datasetTitle?: string;
  organizationId?: string;
  revokedAt: string;
  reason: string;
  violationCaseId?: string;
  sanction?: string;
}

/** Revocation notices (GET /v1/public/revocations), newest first, for anyone. */
export function RevocationsPage({ route }: { route: Route }) {
  const { t, formatTime } = useI18n();
  const datasetId = route.query.get('datasetId') ?? '';
  const organizationId = route.query.get('organizationId') ?? '';
  const list = usePagedList<Revocation>('/v1/public/revocations', {
    datasetId,
    organizationId,
    limit: PUBLIC_PAGE_SIZE,
  });

  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate(
      href('public', 'revocations', {
        datasetId: String(form.get('datasetId') ?? '').trim(),
        organizationId: String(form.get('organizationId') ?? '').trim(),
      }),
    );
  };

  return (
    <section aria-labelledby="rev-title" className="public-page">
      <h1 id="rev-title">{t('public.revocations.title')}</h1>
      <p className="hint">
        {t('public.revocations.intro')} {t('public.noLogin')}
      </p>
      <form className="card public-filters" onSubmit={filter} aria-label={t('public.filters')}>
        <TextFilter id="rev-dataset" name="datasetId" label={t('public.dataset')} value={datasetId} />
        <TextFilter
          id="rev-organization"
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
        <p className="notice">{t('public.revocations.empty')}</p>
      ) : (
        <table className="public-table" data-testid="revocations">
          <caption className="visually-hidden">{t('public.revocations.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('public.revocations.revokedAt')}</th>
              <th scope="col">{t('public.revocations.dataset')}</th>
              <th scope="col">{t('history.field.organizationId')}</th>
              <th scope="col">{t('public.revocations.reason')}</th>
              <th scope="col">{t('public.revocations.sanction')}</th>
              <th scope="col">{t('public.revocations.case')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((notice) => (
              <tr key={notice.grantId} data-testid="revocation" data-grant={notice.grantId}>
                <td>
                  <time dateTime={notice.revokedAt}>{formatTime(notice.revokedAt)}</time>
                </td>
                <td>
                  <strong>{notice.datasetTitle ?? notice.datasetId}</strong>
                  <div className="sub">
                    <code>{notice.datasetId}</code> ·{' '}
                    {t('public.revocations.grant', { grantId: notice.grantId })}
                  </div>
                </td>
                <td>{notice.organizationId ?? '—'}</td>
                <td className="reason">{notice.reason}</td>
                <td>{notice.sanction ? label(t, 'public.sanction', notice.sanction) : '—'}</td>
                <td>{notice.violationCaseId ? <code>{notice.violationCaseId}</code> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MoreButton list={list} />
    </section>
  );
}
