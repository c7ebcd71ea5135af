import { DomainError } from '../domain-error';

export type GrantErrorCode =
  | 'GrantNotFound'
  | 'GrantAlreadyOpened'
  | 'NotYourGrant'
  | 'NotYourOrganization'
  | 'SupervisorsOnly'
  | 'SystemOnly'
  | 'GrantRevoked'
  | 'GrantClosed'
  | 'InvalidPeriod'
  | 'ReportPeriodOutsideGrant'
  | 'GrantNotYetExpired';

export class GrantError extends DomainError<GrantErrorCode> {}
