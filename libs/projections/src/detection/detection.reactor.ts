import { detectViolation, GrantStatus, KnownDataset, KnownGrant } from '@ledger/domain';
import {
  AccessGrantedV1,
  aggregateIdOf,
  Classification,
  DataAccessedV1,
  DatasetReclassifiedV1,
  DatasetRegisteredV1,
  EventType,
} from '@ledger/events';
import type { Rulebooks } from '@ledger/runtime';
import type { SqlQueryable } from '@ledger/store';
import type { ProjectedEvent, Projection } from '../engine/projection';
import { DecidedDetection, detectionOf } from './detection-event';
import { DETECTION_TABLES, detectionTables, saveBatch, selectBatchState } from './detection.sql';

export const VIOLATION_DETECTION_REACTOR = 'violation_detection';

const EVENT_TYPES: readonly EventType[] = [
  'DatasetRegistered',
  'DatasetReclassified',
  'AccessGranted',
  'GrantSuspended',
  'GrantReinstated',
  'AccessRevoked',
  'GrantExpired',
  'DataAccessed',
];

/** What a grant event makes of the grant's status (AccessGranted opens it). */
const STATUS_AFTER: Partial<Record<EventType, GrantStatus>> = {
  GrantSuspended: 'suspended',
  GrantReinstated: 'active',
  AccessRevoked: 'revoked',
  GrantExpired: 'expired',
};

/**
 * Detection of suspected violations (domain.md, "Usage"): folds datasets' classifications and grants
 * in journal order and judges every `DataAccessed` against them as they stood just before it
 * (`detectViolation`). A suspected access becomes a SuspectedViolationDetected in the reactor's outbox,
 * in the transaction that advances its checkpoint, under an id named by the access; the commit wakes
 * the DetectionRecorder, which appends a batch's detections in one append. The append cannot happen
 * inside the transaction (on PGlite the journal's writer would wait for the connection this
 * transaction holds), and need not: a crash in between leaves the rows, the recorder appends them
 * again, and the journal answers "already recorded".
 *
 * A reactor: never replayed by a rebuild or a new version, since replaying would decide history's
 * detections again. A batch applied a second time to the same tables changes nothing: events at or
 * before `detection_applied` are skipped. Two round trips a batch (one read, one write), since under
 * load every await waits its turn on the event loop and the lag is what is measured.
 */
export function violationDetectionReactor(rulebooks: Rulebooks): Projection {
  return {
    name: VIOLATION_DETECTION_REACTOR,
    version: 1,
    reactor: true,
    eventTypes: EVENT_TYPES,
    tables: DETECTION_TABLES,
    createTables: detectionTables,
    apply: (tx, events, schema) => applyBatch(tx, events, schema, rulebooks),
  };
}

async function applyBatch(
  tx: SqlQueryable,
  events: readonly ProjectedEvent[],
  schema: string,
  rulebooks: Rulebooks,
): Promise<void> {
  const { state, applied } = await DetectionState.load(tx, schema, events);
  const fresh = events.filter((event) => event.globalPosition > applied);
  if (fresh.length === 0) return;

  const detections: DecidedDetection[] = [];
  for (const { entry, data } of fresh) {
    const streamKey = aggregateIdOf(entry.streamId);
    switch (entry.type) {
      case 'DatasetRegistered': {
        const registered = data as unknown as DatasetRegisteredV1;
        state.setDataset(streamKey, registered.classification, registered.fields);
        break;
      }
      case 'DatasetReclassified':
        state.reclassify(streamKey, (data as unknown as DatasetReclassifiedV1).to);
        break;
      case 'AccessGranted':
        state.openGrant(streamKey, data as unknown as AccessGrantedV1);
        break;
      case 'DataAccessed': {
        const access = data as unknown as DataAccessedV1;
        if (!isJudgeable(access)) break;
        const dataset = state.dataset(access.datasetId);
        if (dataset?.classification !== 'conditional') break;
        const verdict = detectViolation(
          {
            datasetId: access.datasetId,
            principal: access.principal,
            ...(access.grantId !== undefined && { grantId: access.grantId }),
            ...(access.fields !== undefined && { fields: access.fields }),
            occurredAt: entry.occurredAt ?? entry.recordedAt,
          },
          state.grantsFor(access.principal, access.datasetId, access.grantId),
          dataset,
        );
        if (verdict.suspected) {
          const basis = rulebooks.legalBasisFor('SuspectedViolationDetected', new Date(entry.recordedAt));
          detections.push(detectionOf(entry, access, verdict, basis));
        }
        break;
      }
      default: {
        const status = STATUS_AFTER[entry.type as EventType];
        if (status) state.setStatus(streamKey, status);
      }
    }
  }

  await state.save(tx, schema, detections, fresh[fresh.length - 1].globalPosition);
}

