import type {
  DatasetReclassifiedV1,
  DatasetRegisteredV1,
  DatasetReleasedV1,
  DatasetSuspendedV1,
} from '@ledger/events';
import type { CommandMetadata } from '../decider';

export interface RegisterDataset {
  type: 'RegisterDataset';
  data: DatasetRegisteredV1;
  metadata: CommandMetadata;
}

export interface ReclassifyDataset {
  type: 'ReclassifyDataset';
  data: Omit<DatasetReclassifiedV1, 'from'>;
  metadata: CommandMetadata;
}

/**
 * `objectionId` is set only by an objection's resolution (reopened after processing): the one case in
 * which a suspended dataset may be released, in the same append as that resolution.
 */
export interface ReleaseDataset {
  type: 'ReleaseDataset';
  data: DatasetReleasedV1;
  metadata: CommandMetadata;
}

export interface SuspendDataset {
  type: 'SuspendDataset';
  data: DatasetSuspendedV1;
  metadata: CommandMetadata;
}

/**
 * `objectionId` is set when an objection's resolution restores the dataset. A suspension caused by an
 * objection is lifted only by that objection's resolution while it is pending; the caller says
 * whether it still is (a fact from outside the aggregate; unknown counts as pending).
 */
export interface RestoreDataset {
  type: 'RestoreDataset';
  data: { reason: string; objectionId?: string };
  context?: { suspendingObjectionPending: boolean };
  metadata: CommandMetadata;
}

/** `objectionId` is set when an objection's resolution withdraws the dataset. */
export interface WithdrawDataset {
  type: 'WithdrawDataset';
  data: { reason: string; objectionId?: string };
  metadata: CommandMetadata;
}

export type DatasetCommand =
  RegisterDataset | ReclassifyDataset | ReleaseDataset | SuspendDataset | RestoreDataset | WithdrawDataset;
