import {
  planBatch,
  LockedContext,
  PreparedAppend,
  RecordedEvent,
  JournalRow,
  RequestOutcome,
} from './batch-plan';
import type { AppendedEvent, AppendResult } from './event-store.port';
import { INSERT_ENTRIES, LOCK_JOURNAL_FOR_APPEND, READ_LOCKED_CONTEXT } from './journal.sql';
import { isUnavailableError, SqlDatabase, SqlQueryable } from './sql-database';

export interface GroupCommitOptions {
  /** Milliseconds since the epoch; injectable so tests can turn the clock back. */
  clock?: () => number;
  /** Stop adding requests to a batch beyond this many events (a larger single request still goes alone). */
  maxBatchEvents?: number;
  /** Called after every commit with the new head (-1 if nothing was written). */
  onCommitted?: (head: number, rowsWritten: number) => void;
}

interface PendingRequest {
  appends: PreparedAppend[];
  eventCount: number;
  resolve: (result: AppendResult) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit (architecture.md §1): requests that arrive while a batch is being written wait, then
 * share the next transaction. The batch takes the journal's advisory lock, reads what it needs in one
 * query, decides every request in memory (no savepoints, so one refused request never aborts the
 * others), writes all accepted events in one INSERT and commits before answering anyone. Positions
 * are therefore gapless, in commit order, and known when the append is acknowledged.
 */
export class GroupCommitWriter {
  private readonly queue: PendingRequest[] = [];
  private draining = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  private readonly clock: () => number;
  private readonly maxBatchEvents: number;

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.maxBatchEvents = options.maxBatchEvents ?? 2000;
  }

  submit(appends: PreparedAppend[]): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const eventCount = appends.reduce((sum, append) => sum + append.events.length, 0);
      this.queue.push({ appends, eventCount, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Resolves once every request submitted so far has been answered. */
  flushed(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    try {
      while (this.queue.length > 0) await this.writeBatch(this.takeBatch());
    } finally {
      this.draining = false;
      this.markIdle();
    }
  }

  private takeBatch(): PendingRequest[] {
    const batch = [this.queue.shift() as PendingRequest];
    let events = batch[0].eventCount;
    while (this.queue.length > 0 && events + this.queue[0].eventCount <= this.maxBatchEvents) {
      const next = this.queue.shift() as PendingRequest;
      events += next.eventCount;
      batch.push(next);
    }
    return batch;
  }

  private async writeBatch(batch: PendingRequest[]): Promise<void> {
    let outcomes: RequestOutcome[];
    let head = -1;
    let written = 0;
    try {
      ({ outcomes, head, written } = await this.db.transaction((tx) => this.writeLocked(tx, batch)));
    } catch (error) {
      if (batch.length > 1 && !isUnavailableError(error)) {
        // Something no request-level check foresaw: retry each request alone so only the culprit fails.
        for (const request of batch) await this.writeBatch([request]);
        return;
      }
      for (const request of batch) request.reject(error as Error);
      return;
    }
    if (written > 0) this.options.onCommitted?.(head, written);
    batch.forEach((request, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) request.resolve(outcome.result);
      else request.reject(outcome.error);
    });
  }

  private async writeLocked(tx: SqlQueryable, batch: PendingRequest[]) {
    await tx.query(LOCK_JOURNAL_FOR_APPEND);
    const context = await readLockedContext(tx, batch);
    const plan = planBatch(
      batch.map((request) => request.appends),
      context,
      this.clock(),
    );
    if (plan.rows.length > 0) await tx.query(INSERT_ENTRIES, insertParameters(plan.rows));
    const head = plan.rows.length > 0 ? plan.rows[plan.rows.length - 1].globalPosition : context.head;
    return { outcomes: plan.outcomes, head, written: plan.rows.length };
  }
}

interface LockedContextRow {
  head: { position: number | string; recordedAtMs: number | string } | null;
  streams: { streamId: string; version: number }[] | null;
  recorded: (AppendedEvent & { fingerprint: string; globalPosition: number | string })[] | null;
}

async function readLockedContext(tx: SqlQueryable, batch: PendingRequest[]): Promise<LockedContext> {
  const streamIds = new Set<string>();
  const eventIds = new Set<string>();
  for (const request of batch) {
    for (const append of request.appends) {
      streamIds.add(append.streamId);
      for (const event of append.events) eventIds.add(event.id);
    }
  }
  const [row] = await tx.query<LockedContextRow>(READ_LOCKED_CONTEXT, [[...streamIds], [...eventIds]]);
  const recordedEvents = new Map<string, RecordedEvent>();
  for (const { fingerprint, ...event } of row.recorded ?? []) {
    recordedEvents.set(event.id, {
      fingerprint,
      appended: { ...event, globalPosition: Number(event.globalPosition) },
    });
  }
  return {
    head: row.head ? Number(row.head.position) : -1,
    lastRecordedAtMs: row.head ? Number(row.head.recordedAtMs) : 0,
    streamVersions: new Map((row.streams ?? []).map((stream) => [stream.streamId, stream.version])),
    recordedEvents,
  };
}

function insertParameters(rows: JournalRow[]): unknown[] {
  const columns: unknown[][] = Array.from({ length: 11 }, () => new Array(rows.length));
  rows.forEach((row, i) => {
    columns[0][i] = row.globalPosition;
    columns[1][i] = row.event.id;
    columns[2][i] = row.event.streamId;
    columns[3][i] = row.streamVersion;
    columns[4][i] = row.event.type;
    columns[5][i] = row.recordedAt;
    columns[6][i] = row.event.actorId;
    columns[7][i] = row.event.actorOrganizationId ?? null;
    columns[8][i] = row.canonical;
    columns[9][i] = row.leafHash.toString('hex');
    columns[10][i] = row.event.fingerprint;
  });
  return columns;
}
