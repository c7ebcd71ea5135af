import { AnchorHTMLAttributes, useEffect, useState } from 'react';

/**
 * Hash routes (`#/datasets/<id>?asOf=…`): the ledger serves one index.html under /console, and a
 * link to any page of the console can be bookmarked or sent to a colleague.
 */
export interface Route {
  /** The path's segments, decoded: `#/datasets/abc` → ['datasets', 'abc']. */
  segments: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?', 2);
  return {
    segments: path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment)),
    query: new URLSearchParams(search),
  };
}

/** Pages told at once when the console itself navigates (see navigate). */
const navigations = new Set<() => void>();

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    window.addEventListener('hashchange', changed);
    navigations.add(changed);
    return () => {
      window.removeEventListener('hashchange', changed);
      navigations.delete(changed);
    };
  }, []);
  return route;
}

/** `href('datasets', id, { asOf: 42 })` → `#/datasets/<id>?asOf=42`. */
export function href(...parts: (string | Record<string, string | number | undefined>)[]): string {
  const segments = parts.filter((part): part is string => typeof part === 'string');
  const query = parts.find(
    (part): part is Record<string, string | number | undefined> => typeof part === 'object',
  );
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return `#/${segments.map(encodeURIComponent).join('/')}${text === '' ? '' : `?${text}`}`;
}

/**
 * Moves to a route, and tells the pages at once rather than when the browser's `hashchange` event
 * comes (a task later): a control whose state lives in the route — a filter's checkbox — then shows
 * its new state in the same render as the click, never the old one for a moment.
 */
export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, '');
  for (const changed of navigations) changed();
}

/** As navigate, without a history entry (a slider's every step is not a page to go back to). */
export function replaceRoute(to: string): void {
  window.location.replace(to.startsWith('#') ? to : `#${to}`);
  for (const changed of navigations) changed();
}

export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a href={to} {...rest} />;
}
