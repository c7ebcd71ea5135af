import type { ViolationConfirmedV1, ViolationReportedV1 } from '@ledger/events';
import type { CommandMetadata } from '../decider';
import type { GrantState } from '../grant/grant.state';

/**
 * The grant a case is about, as it stands (`{status: 'none'}` when the case names only a principal,
 * or a grant that does not exist).
 */
export interface GrantContext {
  grant: GrantState;
}

/** A supervisor opens a case, about a grant or a principal (one of the two), from a report or a detection. */
export interface ReportViolation {
  type: 'ReportViolation';
  data: ViolationReportedV1;
  context: GrantContext;
  metadata: CommandMetadata;
}

export interface OpenViolationInvestigation {
  type: 'OpenViolationInvestigation';
  metadata: CommandMetadata;
}

/** Confirming revokes the case's grant in the same append (see decideViolationWithGrant). */
export interface ConfirmViolation {
  type: 'ConfirmViolation';
  violationId: string;
  data: ViolationConfirmedV1;
  context: GrantContext;
  metadata: CommandMetadata;
}

export interface DismissViolation {
  type: 'DismissViolation';
  data: { explanation: string };
  metadata: CommandMetadata;
}

export type ViolationCommand =
  ReportViolation | OpenViolationInvestigation | ConfirmViolation | DismissViolation;
