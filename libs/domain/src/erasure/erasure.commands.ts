import type { CommandMetadata } from '../decider';

/** Records that a platform admin erased personal data: the keys are already deleted, this is the fact. */
export interface RecordPersonalDataErasure {
  type: 'RecordPersonalDataErasure';
  data: {
    /** The erased key ids. */
    subjects: string[];
    /** Set when the erasure named a principal. */
    principalId?: string;
    reason: string;
  };
  metadata: CommandMetadata;
}

export type ErasureCommand = RecordPersonalDataErasure;
