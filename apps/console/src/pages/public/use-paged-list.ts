import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page, Query } from '../../api/client';
import { useSession } from '../../session/session';

export interface PagedList<T> {
  items: T[];
  /** More pages after these. */
  more: boolean;
  loading: boolean;
  error?: unknown;
  loadMore(): void;
  reload(): void;
}

/**
 * A list view read page by page (`limit`, then `cursor=<next>`): the first page when the query changes,
 * the next one appended on `loadMore`. Answers for a superseded query are dropped.
 */
export function usePagedList<T>(path: string, query: Query): PagedList<T> {
  const { api } = useSession();
  const key = JSON.stringify([path, query]);
  const [state, setState] = useState<{ items: T[]; next?: string; loading: boolean; error?: unknown }>({
    items: [],
    loading: true,
  });
  const generation = useRef(0);

  const load = useCallback(
    (cursor: string | undefined) => {
      const run = cursor === undefined ? ++generation.current : generation.current;
      setState((previous) => ({ ...previous, loading: true, error: undefined }));
      const [listPath, listQuery] = JSON.parse(key) as [string, Query];
      api.get<Page<T>>(listPath, { query: { ...listQuery, cursor } }).then(
        (page) =>
          run === generation.current &&
          setState((previous) => ({
            items: cursor === undefined ? page.items : [...previous.items, ...page.items],
            next: page.next,
            loading: false,
          })),
        (error: unknown) =>
          run === generation.current && setState((previous) => ({ ...previous, error, loading: false })),
      );
    },
    [api, key],
  );

  useEffect(() => {
    load(undefined);
    // A later query's answers win: the generation counter drops this one's when it changes.
    return () => {
      generation.current += 1;
    };
  }, [load]);

  return {
    items: state.items,
    more: state.next !== undefined,
    loading: state.loading,
    error: state.error,
    loadMore: () => load(state.next),
    reload: () => load(undefined),
  };
}
