import { DomainError } from '../domain-error';

export type PrincipalErrorCode =
  | 'PrincipalAlreadyExists'
  | 'PrincipalNotFound'
  | 'ApiKeyNotFound'
  | 'ApiKeyAlreadyExists'
  | 'ApiKeyAlreadyRevoked'
  | 'OrganizationRequired'
  | 'UnknownOrganization'
  | 'PublishScopeRequired'
  | 'PublishScopeNotAllowed'
  | 'LastPlatformAdmin';

export class PrincipalError extends DomainError<PrincipalErrorCode> {}
