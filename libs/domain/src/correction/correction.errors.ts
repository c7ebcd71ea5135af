import { DomainError } from '../domain-error';

export type CorrectionErrorCode =
  | 'CorrectionNotFound'
  | 'CorrectionAlreadyFiled'
  | 'DatasetNotFound'
  | 'DatasetVersionNotReleased'
  | 'UnknownDatasetFields'
  | 'NotYourOrganization'
  | 'CorrectionNotUnderVerification'
  | 'CorrectionAlreadyResolved'
  | 'ReleaseVersionRequired'
  | 'ReleaseVersionNotExpected'
  | 'ReleaseVersionNotReleased'
  | 'ReleaseNotNewer';

export class CorrectionError extends DomainError<CorrectionErrorCode> {}
