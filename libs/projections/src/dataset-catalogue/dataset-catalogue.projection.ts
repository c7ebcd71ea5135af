import {
  DATASET_EVENT_TYPES,
  DatasetEvent,
  DatasetState,
  evolveDataset,
  initialDatasetState,
  RegisteredDataset,
  currentVersionOf,
} from '@ledger/domain';
import { aggregateIdOf, categoryOf, STREAM_CATEGORIES } from '@ledger/events';
import type { SqlQueryable } from '@ledger/store';
import type { ProjectedEvent, Projection } from '../engine/projection';
import { DATASET_CATALOGUE } from './dataset-catalogue.reader';
import { createDatasetCatalogueTables, selectDatasetsForFold, upsertDatasets } from './dataset-catalogue.sql';

/** A dataset as the catalogue folds it: the deciders' state plus where in the journal it stands. */
interface CataloguedDataset {
  id: string;
  /** Folded by `evolveDataset`, its releases cut to the latest (see createDatasetCatalogueTables). */
  state: DatasetState;
  releaseCount: number;
  /** Stream version of the last event folded in. */
  version: number;
  /** Global position of the last event folded in (-1: none yet). */
  position: number;
  registeredAt?: string;
  lastReleasedAt?: string;
  updatedAt?: string;
}

/**
 * The dataset catalogue: every dataset's current state, for `GET /v1/datasets` and the public open
 * list. Each batch loads the rows it touches, folds each event with `evolveDataset` (the deciders'
 * own evolve, so the view never disagrees with a decision) and writes each row once. An event at or
 * before a row's position is already in it and is skipped, so a batch applied twice gives the same rows.
 */
export const datasetCatalogueProjection: Projection = {
  name: DATASET_CATALOGUE,
  version: 3,
  eventTypes: DATASET_EVENT_TYPES,
  tables: ['datasets'],
  createTables: createDatasetCatalogueTables,
  apply: async (tx: SqlQueryable, events: readonly ProjectedEvent[], schema: string) => {
    const ofDatasets = events.filter(
      (event) => categoryOf(event.entry.streamId) === STREAM_CATEGORIES.dataset,
    );
    if (ofDatasets.length === 0) return;
    const ids = [...new Set(ofDatasets.map((event) => aggregateIdOf(event.entry.streamId)))];
    const datasets = new Map<string, CataloguedDataset>(
      (await tx.query<StoredRow>(selectDatasetsForFold(schema), [ids])).map((row) => [
        row.id,
        catalogued(row),
      ]),
    );
    const changed = new Set<string>();
    for (const event of ofDatasets) {
      const id = aggregateIdOf(event.entry.streamId);
      const before = datasets.get(id) ?? {
        id,
        state: initialDatasetState,
        releaseCount: 0,
        version: 0,
        position: -1,
      };
      const after = foldInto(before, event);
      if (after !== before) {
        datasets.set(id, after);
        changed.add(id);
      }
    }
    const rows = [...changed]
      .map((id) => datasets.get(id) as CataloguedDataset)
      .filter((dataset) => dataset.state.status !== 'unregistered')
      .map((dataset) => rowOf(dataset, dataset.state as RegisteredDataset));
    if (rows.length > 0) await tx.query(upsertDatasets(schema), [JSON.stringify(rows)]);
  },
};

/** Folds one event into a catalogued dataset: unchanged (the same object) when it is already in it. */
function foldInto(dataset: CataloguedDataset, event: ProjectedEvent): CataloguedDataset {
  if (event.globalPosition <= dataset.position) return dataset;
  // The journal checked the data against the event's schema when it was appended; upcast since.
  const domainEvent = { type: event.entry.type, data: event.data } as unknown as DatasetEvent;
  const state = evolveDataset(dataset.state, domainEvent);
  if (state.status === 'unregistered') return dataset;
  const at = event.entry.recordedAt;
  const released = domainEvent.type === 'DatasetReleased';
  return {
    id: dataset.id,
    state: { ...state, releases: state.releases.slice(-1) },
    releaseCount: domainEvent.type === 'DatasetRegistered' ? 0 : dataset.releaseCount + (released ? 1 : 0),
    version: event.entry.streamVersion,
    position: event.globalPosition,
    registeredAt: domainEvent.type === 'DatasetRegistered' ? at : dataset.registeredAt,
    lastReleasedAt: released ? at : dataset.lastReleasedAt,
    updatedAt: at,
  };
}

interface StoredRow {
  id: string;
  state: DatasetState;
  release_count: number;
  version: number;
  position: string;
  registered_at: string;
  last_released_at: string | null;
}

function catalogued(row: StoredRow): CataloguedDataset {
  return {
    id: row.id,
    state: row.state,
    releaseCount: row.release_count,
    version: row.version,
    position: Number(row.position),
    registeredAt: row.registered_at,
    ...(row.last_released_at !== null && { lastReleasedAt: row.last_released_at }),
  };
}

/** The row as `upsertDatasets` reads it (jsonb_to_recordset: members named as the columns). */
function rowOf(dataset: CataloguedDataset, state: RegisteredDataset): Record<string, unknown> {
  return {
    id: dataset.id,
    title: state.title,
    organization_id: state.organizationId,
    classification: state.classification,
    classification_basis: state.registration.classificationBasis,
    status: state.status,
    current_version: currentVersionOf(state),
    release_count: dataset.releaseCount,
    update_frequency: state.updateFrequency,
    open_conditions: state.registration.openConditions ?? null,
    fields: state.fields,
    suspension_cause: state.suspension?.cause ?? null,
    suspension_ref: state.suspension?.causeRef ?? null,
    version: dataset.version,
    position: dataset.position,
    registered_at: dataset.registeredAt,
    last_released_at: dataset.lastReleasedAt ?? null,
    updated_at: dataset.updatedAt,
    state,
  };
}
