import type { AccessRevokedV1, UsageReportedV1 } from '@ledger/events';
import type { DatasetContext } from '../correction/correction.commands';
import type { CommandMetadata } from '../decider';

/** The grantee reports on its use for a period. */
export interface ReportUsage {
  type: 'ReportUsage';
  data: UsageReportedV1;
  metadata: CommandMetadata;
}

/** A supervisor, or an officer of the dataset's organisation, suspends the grant pending a check. */
export interface SuspendGrant {
  type: 'SuspendGrant';
  data: { reason: string };
  context: DatasetContext;
  metadata: CommandMetadata;
}

export interface ReinstateGrant {
  type: 'ReinstateGrant';
  data: { reason: string };
  context: DatasetContext;
  metadata: CommandMetadata;
}

/** A supervisor closes the access for good (directly, or as the consequence of a confirmed violation). */
export interface RevokeGrant {
  type: 'RevokeGrant';
  data: AccessRevokedV1;
  metadata: CommandMetadata;
}

/** The ledger's timer: the grant reached its validUntil. Recorded once; nothing when already closed. */
export interface ExpireGrant {
  type: 'ExpireGrant';
  metadata: CommandMetadata;
}

export type GrantCommand = ReportUsage | SuspendGrant | ReinstateGrant | RevokeGrant | ExpireGrant;
