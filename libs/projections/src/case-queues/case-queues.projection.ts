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
  INSERT_RELEASES,
  INSERT_SUSPENSION,
  inSchema,
  RECORD_RELEASES,
  RECORD_SUSPENSION,
  RESOLVE,
  SELECT_DATASETS,
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
      // Releases come by the thousand (every dataset, every update): they are folded in memory and
      // written with one statement per batch; the rarer case events go one by one.
      const releases = await ReleaseBatch.load(tx, events, schema, rulebooks);
      for (const event of events) {
        if (event.entry.type === 'DatasetReleased') releases.add(event);
        else await applyOne(tx, event, schema, rulebooks);
        if (event.entry.type === 'DatasetRegistered') releases.registered(event);
      }
      await releases.flush();
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

interface ReleasedDataset {
  updateFrequency: UpdateFrequency;
  nextReleaseDueAt: string | null;
  position: number;
  latest?: { version: number; releasedAt: string };
}

/**
 * The releases of one batch: the datasets they touch are read once, each release is folded into its
 * dataset in order (skipped when the row is already past it, so a batch applied twice changes
 * nothing), and `flush` writes the releases and each dataset's latest state in two statements.
 */
class ReleaseBatch {
  private readonly releases: Record<string, unknown>[] = [];
  private readonly changed = new Set<string>();

  private constructor(
    private readonly tx: SqlQueryable,
    private readonly schema: string,
    private readonly rulebooks: Rulebooks,
    private readonly datasets: Map<string, ReleasedDataset>,
  ) {}

  static async load(
    tx: SqlQueryable,
    events: readonly ProjectedEvent[],
    schema: string,
    rulebooks: Rulebooks,
  ): Promise<ReleaseBatch> {
    const ids = [
      ...new Set(
        events
          .filter(
            (event) => event.entry.type === 'DatasetReleased' || event.entry.type === 'DatasetRegistered',
          )
          .map((event) => aggregateIdOf(event.entry.streamId)),
      ),
    ];
    const rows =
      ids.length === 0
        ? []
        : await tx.query<{
            dataset_id: string;
            update_frequency: UpdateFrequency;
            next_release_due_at: string | null;
            position: string;
          }>(inSchema(SELECT_DATASETS, schema), [ids]);
    const datasets = new Map(
      rows.map((row) => [
        row.dataset_id,
        {
          updateFrequency: row.update_frequency,
          nextReleaseDueAt: row.next_release_due_at,
          position: Number(row.position),
        },
      ]),
    );
    return new ReleaseBatch(tx, schema, rulebooks, datasets);
  }

  /** A registration earlier in the batch: its releases now have a dataset to be due against. */
  registered(event: ProjectedEvent): void {
    const id = aggregateIdOf(event.entry.streamId);
    if (this.datasets.has(id)) return;
    this.datasets.set(id, {
      updateFrequency: event.data.updateFrequency as UpdateFrequency,
      nextReleaseDueAt: null,
      position: event.globalPosition,
    });
  }

  add(event: ProjectedEvent): void {
    const id = aggregateIdOf(event.entry.streamId);
    const dataset = this.datasets.get(id);
    if (dataset && dataset.position >= event.globalPosition) return;
    const version = event.data.version as number;
    const releasedAt = event.entry.recordedAt;
    this.releases.push({
      dataset_id: id,
      version,
      released_at: releasedAt,
      due_at: dataset?.nextReleaseDueAt ?? null,
      position: event.globalPosition,
    });
    if (!dataset) return;
    dataset.nextReleaseDueAt =
      dataset.updateFrequency === 'irregular'
        ? null
        : deadlineUnder(
            this.rulebooks,
            'dataset_update',
            releasedAt,
            event.entry.metadata.legalBasis.rulebook,
            {
              updateFrequency: dataset.updateFrequency,
            },
          ).dueAt;
    dataset.position = event.globalPosition;
    dataset.latest = { version, releasedAt };
    this.changed.add(id);
  }

  async flush(): Promise<void> {
    if (this.releases.length > 0) {
      await this.tx.query(inSchema(INSERT_RELEASES, this.schema), [JSON.stringify(this.releases)]);
    }
    const ids = [...this.changed];
    if (ids.length === 0) return;
    const latest = ids.map((id) => this.datasets.get(id) as Required<ReleasedDataset>);
    await this.tx.query(inSchema(RECORD_RELEASES, this.schema), [
      ids,
      latest.map((dataset) => dataset.latest.version),
      latest.map((dataset) => dataset.latest.releasedAt),
      latest.map((dataset) => dataset.nextReleaseDueAt),
      latest.map((dataset) => dataset.position),
    ]);
  }
}
