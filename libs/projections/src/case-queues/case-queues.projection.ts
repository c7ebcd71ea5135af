import type { DeadlineClock } from '@ledger/domain';
import { aggregateIdOf, UpdateFrequency } from '@ledger/events';
import type { DeadlineBasis, Rulebooks } from '@ledger/runtime';
import type { SqlQueryable } from '@ledger/store';
import type { ProjectedEvent, Projection } from '../engine/projection';
import {
  CASE_QUEUE_TABLES,
  caseQueueTables,
  FILL_IN_ORGANIZATION,
  INSERT_CORRECTION,
  INSERT_DATASET,
  INSERT_OBJECTION,
  INSERT_RELEASE,
  INSERT_SUSPENSION,
  inSchema,
  RECORD_RELEASE,
  RECORD_SUSPENSION,
  RESOLVE,
  SELECT_DATASET,
  START_VERIFICATION,
} from './case-queues.sql';

export const CASE_QUEUES_PROJECTION = 'case_queues';

/**
 * Work queues of corrections and objections with their statutory deadlines (domain.md, "Deadlines"),
 * and what the evaluation figures need: each case's organisation (from its dataset's registration),
 * when it was filed, verified, suspended and resolved, and each release with the time it was due.
 *
 * Every deadline is counted under the rulebook version the starting event was recorded under
 * (`metadata.legalBasis.rulebook`): a later version never moves a running case's deadline. Nothing
 * sealed (reporter, objector, evidence) is read.
 */
export function caseQueuesProjection(rulebooks: Rulebooks): Projection {
  return {
    name: CASE_QUEUES_PROJECTION,
    version: 1,
    eventTypes: [
      'DatasetRegistered',
      'DatasetReleased',
      'DatasetSuspended',
      'CorrectionRequested',
      'CorrectionVerificationStarted',
      'CorrectionResolved',
      'ObjectionFiled',
      'ObjectionVerificationStarted',
      'ObjectionResolved',
    ],
    tables: CASE_QUEUE_TABLES,
    createTables: caseQueueTables,
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
  const { entry, data, globalPosition: position } = event;
  const id = aggregateIdOf(entry.streamId);
  const at = entry.recordedAt;
  const rulebook = entry.metadata.legalBasis.rulebook;
  const run = (sql: string, params: unknown[]) => tx.query(inSchema(sql, schema), params);
  const due = (clock: DeadlineClock, basis?: DeadlineBasis) =>
    deadlineUnder(rulebooks, clock, at, rulebook, basis);

  switch (entry.type) {
    case 'DatasetRegistered':
      await run(INSERT_DATASET, [id, data.organizationId, data.updateFrequency, position]);
      await run(FILL_IN_ORGANIZATION, [id, data.organizationId]);
      return;
    case 'DatasetReleased': {
      const [dataset] = await run(SELECT_DATASET, [id]);
      const row = dataset as
        | { update_frequency: UpdateFrequency; next_release_due_at: string | null; position: string }
        | undefined;
      if (row && Number(row.position) >= position) return;
      const version = data.version as number;
      await run(INSERT_RELEASE, [id, version, at, row?.next_release_due_at ?? null, position]);
      if (!row) return;
      const next =
        row.update_frequency === 'irregular'
          ? null
          : due('dataset_update', { updateFrequency: row.update_frequency }).dueAt;
      await run(RECORD_RELEASE, [id, version, at, next, position]);
      return;
    }
    case 'DatasetSuspended':
      if (data.cause !== 'objection' || typeof data.causeRef !== 'string') return;
      await run(INSERT_SUSPENSION, [data.causeRef, id, at, position]);
      await run(RECORD_SUSPENSION, [data.causeRef, id, at, position]);
      return;
    case 'CorrectionRequested': {
      const verification = due('correction_verification');
      await run(INSERT_CORRECTION, [
        id,
        data.datasetId,
        at,
        verification.rulebook,
        verification.dueAt,
        position,
      ]);
      return;
    }
    case 'ObjectionFiled': {
      const verification = due('objection_verification');
      await run(INSERT_OBJECTION, [
        id,
        data.datasetId,
        at,
        verification.rulebook,
        verification.dueAt,
        due('objection_suspension').dueAt,
        position,
      ]);
      return;
    }
    case 'CorrectionVerificationStarted':
    case 'ObjectionVerificationStarted':
      await run(START_VERIFICATION, [kindOf(entry.type), id, at, position]);
      return;
    case 'CorrectionResolved':
    case 'ObjectionResolved':
      await run(RESOLVE, [
        kindOf(entry.type),
        id,
        data.outcome,
        typeof data.releaseVersion === 'number' ? data.releaseVersion : null,
        at,
        position,
      ]);
      return;
    default:
      return;
  }
}

function kindOf(type: string): 'correction' | 'objection' {
  return type.startsWith('Correction') ? 'correction' : 'objection';
}

/**
 * The deadline under the rulebook version the event names. A version this process does not know (a
 * newer one published elsewhere) must not stop the view: the version in force at the start is used,
 * and the row names the version it was counted under.
 */
function deadlineUnder(
  rulebooks: Rulebooks,
  clock: DeadlineClock,
  startedAt: string,
  rulebook: string,
  basis?: DeadlineBasis,
): { dueAt: string; rulebook: string } {
  const known = rulebooks.byRef(rulebook) ? rulebook : undefined;
  const deadline = rulebooks.deadline(clock, new Date(startedAt), known, basis);
  return { dueAt: deadline.dueAt.toISOString(), rulebook: deadline.rulebook };
}
