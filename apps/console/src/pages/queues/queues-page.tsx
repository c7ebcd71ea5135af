import { useEffect, useId, useState } from 'react';
import type { Page } from '../../api/client';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useAsync } from '../../components/use-async';
import { useI18n } from '../../i18n/i18n';
import { href, Link, navigate, type Route } from '../../router';
import { useSession } from '../../session/session';
import { CasePanel } from './case-panel';
import {
  CommandAnswer,
  KINDS,
  lastPosition,
  overdueFirst,
  QUEUE_KINDS,
  QueueItem,
  QueueKind,
} from './queue-model';
import { DueAt, StatusBadge, statusLabel } from './queue-parts';
import './queues.css';

const PAGE_SIZE = 50;

/**
 * Work queues (issue 9): corrections, objections and applications with their due dates, overdue ones
 * first and marked in words, and the actions the role may take on a case. `#/queues/<kind>?status=&overdue=true`.
 */
export function QueuesPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const { api, may, me } = useSession();
  const kinds = QUEUE_KINDS.filter((candidate) => may(KINDS[candidate].list));
  const asked = route.segments[1] as QueueKind | undefined;
  const kind: QueueKind = asked !== undefined && kinds.includes(asked) ? asked : (kinds[0] ?? 'corrections');
  const status = route.query.get('status') ?? '';
  const overdue = route.query.get('overdue') === 'true';
  const filterId = useId();

  /** Set after an action: the list waits until its view has applied the command (read-your-writes). */
  const [minPosition, setMinPosition] = useState<number | undefined>();
  const [notice, setNotice] = useState<CommandAnswer | undefined>();
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [snapshot, setSnapshot] = useState<QueueItem | undefined>();
  const [more, setMore] = useState<{ items: QueueItem[]; next?: string; error?: unknown }>({ items: [] });

  const list = useAsync(
    (signal) =>
      api.get<Page<QueueItem>>(KINDS[kind].path, {
        query: { status, overdue: overdue ? true : undefined, limit: PAGE_SIZE, minPosition },
        signal,
      }),
    [api, kind, status, overdue, minPosition],
  );
  useEffect(() => setMore({ items: [] }), [list.data]);

  // Another queue: another set of cases.
  useEffect(() => {
    setSelectedId(undefined);
    setNotice(undefined);
  }, [kind]);

  const items = overdueFirst([...(list.data?.items ?? []), ...more.items]);
  const next = more.items.length > 0 ? more.next : list.data?.next;
  const selected =
    items.find((item) => item.id === selectedId) ?? (snapshot?.id === selectedId ? snapshot : undefined);

  const loadMore = async () => {
    if (!next) return;
    try {
      const page = await api.get<Page<QueueItem>>(KINDS[kind].path, {
        query: { status, overdue: overdue ? true : undefined, limit: PAGE_SIZE, cursor: next, minPosition },
      });
      setMore({ items: [...more.items, ...page.items], next: page.next });
    } catch (error) {
      setMore({ ...more, error });
    }
  };

  const filter = (changes: { status?: string; overdue?: boolean }) =>
    navigate(
      href('queues', kind, {
        status: changes.status ?? status,
        overdue: (changes.overdue ?? overdue) ? 'true' : undefined,
      }),
    );

  const done = (answer: CommandAnswer) => {
    setNotice(answer);
    const position = lastPosition(answer);
    if (position !== undefined) setMinPosition(position);
    else list.reload();
  };

  const overdueCount = items.filter((item) => item.overdue).length;
  return (
    <section aria-labelledby="queues-title" className="queues-page">
      <h1 id="queues-title">{t('queues.title')}</h1>
      <p className="hint">
        {t('queues.intro')}
        {me?.role === 'body_officer' && me.organizationId && (
          <> {t('queues.scopeOwn', { organization: me.organizationId })}</>
        )}
      </p>

      <nav aria-label={t('queues.kinds')} className="queue-tabs">
        <ul>
          {kinds.map((candidate) => (
            <li key={candidate}>
              <Link to={href('queues', candidate)} aria-current={candidate === kind ? 'page' : undefined}>
                {t(KINDS[candidate].label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <form
        className="queue-filters"
        aria-label={t('queues.filters')}
        onSubmit={(event) => event.preventDefault()}
      >
        <div>
          <label htmlFor={`${filterId}-status`}>{t('queues.status')}</label>
          <select
            id={`${filterId}-status`}
            value={status}
            onChange={(event) => filter({ status: event.target.value })}
          >
            <option value="">{t('queues.status.any')}</option>
            <option value="open">{t('queues.status.open')}</option>
            {KINDS[kind].statuses.map((candidate) => (
              <option key={candidate} value={candidate}>
                {statusLabel(t, candidate)}
              </option>
            ))}
          </select>
        </div>
        <div className="checkbox">
          <input
            id={`${filterId}-overdue`}
            type="checkbox"
            checked={overdue}
            onChange={(event) => filter({ overdue: event.target.checked })}
          />
          <label htmlFor={`${filterId}-overdue`}>{t('queues.overdueOnly')}</label>
        </div>
      </form>

      {notice && (
        <p className="notice" role="status" data-testid="action-notice">
          {t('queues.done.notice', {
            events: notice.events.map((event) => event.type).join(', ') || '—',
            position: lastPosition(notice) ?? '—',
          })}
        </p>
      )}

      <div className={`queue-layout${selected ? ' with-panel' : ''}`}>
        <div className="queue-list">
          {list.error !== undefined && !list.loading ? (
            <ProblemMessage error={list.error} onRetry={list.reload} />
          ) : list.data === undefined ? (
            <Loading />
          ) : items.length === 0 ? (
            <p className="card">{t('queues.empty')}</p>
          ) : (
            <table className="queue-table" data-testid="queue-table" aria-busy={list.loading}>
              <caption>
                {t('queues.caption', {
                  kind: t(KINDS[kind].label),
                  count: items.length,
                  overdue: overdueCount,
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('queues.column.id')}</th>
                  <th scope="col">{t('queues.column.status')}</th>
                  <th scope="col">{t('queues.column.filed')}</th>
                  <th scope="col">{t('queues.column.due')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('queues.column.action')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <QueueRow
                    key={item.id}
                    item={item}
                    selected={item.id === selectedId}
                    onOpen={() => {
                      setSelectedId(item.id);
                      setSnapshot(item);
                    }}
                  />
                ))}
              </tbody>
            </table>
          )}
          {next && (
            <div className="actions">
              <button type="button" className="secondary" onClick={() => void loadMore()}>
                {t('common.more')}
              </button>
            </div>
          )}
          <ProblemMessage error={more.error} />
        </div>
        {selected ? (
          <CasePanel
            key={`${kind}:${selected.id}`}
            kind={kind}
            item={selected}
            onDone={done}
            onClose={() => setSelectedId(undefined)}
          />
        ) : (
          items.length > 0 && <p className="case-panel-empty hint">{t('queues.panel.none')}</p>
        )}
      </div>
    </section>
  );
}

function QueueRow({ item, selected, onOpen }: { item: QueueItem; selected: boolean; onOpen(): void }) {
  const { t, formatTime } = useI18n();
  const filed = item.filedAt ?? item.submittedAt;
  return (
    <tr
      className={`${item.overdue ? 'overdue' : ''}${selected ? ' selected' : ''}`}
      data-testid="queue-row"
      data-id={item.id}
      data-overdue={item.overdue}
    >
      <td>
        <code className="case-id">{item.id}</code>
        <span className="case-dataset">{item.datasetId}</span>
      </td>
      <td>
        <StatusBadge status={item.status} />
        {item.overdue && (
          <>
            {' '}
            <span className="badge bad overdue-badge">⚠ {t('queues.overdue')}</span>
          </>
        )}
      </td>
      <td className="filed">{filed ? formatTime(filed) : '—'}</td>
      <td>
        <DueAt item={item} />
      </td>
      <td>
        <button
          type="button"
          className={selected ? '' : 'secondary'}
          aria-label={t('queues.openLabel', { id: item.id })}
          aria-expanded={selected}
          onClick={onOpen}
        >
          {t('queues.open')}
        </button>
      </td>
    </tr>
  );
}
