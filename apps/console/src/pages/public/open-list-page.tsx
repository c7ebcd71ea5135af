import { useI18n } from '../../i18n/i18n';
import type { Route } from '../../router';

// A placeholder until the page is built (issue 9).
export function OpenListPage(_props: { route: Route }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="open-title">
      <h1 id="open-title">{t('public.title')}</h1>
    </section>
  );
}