interface DatasetRow {
  dataset_id: string;
  classification: Classification;
  fields: string;
}

interface GrantRow {
  grant_id: string;
  grantee: string;
  dataset_id: string;
  fields: string;
  valid_from: string;
  valid_until: string;
  status: GrantStatus;
}

/**
 * The datasets and grants one batch reads and writes, loaded in one query and folded in memory in
 * journal order; what changed is written back, with the detections, in one statement.
 */
class DetectionState {
  private readonly datasets = new Map<string, KnownDataset>();
  private readonly grants = new Map<string, KnownGrant>();
  /** Grant ids per `grantee \0 dataset`. */
  private readonly byHolder = new Map<string, Set<string>>();
  private readonly changedDatasets = new Set<string>();
  private readonly changedGrants = new Set<string>();

  /** Loads what the batch's events name, whether or not they were folded already (the caller skips those). */
  static async load(
    tx: SqlQueryable,
    schema: string,
    events: readonly ProjectedEvent[],
  ): Promise<{ state: DetectionState; applied: number }> {
    const datasetIds = new Set<string>();
    const grantIds = new Set<string>();
    const holders = new Map<string, [string, string]>();
    for (const { entry, data } of events) {
      if (entry.type === 'DataAccessed') {
        const access = data as unknown as DataAccessedV1;
        if (!isJudgeable(access)) continue;
        datasetIds.add(access.datasetId);
        if (access.grantId !== undefined) grantIds.add(access.grantId);
        holders.set(holderKey(access.principal, access.datasetId), [access.principal, access.datasetId]);
      } else if (entry.type === 'DatasetRegistered' || entry.type === 'DatasetReclassified') {
        datasetIds.add(aggregateIdOf(entry.streamId));
      } else {
        grantIds.add(aggregateIdOf(entry.streamId));
      }
    }
    const [row] = await tx.query<{ applied: string; datasets: DatasetRow[]; grants: GrantRow[] }>(
      selectBatchState(schema),
      [
        [...datasetIds],
        [...grantIds],
        [...holders.values()].map(([grantee]) => grantee),
        [...holders.values()].map(([, datasetId]) => datasetId),
      ],
    );
    const state = new DetectionState();
    for (const dataset of jsonOf(row.datasets)) {
      state.datasets.set(dataset.dataset_id, {
        classification: dataset.classification,
        fields: JSON.parse(dataset.fields) as string[],
      });
    }
    for (const grant of jsonOf(row.grants)) {
      state.index({
        grantId: grant.grant_id,
        grantee: grant.grantee,
        datasetId: grant.dataset_id,
        fields: JSON.parse(grant.fields) as string[],
        validFrom: grant.valid_from,
        validUntil: grant.valid_until,
        status: grant.status,
      });
    }
    return { state, applied: Number(row.applied) };
  }

  dataset(datasetId: string): KnownDataset | undefined {
    return this.datasets.get(datasetId);
  }

