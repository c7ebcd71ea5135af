import type { AccessGrantedV1, UsageReportedV1 } from '@ledger/events';
import { aggregateIdOf } from '@ledger/events';
import { insertOutboxJob, Rulebooks } from '@ledger/runtime';
import type { SqlQueryable } from '@ledger/store';
import type { ProjectedEvent, Projection } from '../engine/projection';
import {
  advanceTimerGrantReporting,
  closeTimerGrant,
  CONDITIONAL_ACCESS_TIMER_TABLES,
  conditionalAccessTimerTables,
  insertReviewRound,
  insertTimerGrant,
  selectReviewRound,
  selectTimerGrant,
} from './conditional-access-timers.sql';
import { DEADLINES_QUEUE, DeadlineTimerPayload, deadlineTimerJobId } from './deadline-timer';
import { dueAtUnder } from './deadline-timers.reactor';
import { GRANT_EXPIRY_QUEUE, GrantExpiryPayload, grantExpiryJobId } from './grant-expiry';

export const CONDITIONAL_ACCESS_TIMERS_REACTOR = 'conditional_access_timers';

/**
 * The timers of conditional access (domain.md, "Deadlines", AccessApplication, Grant), beside
 * `deadline_timers` and on its `deadlines` queue — a reactor of its own because a reactor keeps the
 * tables of its first generation, so new clocks with new tables need a new one:
 * - `application_review`, started by ApplicationSubmitted and again by each ApplicationSupplemented:
 *   each start is a new round (1, 2, …) with a timer and a DeadlineMissed of its own;
 * - `usage_report`, one reportingInterval after the grant's validFrom, then after the end of the
 *   furthest period reported on — none once the grant is revoked or expired, nor due after validUntil;
 * - the grant's expiry at validUntil, on the `grant-expiry` queue.
 * Timers go into the job outbox in the transaction that advances the checkpoint, under ids of the
 * case, clock and round or due time, so a batch applied twice leaves the same timers. Whether the
 * clock stopped in time is the handler's to find out when the timer fires. Deadlines are counted under
 * the rulebook version the starting event was recorded under.
 */
export function conditionalAccessTimersReactor(rulebooks: Rulebooks): Projection {
  return {
    name: CONDITIONAL_ACCESS_TIMERS_REACTOR,
    version: 1,
    reactor: true,
    eventTypes: [
      'ApplicationSubmitted',
      'ApplicationSupplemented',
      'AccessGranted',
      'UsageReported',
      'AccessRevoked',
      'GrantExpired',
    ],
    tables: CONDITIONAL_ACCESS_TIMER_TABLES,
    createTables: conditionalAccessTimerTables,
    apply: async (tx, events, schema) => {
      for (const event of events) await applyOne(tx, event, schema, rulebooks);
    },
  };
}

interface TimerGrantRow {
  valid_until: Date | string;
  reporting_interval: string;
  reported_until: Date | string;
  closed: boolean;
}

async function applyOne(
  tx: SqlQueryable,
  event: ProjectedEvent,
  schema: string,
  rulebooks: Rulebooks,
): Promise<void> {
  const { entry } = event;
  const rulebook = entry.metadata.legalBasis.rulebook;
  const deadlineTimer = async (payload: DeadlineTimerPayload) =>
    insertOutboxJob(tx, {
      jobId: deadlineTimerJobId(payload),
      queue: DEADLINES_QUEUE,
      payload,
      runAt: payload.dueAt,
    });
  /** The next report is due one interval after `reportingFrom`, unless that is past validUntil. */
  const usageTimer = async (reportingFrom: string, reportingInterval: string, validUntil: string) => {
    const dueAt = dueAtUnder(rulebooks, 'usage_report', reportingFrom, rulebook, { reportingInterval });
    if (Date.parse(dueAt) > Date.parse(validUntil)) return;
    await deadlineTimer({ caseStream: entry.streamId, clock: 'usage_report', dueAt, startedBy: entry.id });
  };

  switch (entry.type) {
    case 'ApplicationSubmitted':
    case 'ApplicationSupplemented': {
      await tx.query(insertReviewRound(schema), [aggregateIdOf(entry.streamId), entry.id]);
      const [{ round }] = await tx.query<{ round: number }>(selectReviewRound(schema), [entry.id]);
      await deadlineTimer({
        caseStream: entry.streamId,
        clock: 'application_review',
        dueAt: dueAtUnder(rulebooks, 'application_review', entry.recordedAt, rulebook),
        round: Number(round),
        startedBy: entry.id,
      });
      return;
    }
    case 'AccessGranted': {
      const grant = event.data as unknown as AccessGrantedV1;
      await tx.query(insertTimerGrant(schema), [
        aggregateIdOf(entry.streamId),
        grant.validUntil,
        grant.reportingInterval,
        grant.validFrom,
      ]);
      await usageTimer(grant.validFrom, grant.reportingInterval, grant.validUntil);
      const expiry: GrantExpiryPayload = {
        grantStream: entry.streamId,
        validUntil: grant.validUntil,
        startedBy: entry.id,
      };
      await insertOutboxJob(tx, {
        jobId: grantExpiryJobId(expiry),
        queue: GRANT_EXPIRY_QUEUE,
        payload: expiry,
        runAt: expiry.validUntil,
      });
      return;
    }
    case 'UsageReported': {
      const grantId = aggregateIdOf(entry.streamId);
      const [grant] = await tx.query<TimerGrantRow>(selectTimerGrant(schema), [grantId]);
      const { until } = (event.data as unknown as UsageReportedV1).period;
      if (!grant || grant.closed || Date.parse(until) < new Date(grant.reported_until).getTime()) return;
      await tx.query(advanceTimerGrantReporting(schema), [grantId, until]);
      await usageTimer(until, grant.reporting_interval, new Date(grant.valid_until).toISOString());
      return;
    }
    case 'AccessRevoked':
    case 'GrantExpired':
      await tx.query(closeTimerGrant(schema), [aggregateIdOf(entry.streamId)]);
      return;
    default:
      return;
  }
}
