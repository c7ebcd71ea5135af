import { DomainError } from '../domain-error';

export type ApplicationErrorCode =
  | 'ApplicationNotFound'
  | 'ApplicationAlreadySubmitted'
  | 'OnlyDataUsersApply'
  | 'NotYourApplication'
  | 'NotYourOrganization'
  | 'DatasetNotFound'
  | 'DatasetNotConditional'
  | 'DatasetNotOpen'
  | 'UnknownDatasetFields'
  | 'InvalidPeriod'
  | 'ApplicationNotUnderReview'
  | 'SupplementNotRequested'
  | 'AgreementFieldsNotRequested'
  | 'InvalidAgreementPeriod'
  | 'InvalidReportingInterval'
  | 'ReasonsRequired'
  | 'ApplicationClosed'
  | 'ApplicationNotApproved'
  | 'AgreementExpired';

export class ApplicationError extends DomainError<ApplicationErrorCode> {}
