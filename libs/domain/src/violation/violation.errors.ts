import { DomainError } from '../domain-error';

export type ViolationErrorCode =
  | 'ViolationNotFound'
  | 'ViolationAlreadyReported'
  | 'SupervisorsOnly'
  | 'GrantOrPrincipalRequired'
  | 'GrantNotFound'
  | 'AccessEventRequired'
  | 'AccessEventNotExpected'
  | 'ViolationNotUnderInvestigation'
  | 'ViolationClosed';

export class ViolationError extends DomainError<ViolationErrorCode> {}
