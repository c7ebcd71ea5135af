import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  aggregateIdOf,
  DatasetRegisteredV1,
  LedgerEntry,
  STREAM_CATEGORIES,
  streamIdOf,
} from '@ledger/events';
import { EVENT_STORE, JOURNAL, LOGGER, Logger } from '@ledger/runtime';
import type { CaseReader, EventStore, Journal, StoredEntry } from '@ledger/store';
import {
  INSERT_CASE_READERS,
  INSERT_DATASET_ORGANIZATIONS,
  IS_CASE_READABLE_BY,
  RAISE_APPLIED_THROUGH,
  READ_APPLIED_THROUGH,
} from './case-index.sql';
import { SharedCatchUp } from './shared-catch-up';

/** The events that register a dataset or open a case on one. */
export const CASE_OPENING_TYPES = [
  'DatasetRegistered',
  'CorrectionRequested',
  'ObjectionFiled',
  'ApplicationSubmitted',
  'AccessGranted',
  'ViolationReported',
];

/** What a run of case-opening events adds to the index. */
export interface CaseRows {
  datasets: { datasetId: string; organizationId: string }[];
  /** Each case stream with the dataset it concerns (its body reads it) and the data user who owns it. */
  cases: { streamId: string; datasetId: string | null; owner: string | null }[];
}

/** Pure: the rows `entries` (in journal order) add to the case index. */
export function caseRowsOf(entries: readonly LedgerEntry[]): CaseRows {
  const rows: CaseRows = { datasets: [], cases: [] };
  const addCase = (streamId: string, datasetId: unknown, owner?: unknown) =>
    rows.cases.push({
      streamId,
      datasetId: typeof datasetId === 'string' ? datasetId : null,
      owner: typeof owner === 'string' ? owner : null,
    });
  for (const entry of entries) {
    switch (entry.type) {
      case 'DatasetRegistered': {
        const datasetId = aggregateIdOf(entry.streamId);
        const { organizationId } = entry.data as unknown as DatasetRegisteredV1;
        rows.datasets.push({ datasetId, organizationId });
        // The dataset's usage records and the suspicions raised on them are its body's to read too.
        addCase(streamIdOf(STREAM_CATEGORIES.usage, datasetId), datasetId);
        addCase(streamIdOf(STREAM_CATEGORIES.detection, datasetId), datasetId);
        break;
      }
      case 'CorrectionRequested':
      case 'ObjectionFiled':
      case 'ViolationReported':
        addCase(entry.streamId, entry.data.datasetId);
        break;
      case 'ApplicationSubmitted':
        addCase(entry.streamId, entry.data.datasetId, entry.data.applicantPrincipal);
        break;
      case 'AccessGranted':
        addCase(entry.streamId, entry.data.datasetId, entry.data.grantee);
        break;
    }
  }
  return rows;
}

const READ_BATCH = 1_000;
const REFRESH_INTERVAL_MS = 1_000;
/** The shared position is written with every batch of rows, and at least this often without any. */
const PERSIST_POSITION_EVERY = 10_000;

/**
 * Which case streams a body or a data user may read, as rows in the database
 * (`ledger_views.case_readers`) rather than lists in memory: the journal's scoped reads join them, so
 * this process holds nothing per case however many are filed. Folded from the journal by every API
 * instance (idempotently) from the position the instances share, in the background every second and
 * before any read that needs a later position: a read never misses a case opened before it began.
 */
@Injectable()
export class CaseIndex implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Every case opened at or before this position is in the table (this process has seen to it). */
  private coveredThrough = -1;
  private persistedThrough = -1;
  private readonly catchUps = new SharedCatchUp(() => this.foldToHead());
  private stopRefreshing?: () => void;

  constructor(
    @Inject(JOURNAL) private readonly journal: Journal,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.catchUp();
    this.stopRefreshing = this.catchUps.every(REFRESH_INTERVAL_MS, (error) =>
      this.logger.warn({ err: error }, 'case index refresh failed'),
    );
  }

  onApplicationShutdown(): void {
    this.stopRefreshing?.();
  }

  /** Makes sure every case opened at or before `position` is in the table. */
  async coverThrough(position: number): Promise<void> {
    while (this.coveredThrough < position) {
      const before = this.coveredThrough;
      await this.catchUp();
      // The journal's head was below `position` when the last catch-up looked: nothing more to wait for.
      if (this.coveredThrough === before) return;
    }
  }

  /** Whether `streamId` is a case the reader may read, as of everything opened up to the journal's head. */
  async isReadableBy(streamId: string, reader: CaseReader): Promise<boolean> {
    if (reader.organizationId === undefined && reader.principalId === undefined) return false;
    if (await this.isIndexedFor(streamId, reader)) return true;
    // A case filed a moment ago: look again once the index has caught up with the head.
    await this.coverThrough(await this.store.head());
    return this.isIndexedFor(streamId, reader);
  }

  /** Folds every case-opening event up to the journal's head. Concurrent calls share the work. */
  catchUp(): Promise<void> {
    return this.catchUps.run();
  }

  private async isIndexedFor(streamId: string, reader: CaseReader): Promise<boolean> {
    const [row] = await this.journal.database.query<{ readable: boolean }>(IS_CASE_READABLE_BY, [
      streamId,
      reader.organizationId ?? null,
      reader.principalId ?? null,
    ]);
    return row?.readable === true;
  }

  private async foldToHead(): Promise<void> {
    const head = await this.store.head();
    if (head <= this.coveredThrough) return;
    let from = this.coveredThrough + 1;
    if (this.coveredThrough < 0) {
      // Start where the instances have got to together, not at the beginning of the journal.
      const [row] = await this.journal.database.query<{ applied_through: string }>(READ_APPLIED_THROUGH);
      from = Math.min(head, Number(row?.applied_through ?? -1)) + 1;
      this.persistedThrough = from - 1;
    }
    for (;;) {
      const entries = await this.store.readAll({
        fromPosition: from,
        toPosition: head,
        limit: READ_BATCH,
        types: CASE_OPENING_TYPES,
      });
      const through = entries.length < READ_BATCH ? head : entries[entries.length - 1].globalPosition;
      await this.write(caseRowsOf(entries.map(parseEntry)), through);
      this.coveredThrough = through;
      if (through === head) return;
      from = through + 1;
    }
  }

  private async write(rows: CaseRows, through: number): Promise<void> {
    const hasRows = rows.datasets.length > 0 || rows.cases.length > 0;
    if (!hasRows && through - this.persistedThrough < PERSIST_POSITION_EVERY) return;
    await this.journal.database.transaction(async (tx) => {
      if (rows.datasets.length > 0) {
        await tx.query(INSERT_DATASET_ORGANIZATIONS, [
          rows.datasets.map((row) => row.datasetId),
          rows.datasets.map((row) => row.organizationId),
        ]);
      }
      if (rows.cases.length > 0) {
        await tx.query(INSERT_CASE_READERS, [
          rows.cases.map((row) => row.streamId),
          rows.cases.map((row) => row.datasetId),
          rows.cases.map((row) => row.owner),
        ]);
      }
      await tx.query(RAISE_APPLIED_THROUGH, [through]);
    });
    this.persistedThrough = through;
  }
}

function parseEntry(stored: StoredEntry): LedgerEntry {
  return JSON.parse(stored.canonical) as LedgerEntry;
}
