import { DomainError } from '../domain-error';

export type DatasetErrorCode =
  | 'DatasetNotFound'
  | 'DatasetAlreadyRegistered'
  | 'NotYourOrganization'
  | 'DatasetWithdrawn'
  | 'SameClassification'
  | 'DesensitisationOrConsentRequired'
  | 'DatasetOpen'
  | 'DatasetNonOpen'
  | 'DatasetSuspended'
  | 'ReleaseVersionNotIncreasing'
  | 'DatasetNotOpen'
  | 'DatasetNotSuspended'
  | 'SuspendedByObjection';

export class DatasetError extends DomainError<DatasetErrorCode> {}
