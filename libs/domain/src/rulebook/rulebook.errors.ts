import { DomainError } from '../domain-error';

export type RulebookPublicationErrorCode = 'RulebookVersionChanged' | 'RulebookVersionOutOfOrder';

/** A rulebook version that would rewrite or skip part of the series' recorded history. */
export class RulebookPublicationError extends DomainError<RulebookPublicationErrorCode> {}
