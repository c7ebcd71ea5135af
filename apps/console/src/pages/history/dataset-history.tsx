import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useAsync } from '../../components/use-async';
import { useI18n } from '../../i18n/i18n';
import { href, Link, Route } from '../../router';
import { useSession } from '../../session/session';
import { AsOfPanel } from './as-of-panel';
import { Dataset, label, statusBadgeClass } from './dataset-labels';
import { DiffPanel } from './diff-panel';
import { HistoryItem, Timeline } from './timeline';

const HISTORY_PAGE = 100;

/** One dataset's past: the state at a chosen moment, a diff between two versions, and every event. */
export function DatasetHistory({ id, route }: { id: string; route: Route }) {
  const { t } = useI18n();
  const { api } = useSession();
  const asOf = route.query.get('asOf') ?? undefined;
  const from = route.query.get('from') ?? undefined;
  const to = route.query.get('to') ?? undefined;

  // Every event, page after page: the slider and the diff need them all, and the timeline shows them all.
  const loaded = useAsync(
    async (signal) => {
      const everyEvent = async () => {
        const items: HistoryItem[] = [];
        let cursor: string | undefined;
        do {
          const page = await api.get<{ items: HistoryItem[]; next?: string }>(
            `/v1/datasets/${encodeURIComponent(id)}/history`,
            { query: { limit: HISTORY_PAGE, cursor }, signal },
          );
          items.push(...page.items);
          cursor = page.next;
        } while (cursor !== undefined);
        return items;
      };
      const [current, items] = await Promise.all([
        api.get<Dataset>(`/v1/datasets/${encodeURIComponent(id)}`, { signal }),
        everyEvent(),
      ]);
      return { current, items };
    },
    [api, id],
  );

  if (loaded.error !== undefined) {
    return (
      <section aria-labelledby="datasets-title">
        <p>
          <Link to={href('datasets')}>{t('history.back')}</Link>
        </p>
        <h1 id="datasets-title">{t('history.title')}</h1>
        <ProblemMessage error={loaded.error} onRetry={loaded.reload} />
      </section>
    );
  }
  if (!loaded.data) return <Loading />;
  const { current, items } = loaded.data;
  const link = (query: { asOf?: string; from?: string; to?: string }) =>
    href('datasets', id, { asOf, from, to, ...query });

  return (
    <section aria-labelledby="datasets-title" className="dataset-history">
      <p className="back-link">
        <Link to={href('datasets')}>{t('history.back')}</Link>
      </p>
      <h1 id="datasets-title">
        <span className="visually-hidden">{t('history.title')}：</span>
        {current.title}
      </h1>
      <p className="dataset-meta">
        <span>
          {t('history.id')} <code>{current.id}</code>
        </span>
        <span>
          {t('history.field.organizationId')} {current.organizationId}
        </span>
        <span>{label(t, 'history.classification', current.classification)}</span>
        <span className={statusBadgeClass(current.status)}>{label(t, 'history.status', current.status)}</span>
        <span>
          {t('history.field.currentVersion')} {current.currentVersion}
        </span>
      </p>
      <div className="history-panels">
        <AsOfPanel id={id} asOf={asOf} current={current} items={items} link={link} />
        <DiffPanel id={id} from={from} to={to} items={items} link={link} />
      </div>
      <Timeline items={items} asOf={asOf} link={link} />
    </section>
  );
}
