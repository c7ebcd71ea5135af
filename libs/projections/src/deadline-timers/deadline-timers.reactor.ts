import type { DeadlineClock } from '@ledger/domain';
import { aggregateIdOf, UpdateFrequency } from '@ledger/events';
import { DeadlineBasis, insertOutboxJob, Rulebooks } from '@ledger/runtime';
import type { SqlQueryable } from '@ledger/store';
import type { ProjectedEvent, Projection } from '../engine/projection';
import { DEADLINES_QUEUE, DeadlineTimerPayload, deadlineTimerJobId } from './deadline-timer';
import {
  DEADLINE_TIMER_TABLES,
  deadlineTimerTables,
  insertTimerDataset,
  selectTimerDataset,
} from './deadline-timers.sql';

export const DEADLINE_TIMERS_REACTOR = 'deadline_timers';

/**
 * The deadline timers (domain.md, "Deadlines"; issue 5, "Jobs"): when a clock starts — a correction
 * requested, an objection filed (two clocks), a release of a dataset that promises a next one — a timer
 * for its due time goes into the job outbox, in the transaction that advances this reactor's
 * checkpoint, under an id of the case and clock, so a batch applied twice still leaves one timer per
 * clock. Whether the clock stopped in time is the timer's handler's to find out when it fires.
 * Deadlines are counted under the rulebook version the starting event was recorded under.
 */
export function deadlineTimersReactor(rulebooks: Rulebooks): Projection {
  return {
    name: DEADLINE_TIMERS_REACTOR,
    version: 1,
    reactor: true,
    eventTypes: ['DatasetRegistered', 'DatasetReleased', 'CorrectionRequested', 'ObjectionFiled'],
    tables: DEADLINE_TIMER_TABLES,
    createTables: deadlineTimerTables,
    apply: async (tx, events, schema) => {
      for (const event of events) await applyOne(tx, event, schema, rulebooks);
    },
  };
}

async function applyOne(
  tx: SqlQueryable,
  event: ProjectedEvent,
  schema: string,
  rulebooks: Rulebooks,
): Promise<void> {
  const { entry, data } = event;
  const timer = async (clock: DeadlineClock, basis?: DeadlineBasis, releaseVersion?: number) => {
    const payload: DeadlineTimerPayload = {
      caseStream: entry.streamId,
      clock,
      dueAt: dueAtUnder(rulebooks, clock, entry.recordedAt, entry.metadata.legalBasis.rulebook, basis),
      ...(releaseVersion !== undefined && { releaseVersion }),
      startedBy: entry.id,
    };
    await insertOutboxJob(tx, {
      jobId: deadlineTimerJobId(payload),
      queue: DEADLINES_QUEUE,
      payload,
      runAt: payload.dueAt,
    });
  };

  switch (entry.type) {
    case 'DatasetRegistered':
      await tx.query(insertTimerDataset(schema), [aggregateIdOf(entry.streamId), data.updateFrequency]);
      return;
    case 'DatasetReleased': {
      const [dataset] = await tx.query<{ update_frequency: UpdateFrequency }>(selectTimerDataset(schema), [
        aggregateIdOf(entry.streamId),
      ]);
      if (!dataset || dataset.update_frequency === 'irregular') return;
      await timer('dataset_update', { updateFrequency: dataset.update_frequency }, data.version as number);
      return;
    }
    case 'CorrectionRequested':
      await timer('correction_verification');
      return;
    case 'ObjectionFiled':
      await timer('objection_suspension');
      await timer('objection_verification');
      return;
    default:
      return;
  }
}

/** Under the version the event names, or (one this process does not know yet) the one in force then. */
export function dueAtUnder(
  rulebooks: Rulebooks,
  clock: DeadlineClock,
  startedAt: string,
  rulebook: string,
  basis?: DeadlineBasis,
): string {
  const known = rulebooks.byRef(rulebook) ? rulebook : undefined;
  return rulebooks.deadline(clock, new Date(startedAt), known, basis).dueAt.toISOString();
}
