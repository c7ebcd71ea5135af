import { useI18n } from '../../i18n/i18n';
import type { Route } from '../../router';

// A placeholder until the page is built (issue 9).
export function ExportsPage(_props: { route: Route }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="exports-title">
      <h1 id="exports-title">{t('exports.title')}</h1>
    </section>
  );
}
