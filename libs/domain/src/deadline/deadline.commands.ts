import type { MissedDeadline } from '@ledger/events';
import type { CommandMetadata } from '../decider';

/**
 * A timer fired for a clock that had not stopped by its due time (or stopped only after it): record
 * the miss. `metadata.now` is when the ledger noticed; `stoppedAt` when the clock stopped late, if it did.
 */
export interface RecordDeadlineMissed {
  type: 'RecordDeadlineMissed';
  data: {
    caseStream: string;
    deadline: MissedDeadline;
    /** RFC 3339. */
    dueAt: string;
    /** RFC 3339. */
    stoppedAt?: string;
    releaseVersion?: number;
    round?: number;
  };
  metadata: CommandMetadata;
}

export type DeadlineCommand = RecordDeadlineMissed;
