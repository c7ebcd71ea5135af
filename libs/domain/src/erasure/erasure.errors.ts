import { DomainError } from '../domain-error';

export type ErasureErrorCode = 'ErasureAlreadyRecorded' | 'NoSubjectsErased';

export class ErasureError extends DomainError<ErasureErrorCode> {}