  /** The principal's grants on the dataset, and the grant the access names (whoever holds it). */
  grantsFor(principal: string, datasetId: string, named: string | undefined): KnownGrant[] {
    const ids = new Set(this.byHolder.get(holderKey(principal, datasetId)));
    if (named !== undefined) ids.add(named);
    return [...ids].flatMap((id) => this.grants.get(id) ?? []);
  }

  setDataset(datasetId: string, classification: Classification, fields: readonly string[]): void {
    this.datasets.set(datasetId, { classification, fields: [...fields] });
    this.changedDatasets.add(datasetId);
  }

  reclassify(datasetId: string, classification: Classification): void {
    const known = this.datasets.get(datasetId);
    if (!known) return;
    this.setDataset(datasetId, classification, known.fields);
  }

  openGrant(grantId: string, granted: AccessGrantedV1): void {
    const previous = this.grants.get(grantId);
    if (previous) this.byHolder.get(holderKey(previous.grantee, previous.datasetId))?.delete(grantId);
    this.index({
      grantId,
      grantee: granted.grantee,
      datasetId: granted.datasetId,
      fields: [...granted.fields],
      validFrom: granted.validFrom,
      validUntil: granted.validUntil,
      status: 'active',
    });
    this.changedGrants.add(grantId);
  }

  setStatus(grantId: string, status: GrantStatus): void {
    const grant = this.grants.get(grantId);
    if (!grant) return;
    this.grants.set(grantId, { ...grant, status });
    this.changedGrants.add(grantId);
  }

  /** Writes the datasets and grants changed, the detections decided and the position reached, in one statement. */
  async save(
    tx: SqlQueryable,
    schema: string,
    detections: readonly DecidedDetection[],
    position: number,
  ): Promise<void> {
    const datasets = [...this.changedDatasets].map(
      (id) => [id, this.datasets.get(id) as KnownDataset] as const,
    );
    const grants = [...this.changedGrants].map((id) => this.grants.get(id) as KnownGrant);
    await tx.query(saveBatch(schema), [
      datasets.map(([id]) => id),
      datasets.map(([, dataset]) => dataset.classification),
      datasets.map(([, dataset]) => JSON.stringify(dataset.fields)),
      grants.map((grant) => grant.grantId),
      grants.map((grant) => grant.grantee),
      grants.map((grant) => grant.datasetId),
      grants.map((grant) => JSON.stringify(grant.fields)),
      grants.map((grant) => grant.validFrom),
      grants.map((grant) => grant.validUntil),
      grants.map((grant) => grant.status),
      detections.map((detection) => detection.accessEventId),
      detections.map((detection) => detection.accessPosition),
      detections.map((detection) => detection.streamId),
      detections.map((detection) => JSON.stringify(detection.event)),
      position,
    ]);
  }

  private index(grant: KnownGrant): void {
    this.grants.set(grant.grantId, grant);
    const key = holderKey(grant.grantee, grant.datasetId);
    const held = this.byHolder.get(key) ?? this.byHolder.set(key, new Set()).get(key);
    held?.add(grant.grantId);
  }
}

/** `pg` parses json columns; PGlite does too, but a driver handing back text is parsed here. */
function jsonOf<TRow>(value: TRow[] | string): TRow[] {
  return typeof value === 'string' ? (JSON.parse(value) as TRow[]) : value;
}

function holderKey(principal: string, datasetId: string): string {
  return `${principal}\u0000${datasetId}`;
}

/**
 * The journal holds what publishers sent through the schema check; this guards the fold against an
 * entry written around it (a test, a drill) rather than judging it on garbage.
 */
function isJudgeable(access: DataAccessedV1): boolean {
  return (
    typeof access.datasetId === 'string' &&
    typeof access.principal === 'string' &&
    (access.grantId === undefined || typeof access.grantId === 'string') &&
    (access.fields === undefined || Array.isArray(access.fields))
  );
}
