import { DomainError } from '../domain-error';

export type ObjectionErrorCode =
  | 'ObjectionNotFound'
  | 'ObjectionAlreadyFiled'
  | 'DatasetNotFound'
  | 'DatasetNotReleased'
  | 'DatasetWithdrawn'
  | 'SuspendNotAllowed'
  | 'NotYourOrganization'
  | 'ObjectionNotUnderVerification'
  | 'ObjectionAlreadyResolved'
  | 'ReleaseRequired'
  | 'ReleaseNotExpected';

export class ObjectionError extends DomainError<ObjectionErrorCode> {}
