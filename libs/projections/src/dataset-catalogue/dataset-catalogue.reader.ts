import type { DatasetStatus } from '@ledger/domain';
import type { Classification, SuspensionCause, UpdateFrequency } from '@ledger/events';
import type { SqlQueryable } from '@ledger/store';
import { SELECT_CATALOGUE_PAGE, SELECT_PUBLIC_OPEN_LIST_PAGE } from './dataset-catalogue.sql';

/** The projection's name: what a reader waits on for `minPosition`. */
export const DATASET_CATALOGUE = 'dataset_catalogue';

/**
 * What the public open list shows (without a key): datasets classified for opening — unconditional, or
 * conditional (listed so that people can apply) — that are registered (announced, not yet released),
 * open or suspended (temporarily, which the public should see rather than a dataset that vanished).
 * Never non-open data, whose very listing is what classification keeps back; never a withdrawn dataset,
 * whose opening has ended (its record stays in the journal). Keep in step with SELECT_PUBLIC_OPEN_LIST_PAGE.
 */
export const PUBLIC_CLASSIFICATIONS = [
  'unconditional',
  'conditional',
] as const satisfies readonly Classification[];
export const PUBLIC_STATUSES = [
  'registered',
  'open',
  'suspended',
] as const satisfies readonly DatasetStatus[];

/** One row of the catalogue, as readers get it. */
export interface DatasetCatalogueEntry {
  id: string;
  title: string;
  organizationId: string;
  classification: Classification;
  status: DatasetStatus;
  currentVersion: number;
  /** How many versions were released; each of them is in the dataset's history. */
  releaseCount: number;
  updateFrequency: UpdateFrequency;
  openConditions?: string;
  fields: string[];
  suspension?: { cause: SuspensionCause; causeRef?: string };
  /** Stream version of the last event folded in. */
  version: number;
  /** Global position of the last event folded in. */
  position: number;
  registeredAt: string;
  lastReleasedAt?: string;
  updatedAt: string;
}

export interface DatasetCatalogueFilter {
  organizationId?: string;
  classification?: Classification;
  status?: DatasetStatus;
}

export interface DatasetCataloguePage {
  items: DatasetCatalogueEntry[];
  /** The last id of this page, when another follows. */
  next?: string;
}

/** A page of the catalogue by id, after `cursor`; `publicOnly` restricts it to the public open list. */
export async function readDatasetCatalogue(
  db: SqlQueryable,
  filter: DatasetCatalogueFilter,
  page: { limit: number; cursor?: string; publicOnly?: boolean },
): Promise<DatasetCataloguePage> {
  const rows = await db.query<CatalogueRow>(
    page.publicOnly ? SELECT_PUBLIC_OPEN_LIST_PAGE : SELECT_CATALOGUE_PAGE,
    [
      filter.organizationId ?? null,
      filter.classification ?? null,
      filter.status ?? null,
      page.cursor ?? null,
      page.limit + 1,
    ],
  );
  const items = rows.slice(0, page.limit).map(entryOf);
  return rows.length > page.limit ? { items, next: items[items.length - 1].id } : { items };
}

interface CatalogueRow {
  id: string;
  title: string;
  organization_id: string;
  classification: Classification;
  status: DatasetStatus;
  current_version: number;
  release_count: number;
  update_frequency: UpdateFrequency;
  open_conditions: string | null;
  fields: string[];
  suspension_cause: SuspensionCause | null;
  suspension_ref: string | null;
  version: number;
  position: string;
  registered_at: string;
  last_released_at: string | null;
  updated_at: string;
}

function entryOf(row: CatalogueRow): DatasetCatalogueEntry {
  return {
    id: row.id,
    title: row.title,
    organizationId: row.organization_id,
    classification: row.classification,
    status: row.status,
    currentVersion: row.current_version,
    releaseCount: row.release_count,
    updateFrequency: row.update_frequency,
    ...(row.open_conditions !== null && { openConditions: row.open_conditions }),
    fields: row.fields,
    ...(row.suspension_cause !== null && {
      suspension: {
        cause: row.suspension_cause,
        ...(row.suspension_ref !== null && { causeRef: row.suspension_ref }),
      },
    }),
    version: row.version,
    position: Number(row.position),
    registeredAt: row.registered_at,
    ...(row.last_released_at !== null && { lastReleasedAt: row.last_released_at }),
    updatedAt: row.updated_at,
  };
}
