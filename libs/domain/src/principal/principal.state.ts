import type {
  ApiKeyIssuedV1,
  ApiKeyRevokedV1,
  PrincipalCreatedV1,
  PrincipalRoleChangedV1,
  PublishScopeV1,
  Role,
} from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type PrincipalEvent =
  | DomainEvent<'PrincipalCreated', PrincipalCreatedV1>
  | DomainEvent<'PrincipalRoleChanged', PrincipalRoleChangedV1>
  | DomainEvent<'ApiKeyIssued', ApiKeyIssuedV1>
  | DomainEvent<'ApiKeyRevoked', ApiKeyRevokedV1>;

export type KeyStatus = 'active' | 'revoked';

export type PrincipalState =
  | { status: 'unknown' }
  | {
      status: 'active';
      role: Role;
      organizationId?: string;
      publish?: PublishScopeV1;
      keys: Readonly<Record<string, KeyStatus>>;
    };

export const initialPrincipalState: PrincipalState = { status: 'unknown' };

/** The status of one of the principal's keys; only the principal's own keys count, never Object.prototype's members. */
export function keyStatus(
  state: Extract<PrincipalState, { status: 'active' }>,
  keyId: string,
): KeyStatus | undefined {
  return Object.hasOwn(state.keys, keyId) ? state.keys[keyId] : undefined;
}

export function activeKeyIds(state: PrincipalState): string[] {
  if (state.status !== 'active') return [];
  return Object.keys(state.keys).filter((keyId) => state.keys[keyId] === 'active');
}

export function evolvePrincipal(state: PrincipalState, event: PrincipalEvent): PrincipalState {
  const type = event.type;
  switch (type) {
    case 'PrincipalCreated':
      return {
        status: 'active',
        role: event.data.role,
        organizationId: event.data.organizationId,
        publish: event.data.publish,
        keys: {},
      };
    case 'PrincipalRoleChanged':
      if (state.status !== 'active') return state;
      return {
        ...state,
        role: event.data.role,
        organizationId: event.data.organizationId,
        publish: event.data.publish,
      };
    case 'ApiKeyIssued':
      if (state.status !== 'active') return state;
      return { ...state, keys: { ...state.keys, [event.data.keyId]: 'active' } };
    case 'ApiKeyRevoked':
      if (state.status !== 'active') return state;
      return { ...state, keys: { ...state.keys, [event.data.keyId]: 'revoked' } };
    default:
      return unchanged(type, state);
  }
}
