import { DomainError } from '../domain-error';

export type DisclosureErrorCode =
  'NotEntitledToPersonalData' | 'DisclosureAlreadyRecorded' | 'NothingToDisclose';

export class DisclosureError extends DomainError<DisclosureErrorCode> {}
