import type { CorrectionOutcome, CorrectionRequestedV1 } from '@ledger/events';
import type { CommandMetadata } from '../decider';
import type { DatasetState } from '../dataset/dataset.state';

/**
 * The dataset a correction is about, as it stands: a fact from outside the aggregate (whose body
 * handles the case, which versions were released). Releases only ever grow, so a decision on a
 * slightly older copy stays right.
 */
export interface DatasetContext {
  dataset: DatasetState;
}

/** Personal members (`reporter`, `evidence`) arrive already sealed: the decider never sees plaintext. */
export interface RequestCorrection {
  type: 'RequestCorrection';
  data: CorrectionRequestedV1;
  context: DatasetContext;
  metadata: CommandMetadata;
}

export interface StartCorrectionVerification {
  type: 'StartCorrectionVerification';
  context: DatasetContext;
  metadata: CommandMetadata;
}

export interface ResolveCorrection {
  type: 'ResolveCorrection';
  data: { outcome: CorrectionOutcome; releaseVersion?: number; explanation: string };
  context: DatasetContext;
  metadata: CommandMetadata;
}

export type CorrectionCommand = RequestCorrection | StartCorrectionVerification | ResolveCorrection;
