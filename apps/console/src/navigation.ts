import type { MessageKey } from './i18n/messages';
import type { RouteKey } from './session/session';

export interface NavigationItem {
  /** The hash path, without `#/`. */
  path: string;
  label: MessageKey;
  /** Shown when the signed-in role may call this route; absent: shown to everyone, signed in or not. */
  needs?: RouteKey;
}

/** The console's pages in the order of the main navigation; each shows only to those whose role may use it. */
export const NAVIGATION: NavigationItem[] = [
  { path: '', label: 'nav.home' },
  { path: 'datasets', label: 'nav.datasets', needs: 'GET /v1/datasets/{id}/history' },
  { path: 'queues', label: 'nav.queues', needs: 'GET /v1/corrections' },
  { path: 'statistics', label: 'nav.statistics', needs: 'GET /v1/statistics/organizations/{id}' },
  { path: 'exports', label: 'nav.exports', needs: 'POST /v1/exports' },
  { path: 'public/open-list', label: 'nav.openList' },
  { path: 'public/revocations', label: 'nav.revocations' },
];

export function visibleNavigation(session: { may(route: RouteKey): boolean }): NavigationItem[] {
  return NAVIGATION.filter((item) => item.needs === undefined || session.may(item.needs));
}
