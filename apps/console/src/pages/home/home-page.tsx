import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useSession } from '../../session/session';
import { visibleNavigation } from '../../navigation';

export function HomePage() {
  const { t } = useI18n();
  const session = useSession();
  const items = visibleNavigation(session).filter((item) => item.path !== '');
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <p>{t('home.youCan')}</p>
      <ul className="home-links">
        {items.map((item) => (
          <li key={item.path}>
            <Link to={`#/${item.path}`}>{t(item.label)}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
