import { createHash } from 'node:crypto';
import type { DeadlineClock } from '@ledger/domain';
import { AGGREGATE_ID_PATTERN, STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { jobIdOf } from '@ledger/runtime';

/** The job queue of deadline timers. */
export const DEADLINES_QUEUE = 'deadlines';

/** What a deadline timer carries: whose clock, which, when it runs out, and the event that started it. */
export interface DeadlineTimerPayload {
  caseStream: string;
  clock: DeadlineClock;
  /** RFC 3339. */
  dueAt: string;
  /** `dataset_update`: the release that started the clock. */
  releaseVersion?: number;
  /** The id of the event that started the clock (the DeadlineMissed's causation). */
  startedBy: string;
}

/** One timer per clock of a case (per release for `dataset_update`), however often it is decided. */
export function deadlineTimerJobId(
  timer: Pick<DeadlineTimerPayload, 'caseStream' | 'clock' | 'releaseVersion'>,
): string {
  return timer.releaseVersion === undefined
    ? jobIdOf(timer.caseStream, timer.clock)
    : jobIdOf(timer.caseStream, timer.clock, String(timer.releaseVersion));
}

/**
 * The stream a clock's DeadlineMissed is recorded in: `deadline-<case stream>.<clock>[.v<release>]`,
 * the clock spelt with `-` (stream ids have no `_` after the category). A case stream too long for
 * that is named by a hash of it instead.
 */
export function deadlineStreamOf(
  timer: Pick<DeadlineTimerPayload, 'caseStream' | 'clock' | 'releaseVersion'>,
): string {
  const suffix = `.${timer.clock.replace(/_/g, '-')}${timer.releaseVersion === undefined ? '' : `.v${timer.releaseVersion}`}`;
  const direct = `${timer.caseStream}${suffix}`;
  const id = AGGREGATE_ID_PATTERN.test(direct)
    ? direct
    : `sha256.${createHash('sha256').update(timer.caseStream).digest('hex').slice(0, 40)}${suffix}`;
  return streamIdOf(STREAM_CATEGORIES.deadline, id);
}
