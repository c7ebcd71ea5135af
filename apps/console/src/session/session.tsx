import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Api, ApiProblem } from '../api/client';

export type Role =
  'platform_admin' | 'body_officer' | 'data_user' | 'supervisor' | 'compliance_officer' | 'publisher';

/** GET /v1/me: who the key belongs to, and the routes of the authorisation matrix its role may call. */
export interface Me {
  id: string;
  name: string;
  role: Role;
  organizationId?: string;
  signedInWith: 'api_key' | 'jwt';
  keyId?: string;
  may: string[];
}

/** A route as the authorisation matrix names it: `POST /v1/corrections/{id}/resolve`. */
export type RouteKey = `${'GET' | 'POST' | 'DELETE'} /${string}`;

interface Session {
  /** Calls the API as the signed-in person, or anonymously. */
  api: Api;
  me?: Me;
  /** Whether the role may call a route (the server still checks, and finer rules may refuse a case). */
  may(route: RouteKey): boolean;
  signIn(token: string): Promise<void>;
  signOut(): void;
  /** True until a kept key has been checked at start. */
  restoring: boolean;
}

// sessionStorage: the key lives as long as the tab, never in a cookie, never in another tab.
const STORAGE_KEY = 'odl.token';
const anonymous = new Api();

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [signedIn, setSignedIn] = useState<{ api: Api; me: Me } | undefined>();
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(STORAGE_KEY) !== null);

  const signIn = useCallback(async (token: string) => {
    const api = new Api(token.trim());
    const me = await api.get<Me>('/v1/me');
    sessionStorage.setItem(STORAGE_KEY, token.trim());
    setSignedIn({ api, me });
  }, []);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setSignedIn(undefined);
  }, []);

  useEffect(() => {
    const kept = sessionStorage.getItem(STORAGE_KEY);
    if (kept === null) return;
    signIn(kept)
      .catch((error: unknown) => {
        // A revoked or expired key: forget it. Anything else (the ledger restarting): keep it for a reload.
        if (error instanceof ApiProblem && error.status === 401) sessionStorage.removeItem(STORAGE_KEY);
      })
      .finally(() => setRestoring(false));
  }, [signIn]);

  const value = useMemo<Session>(
    () => ({
      api: signedIn?.api ?? anonymous,
      me: signedIn?.me,
      may: (route) => signedIn?.me.may.includes(route) ?? false,
      signIn,
      signOut,
      restoring,
    }),
    [signedIn, signIn, signOut, restoring],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
