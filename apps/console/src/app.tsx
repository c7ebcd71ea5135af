import { ReactNode, useEffect, useRef } from 'react';
import { Loading } from './components/loading';
import { useI18n } from './i18n/i18n';
import { visibleNavigation } from './navigation';
import { ExportsPage } from './pages/exports/exports-page';
import { HistoryPage } from './pages/history/history-page';
import { HomePage } from './pages/home/home-page';
import { SignInPage } from './pages/home/sign-in-page';
import { OpenListPage } from './pages/public/open-list-page';
import { RevocationsPage } from './pages/public/revocations-page';
import { QueuesPage } from './pages/queues/queues-page';
import { StatisticsPage } from './pages/statistics/statistics-page';
import { href, Link, Route, useRoute } from './router';
import { RouteKey, useSession } from './session/session';

interface PageEntry {
  /** The first segment of the hash path. */
  first: string;
  render(route: Route): ReactNode;
  /** Pages for signed-in people: without a session, the sign-in form (which returns here). */
  needs?: RouteKey;
}

const PAGES: PageEntry[] = [
  {
    first: 'datasets',
    render: (route) => <HistoryPage route={route} />,
    needs: 'GET /v1/datasets/{id}/history',
  },
  { first: 'queues', render: (route) => <QueuesPage route={route} />, needs: 'GET /v1/corrections' },
  {
    first: 'statistics',
    render: (route) => <StatisticsPage route={route} />,
    needs: 'GET /v1/statistics/organizations/{id}',
  },
  { first: 'exports', render: (route) => <ExportsPage route={route} />, needs: 'POST /v1/exports' },
];

export function App() {
  const route = useRoute();
  const { t } = useI18n();
  const session = useSession();
  const main = useRef<HTMLElement>(null);

  // Moving to another page puts the focus on its content, as a screen reader user expects after
  // following a link; the first page loaded leaves it at the top, where the skip link is.
  const path = route.segments.join('/');
  const firstPath = useRef(path);
  useEffect(() => {
    if (path !== firstPath.current) {
      firstPath.current = '\u0000';
      main.current?.focus({ preventScroll: true });
    }
  }, [path]);

  return (
    <>
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => (event.preventDefault(), main.current?.focus())}
      >
        {t('app.skipToContent')}
      </a>
      <Header />
      <main id="main" ref={main} tabIndex={-1}>
        {session.restoring ? <Loading /> : <PageFor route={route} />}
      </main>
    </>
  );
}

function PageFor({ route }: { route: Route }) {
  const { t } = useI18n();
  const session = useSession();
  const [first, second] = route.segments;
  if (first === undefined) return <HomePage />;
  if (first === 'sign-in') return <SignInPage returnTo={route.query.get('returnTo') ?? undefined} />;
  if (first === 'public' && second === 'open-list') return <OpenListPage route={route} />;
  if (first === 'public' && second === 'revocations') return <RevocationsPage route={route} />;
  const page = PAGES.find((candidate) => candidate.first === first);
  if (!page) return <h1>{t('notFound.title')}</h1>;
  if (page.needs && !session.me) return <SignInPage returnTo={window.location.hash} />;
  if (page.needs && !session.may(page.needs)) {
    return (
      <p role="alert" className="problem">
        {t('problem.forbidden')}
      </p>
    );
  }
  return <>{page.render(route)}</>;
}

function Header() {
  const { t, language, setLanguage } = useI18n();
  const session = useSession();
  const route = useRoute();
  const current = route.segments.join('/');
  return (
    <header className="app-header">
      <div className="brand">
        <a href={href()} className="brand-name">
          {t('app.title')}
        </a>
        <span className="brand-subtitle">{t('app.subtitle')}</span>
      </div>
      <nav aria-label={t('nav.label')}>
        <ul>
          {visibleNavigation(session).map((item) => (
            <li key={item.path}>
              <Link
                to={`#/${item.path}`}
                aria-current={
                  current === item.path || (item.path !== '' && current.startsWith(`${item.path}/`))
                    ? 'page'
                    : undefined
                }
              >
                {t(item.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="account">
        <button
          type="button"
          lang={language === 'zh' ? 'en' : 'zh-CN'}
          aria-label={t('language.switchLabel')}
          onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}
        >
          {t('language.switch')}
        </button>
        {session.me ? (
          <>
            <span className="who-am-i" data-testid="who-am-i">
              {t('session.signedInAs', { name: session.me.name, role: t(`role.${session.me.role}`) })}
              {session.me.organizationId && (
                <> · {t('session.organization', { organization: session.me.organizationId })}</>
              )}
            </span>
            <button type="button" onClick={session.signOut}>
              {t('session.signOut')}
            </button>
          </>
        ) : (
          <Link to={href('sign-in')} className="button-link">
            {t('session.signIn')}
          </Link>
        )}
      </div>
    </header>
  );
}
