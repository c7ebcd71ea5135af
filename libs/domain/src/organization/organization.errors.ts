import { DomainError } from '../domain-error';

export type OrganizationErrorCode = 'OrganizationAlreadyRegistered';

export class OrganizationError extends DomainError<OrganizationErrorCode> {}
