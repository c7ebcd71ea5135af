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
  /** `application_review`: 1 for the review the submission started, 2, 3… for each a supplement restarted. */
  round?: number;
  /** The id of the event that started the clock (the DeadlineMissed's causation). */
  startedBy: string;
}

type TimerIdentity = Pick<
  DeadlineTimerPayload,
  'caseStream' | 'clock' | 'dueAt' | 'releaseVersion' | 'round'
>;

/**
 * Which running of a clock that restarts a timer is for, when the case runs it more than once: a
 * dataset's update clock per release (`v3`), an application's review per round (`r2`), a grant's usage
 * report per due time (each report moves it to a new one). Undefined for the clocks a case runs once.
 */
function runningOf(timer: TimerIdentity): string | undefined {
  if (timer.releaseVersion !== undefined) return `v${timer.releaseVersion}`;
  if (timer.round !== undefined) return `r${timer.round}`;
  if (timer.clock === 'usage_report') return timer.dueAt;
  return undefined;
}

/** One timer per clock of a case (per release, review round or report due time), however often it is decided. */
export function deadlineTimerJobId(timer: TimerIdentity): string {
  if (timer.releaseVersion !== undefined) {
    return jobIdOf(timer.caseStream, timer.clock, String(timer.releaseVersion));
  }
  const running = runningOf(timer);
  return running === undefined
    ? jobIdOf(timer.caseStream, timer.clock)
    : jobIdOf(timer.caseStream, timer.clock, running);
}

/**
 * The stream a clock's DeadlineMissed is recorded in: `deadline-<case stream>.<clock>[.<running>]` —
 * `.v<release>` for a dataset's update, `.r<round>` for an application's review, `.<due time>` for a
 * grant's usage report — the clock spelt with `-` (stream ids have no `_` after the category). A case
 * stream too long for that is named by a hash of it instead.
 */
export function deadlineStreamOf(timer: TimerIdentity): string {
  const running = runningOf(timer);
  const suffix = `.${timer.clock.replace(/_/g, '-')}${running === undefined ? '' : `.${running}`}`;
  const direct = `${timer.caseStream}${suffix}`;
  const id = AGGREGATE_ID_PATTERN.test(direct)
    ? direct
    : `sha256.${createHash('sha256').update(timer.caseStream).digest('hex').slice(0, 40)}${suffix}`;
  return streamIdOf(STREAM_CATEGORIES.deadline, id);
}
