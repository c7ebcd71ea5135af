import type { PublishScopeV1, Role } from '@ledger/events';
import type { CommandMetadata } from '../decider';

export interface IssuedKey {
  keyId: string;
  /** SHA-256 (hex) of the token; the token itself is shown once and never recorded. */
  keyHash: string;
}

export interface Authority {
  role: Role;
  organizationId?: string;
  publish?: PublishScopeV1;
}

/** Whether the organisation the command names is registered (a fact from outside the aggregate). */
export interface OrganizationsContext {
  organizationRegistered: boolean;
}

export interface CreatePrincipal {
  type: 'CreatePrincipal';
  data: Authority & { name: string; key: IssuedKey };
  context: OrganizationsContext;
  metadata: CommandMetadata;
}

export interface IssueApiKey {
  type: 'IssueApiKey';
  data: IssuedKey & { replaces?: string };
  metadata: CommandMetadata;
}

/** Facts from outside the aggregate that guard against locking every administrator out. */
export interface AdministratorsContext {
  /** Platform admins other than this principal that hold at least one active key. */
  otherActivePlatformAdmins: number;
}

export interface RevokeApiKey {
  type: 'RevokeApiKey';
  data: { keyId: string; reason: string };
  context: AdministratorsContext;
  metadata: CommandMetadata;
}

export interface ChangePrincipalRole {
  type: 'ChangePrincipalRole';
  data: Authority;
  context: AdministratorsContext & OrganizationsContext;
  metadata: CommandMetadata;
}

export type PrincipalCommand = CreatePrincipal | IssueApiKey | RevokeApiKey | ChangePrincipalRole;
