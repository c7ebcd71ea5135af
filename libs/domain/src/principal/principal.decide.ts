import type { PublishScopeV1 } from '@ledger/events';
import { assertNever, Decider } from '../decider';
import type {
  AdministratorsContext,
  Authority,
  OrganizationsContext,
  PrincipalCommand,
} from './principal.commands';
import { PrincipalError } from './principal.errors';
import {
  activeKeyIds,
  evolvePrincipal,
  initialPrincipalState,
  keyStatus,
  PrincipalEvent,
  PrincipalState,
} from './principal.state';

type ActivePrincipal = Extract<PrincipalState, { status: 'active' }>;

export function decidePrincipal(command: PrincipalCommand, state: PrincipalState): PrincipalEvent[] {
  switch (command.type) {
    case 'CreatePrincipal': {
      if (state.status !== 'unknown') {
        throw new PrincipalError('PrincipalAlreadyExists', 'a principal with this id already exists');
      }
      const { name, key } = command.data;
      const authority = checkedAuthority(command.data, command.context);
      return [
        { type: 'PrincipalCreated', data: { name, ...authority } },
        { type: 'ApiKeyIssued', data: { keyId: key.keyId, keyHash: key.keyHash } },
      ];
    }
    case 'IssueApiKey': {
      const principal = existing(state);
      const { keyId, keyHash, replaces } = command.data;
      if (keyStatus(principal, keyId))
        throw new PrincipalError('ApiKeyAlreadyExists', `key ${keyId} already exists`);
      if (replaces === undefined) return [{ type: 'ApiKeyIssued', data: { keyId, keyHash } }];
      const replaced = keyStatus(principal, replaces);
      if (!replaced)
        throw new PrincipalError('ApiKeyNotFound', `the principal has no key ${replaces} to replace`);
      if (replaced === 'revoked') {
        throw new PrincipalError(
          'ApiKeyAlreadyRevoked',
          `key ${replaces} is already revoked; issue a key without "replaces"`,
        );
      }
      return [
        { type: 'ApiKeyIssued', data: { keyId, keyHash, replaces } },
        { type: 'ApiKeyRevoked', data: { keyId: replaces, reason: `replaced by key ${keyId}` } },
      ];
    }
    case 'RevokeApiKey': {
      const principal = existing(state);
      const { keyId, reason } = command.data;
      const status = keyStatus(principal, keyId);
      if (!status) throw new PrincipalError('ApiKeyNotFound', `the principal has no key ${keyId}`);
      if (status === 'revoked') return [];
      const remainingKeys = activeKeyIds(principal).filter((id) => id !== keyId);
      if (principal.role === 'platform_admin' && remainingKeys.length === 0) {
        refuseLockingEveryoneOut(command.context, 'revoking the last key of the last platform admin');
      }
      return [{ type: 'ApiKeyRevoked', data: { keyId, reason } }];
    }
    case 'ChangePrincipalRole': {
      const principal = existing(state);
      const next = checkedAuthority(command.data, command.context);
      if (
        next.role === principal.role &&
        next.organizationId === principal.organizationId &&
        samePublishScope(next.publish, principal.publish)
      ) {
        return [];
      }
      if (principal.role === 'platform_admin' && next.role !== 'platform_admin') {
        refuseLockingEveryoneOut(command.context, 'demoting the last platform admin');
      }
      return [
        {
          type: 'PrincipalRoleChanged',
          data: {
            ...next,
            previousRole: principal.role,
            ...(principal.organizationId !== undefined && {
              previousOrganizationId: principal.organizationId,
            }),
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

function existing(state: PrincipalState): ActivePrincipal {
  if (state.status !== 'active') throw new PrincipalError('PrincipalNotFound', 'no principal with this id');
  return state;
}

/**
 * The role's requirements: a body officer belongs to an organisation, a named organisation is
 * registered, and only publishers carry a publishing scope.
 */
function checkedAuthority(authority: Authority, context: OrganizationsContext): Authority {
  const { role, organizationId, publish } = authority;
  if (role === 'body_officer' && organizationId === undefined) {
    throw new PrincipalError(
      'OrganizationRequired',
      'a body_officer must belong to an organisation (organizationId)',
    );
  }
  if (organizationId !== undefined && !context.organizationRegistered) {
    throw new PrincipalError(
      'UnknownOrganization',
      `no organisation ${organizationId} is registered; register it first`,
    );
  }
  if (role === 'publisher' && publish === undefined) {
    throw new PrincipalError(
      'PublishScopeRequired',
      'a publisher needs "publish": the event types and sources it may publish',
    );
  }
  if (role !== 'publisher' && publish !== undefined) {
    throw new PrincipalError(
      'PublishScopeNotAllowed',
      `only a publisher has a publishing scope, not a ${role}`,
    );
  }
  return {
    role,
    ...(organizationId !== undefined && { organizationId }),
    ...(publish !== undefined && { publish: { types: [...publish.types], sources: [...publish.sources] } }),
  };
}

function refuseLockingEveryoneOut(context: AdministratorsContext, what: string): void {
  if (context.otherActivePlatformAdmins === 0) {
    throw new PrincipalError('LastPlatformAdmin', `${what} would leave the ledger without an administrator`);
  }
}

function samePublishScope(a: PublishScopeV1 | undefined, b: PublishScopeV1 | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const sameSet = (x: string[], y: string[]) => {
    const xs = new Set(x);
    const ys = new Set(y);
    return xs.size === ys.size && [...xs].every((item) => ys.has(item));
  };
  return sameSet(a.types, b.types) && sameSet(a.sources, b.sources);
}

export const principalDecider: Decider<PrincipalCommand, PrincipalState, PrincipalEvent> = {
  initialState: initialPrincipalState,
  decide: decidePrincipal,
  evolve: evolvePrincipal,
};
