import { DomainError } from '../domain-error';

export type DeadlineErrorCode = 'DeadlineNotMissed';

export class DeadlineError extends DomainError<DeadlineErrorCode> {}
