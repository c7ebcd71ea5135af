import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';

/**
 * The rows of the access views a caller may see: every row (platform admins, supervisors, compliance
 * officers), the rows on its organisation's datasets (a body officer), or its own applications and
 * grants (a data user: the owner is its principal id). Other roles never get this far: the
 * authorisation matrix (access/authorization-matrix.ts) does not let them call these routes.
 */
export type AccessScope =
  { kind: 'all' } | { kind: 'organization'; organizationId: string } | { kind: 'own'; principalId: string };

export function accessScopeOf(principal: AuthenticatedPrincipal): AccessScope {
  switch (principal.role) {
    case 'platform_admin':
    case 'supervisor':
    case 'compliance_officer':
      return { kind: 'all' };
    case 'body_officer':
      if (principal.organizationId === undefined)
        throw Problem.forbidden(
          'a body officer without an organisation sees no cases',
          'NotYourOrganization',
        );
      return { kind: 'organization', organizationId: principal.organizationId };
    case 'data_user':
      return { kind: 'own', principalId: principal.id };
    default:
      throw Problem.forbidden(`a ${principal.role} does not read the access views`);
  }
}

/** The narrowing a list runs with: the organisation (a body officer's own, else as asked) and the owner. */
export interface ListScope {
  organizationId?: string;
  owner?: string;
}

/**
 * A body officer asking for another organisation is refused (403 `NotYourOrganization`), as on the
 * case queues; any other filter outside the caller's scope (a dataset, a grantee) simply finds nothing.
 */
export function listScopeOf(scope: AccessScope, askedOrganization: string | undefined): ListScope {
  switch (scope.kind) {
    case 'all':
      return { organizationId: askedOrganization };
    case 'organization':
      if (askedOrganization !== undefined && askedOrganization !== scope.organizationId) {
        throw Problem.forbidden(
          'a body officer sees only the access views of its own organisation',
          'NotYourOrganization',
        );
      }
      return { organizationId: scope.organizationId };
    case 'own':
      return { organizationId: askedOrganization, owner: scope.principalId };
  }
}

/** Whether one row is the caller's to see; a row outside the scope answers 404, as if it did not exist. */
export function inScope(scope: AccessScope, row: { organizationId?: string; owner?: string }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'organization':
      return row.organizationId === scope.organizationId;
    case 'own':
      return row.owner === scope.principalId;
  }
}
