import type { DatasetReleasedV1, ObjectionFiledV1, ObjectionOutcome } from '@ledger/events';
import type { DatasetContext } from '../correction/correction.commands';
import type { CommandMetadata } from '../decider';

/**
 * Personal members (`objector`, `evidence`) arrive already sealed. `suspend` asks that the dataset be
 * suspended in the same append (立即中止开放): only an officer of the dataset's body may ask it.
 */
export interface FileObjection {
  type: 'FileObjection';
  objectionId: string;
  data: ObjectionFiledV1;
  suspend?: { reason: string };
  context: DatasetContext;
  metadata: CommandMetadata;
}

export interface StartObjectionVerification {
  type: 'StartObjectionVerification';
  context: DatasetContext;
  metadata: CommandMetadata;
}

/** The release's body (without `objectionId`, which the resolution adds) is required when the outcome reopens the dataset. */
export interface ResolveObjection {
  type: 'ResolveObjection';
  objectionId: string;
  data: { outcome: ObjectionOutcome; explanation: string; release?: Omit<DatasetReleasedV1, 'objectionId'> };
  context: DatasetContext;
  metadata: CommandMetadata;
}

export type ObjectionCommand = FileObjection | StartObjectionVerification | ResolveObjection;
