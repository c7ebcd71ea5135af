import { useI18n } from '../../i18n/i18n';
import type { Route } from '../../router';

// A placeholder until the page is built (issue 9).
export function RevocationsPage(_props: { route: Route }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="rev-title">
      <h1 id="rev-title">{t('public.title')}</h1>
    </section>
  );
}
