import type { Role } from '@ledger/events';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import { accessScopeOf, inScope, listScopeOf } from './access-scope';

const principal = (role: Role, organizationId?: string): AuthenticatedPrincipal => ({
  id: `${role}-1`,
  name: role,
  role,
  keyId: 'k-1',
  ...(organizationId !== undefined && { organizationId }),
});

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof Problem) return [error.status, error.code];
    throw error;
  }
  return undefined;
};

describe('who sees which rows of the access views', () => {
  it.each(['platform_admin', 'supervisor', 'compliance_officer'] as const)('a %s sees every row', (role) => {
    const scope = accessScopeOf(principal(role));
    expect(scope).toEqual({ kind: 'all' });
    expect(listScopeOf(scope, undefined)).toEqual({ organizationId: undefined });
    expect(listScopeOf(scope, 'health')).toEqual({ organizationId: 'health' });
    expect(inScope(scope, {})).toBe(true);
  });

  it('a body officer sees its organisation’s rows, and is refused another organisation', () => {
    const scope = accessScopeOf(principal('body_officer', 'transport'));
    expect(listScopeOf(scope, undefined)).toEqual({ organizationId: 'transport' });
    expect(listScopeOf(scope, 'transport')).toEqual({ organizationId: 'transport' });
    expect(refusal(() => listScopeOf(scope, 'health'))).toEqual([403, 'NotYourOrganization']);
    expect(inScope(scope, { organizationId: 'transport', owner: 'someone' })).toBe(true);
    expect(inScope(scope, { organizationId: 'health' })).toBe(false);
    // A row whose dataset's registration has not reached the view belongs to no body yet.
    expect(inScope(scope, {})).toBe(false);
  });

  it('a body officer without an organisation sees nothing', () => {
    expect(refusal(() => accessScopeOf(principal('body_officer')))).toEqual([403, 'NotYourOrganization']);
  });

  it('a data user sees only the rows it owns, in any organisation', () => {
    const scope = accessScopeOf(principal('data_user'));
    expect(listScopeOf(scope, 'health')).toEqual({ organizationId: 'health', owner: 'data_user-1' });
    expect(inScope(scope, { organizationId: 'health', owner: 'data_user-1' })).toBe(true);
    expect(inScope(scope, { organizationId: 'health', owner: 'data_user-2' })).toBe(false);
    expect(inScope(scope, { organizationId: 'health' })).toBe(false);
  });

  it('a publisher reads none of them', () => {
    expect(refusal(() => accessScopeOf(principal('publisher')))).toEqual([403, 'Forbidden']);
  });
});
