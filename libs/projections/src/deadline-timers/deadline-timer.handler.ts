import { assertNever, deadlineDecider } from '@ledger/domain';
import type { AccessGrantedV1, UsageReportedV1 } from '@ledger/events';
import { aggregateIdOf, LedgerEntry, STREAM_CATEGORIES, streamIdOf, SYSTEM_ACTOR } from '@ledger/events';
import type { CommandLoop, JobHandler } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { projectedEventOf } from '../engine/projection-engine';
import { DeadlineTimerPayload, deadlineStreamOf } from './deadline-timer';

export interface DeadlineTimerHandlerDependencies {
  store: EventStore;
  commands: Pick<CommandLoop, 'handle'>;
  /** The clock the miss is recorded at; injectable for tests. */
  now?: () => Date;
}

/** A timer that fired before its clock ran out (a clock running fast somewhere): the runner tries again later. */
export class DeadlineNotYetDueError extends Error {
  override readonly name = 'DeadlineNotYetDueError';
}

/**
 * The `deadlines` queue's handler: when a timer fires, reads the stream whose clock it is (and, for an
 * objection's suspension clock, its dataset's) to find when the clock stopped. Stopped in time: nothing
 * to record. Otherwise DeadlineMissed goes through the command loop into the clock's own stream,
 * which must not exist yet — so a timer firing twice, or on two workers, records it once.
 */
export function deadlineTimerHandler(
  dependencies: DeadlineTimerHandlerDependencies,
): JobHandler<DeadlineTimerPayload> {
  const now = dependencies.now ?? (() => new Date());
  return async (timer) => {
    const stoppedAt = await clockStoppedAt(dependencies.store, timer);
    const dueAt = Date.parse(timer.dueAt);
    if (stoppedAt !== undefined && Date.parse(stoppedAt) <= dueAt) return;
    const at = now();
    if (stoppedAt === undefined && at.getTime() <= dueAt) {
      throw new DeadlineNotYetDueError(
        `${timer.clock} of ${timer.caseStream} runs out only at ${timer.dueAt}`,
      );
    }
    await dependencies.commands.handle({
      decider: deadlineDecider,
      streamId: deadlineStreamOf(timer),
      command: {
        type: 'RecordDeadlineMissed',
        data: {
          caseStream: timer.caseStream,
          deadline: timer.clock,
          dueAt: timer.dueAt,
          ...(stoppedAt !== undefined && { stoppedAt }),
          ...(timer.releaseVersion !== undefined && { releaseVersion: timer.releaseVersion }),
          ...(timer.round !== undefined && { round: timer.round }),
        },
        metadata: { now: at, actor: SYSTEM_ACTOR },
      },
      correlation: { causationId: timer.startedBy },
    });
  };
}

/**
 * When the clock stopped (domain.md, "Deadlines"), if it has: a correction's verification at its
 * resolution; an objection's suspension at the suspension naming it, or else its resolution; its
 * verification at the resolution; a dataset's update at the next release (or its withdrawal, after
 * which no release is due); an application's review round at the first approval, rejection, request
 * for a supplement or withdrawal after the event that started it; a grant's usage report at the first
 * report after the one that started it reaching past it, or at the grant's revocation or expiry.
 */
async function clockStoppedAt(store: EventStore, timer: DeadlineTimerPayload): Promise<string | undefined> {
  const entries = await entriesOf(store, timer.caseStream);
  const firstAt = (found: LedgerEntry | undefined) => found?.recordedAt;
  switch (timer.clock) {
    case 'correction_verification':
      return firstAt(entries.find((entry) => entry.type === 'CorrectionResolved'));
    case 'objection_verification':
      return firstAt(entries.find((entry) => entry.type === 'ObjectionResolved'));
    case 'objection_suspension': {
      const resolvedAt = firstAt(entries.find((entry) => entry.type === 'ObjectionResolved'));
      const filed = entries.find((entry) => entry.type === 'ObjectionFiled');
      if (!filed) return resolvedAt;
      const objectionId = aggregateIdOf(timer.caseStream);
      const dataset = await entriesOf(
        store,
        streamIdOf(STREAM_CATEGORIES.dataset, String(filed.data.datasetId)),
      );
      const suspendedAt = firstAt(
        dataset.find(
          (entry) =>
            entry.type === 'DatasetSuspended' &&
            entry.data.cause === 'objection' &&
            entry.data.causeRef === objectionId &&
            entry.globalPosition > filed.globalPosition,
        ),
      );
      return [suspendedAt, resolvedAt].filter((at): at is string => at !== undefined).sort()[0];
    }
    case 'dataset_update': {
      const started = entries.findIndex(
        (entry) => entry.type === 'DatasetReleased' && entry.data.version === timer.releaseVersion,
      );
      if (started < 0) return undefined;
      return firstAt(
        entries
          .slice(started + 1)
          .find((entry) => entry.type === 'DatasetReleased' || entry.type === 'DatasetWithdrawn'),
      );
    }
    case 'application_review':
      return firstAt(entriesAfter(entries, timer.startedBy)?.find((entry) => REVIEW_STOPS.has(entry.type)));
    case 'usage_report': {
      const started = entries.find((entry) => entry.id === timer.startedBy);
      if (!started) return undefined;
      const reportedFrom = Date.parse(reportingFromOf(started));
      return firstAt(
        entriesAfter(entries, timer.startedBy)?.find(
          (entry) =>
            entry.type === 'AccessRevoked' ||
            entry.type === 'GrantExpired' ||
            (entry.type === 'UsageReported' && Date.parse(reportedUntilOf(entry)) > reportedFrom),
        ),
      );
    }
    default:
      return assertNever(timer.clock);
  }
}

/** What ends a review round: the body decided, or asked for more (the answer starts the next round), or the applicant withdrew. */
const REVIEW_STOPS = new Set([
  'ApplicationApproved',
  'ApplicationRejected',
  'ApplicationSupplementRequested',
  'ApplicationWithdrawn',
]);

/** The entries after the one with this id; undefined when the stream has none such. */
function entriesAfter(entries: LedgerEntry[], id: string): LedgerEntry[] | undefined {
  const index = entries.findIndex((entry) => entry.id === id);
  return index < 0 ? undefined : entries.slice(index + 1);
}

/** Where the reporting a usage clock waits for begins: the grant's validFrom, or the end of the period last reported on. */
function reportingFromOf(started: LedgerEntry): string {
  return started.type === 'AccessGranted'
    ? (started.data as unknown as AccessGrantedV1).validFrom
    : reportedUntilOf(started);
}

function reportedUntilOf(report: LedgerEntry): string {
  return (report.data as unknown as UsageReportedV1).period.until;
}

/** A stream's entries with their data at the current schema version. */
async function entriesOf(store: EventStore, streamId: string): Promise<LedgerEntry[]> {
  const slice = await store.readStream(streamId);
  return slice.entries.map((stored) => {
    const { entry, data } = projectedEventOf(stored);
    return { ...entry, data };
  });
}
