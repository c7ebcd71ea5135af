import { useI18n } from '../../i18n/i18n';
import type { PagedList } from './use-paged-list';

/** How many rows are shown, and the button for the next page while there is one. */
export function MoreButton({ list }: { list: PagedList<unknown> }) {
  const { t } = useI18n();
  if (list.items.length === 0) return null;
  return (
    <div className="actions public-paging">
      <span className="hint" role="status" data-testid="paging-status">
        {t('public.shown', { count: list.items.length })}
        {!list.more && ` ${t('public.end')}`}
      </span>
      {list.more && (
        <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loading}>
          {list.loading ? t('common.loading') : t('common.more')}
        </button>
      )}
    </div>
  );
}
