import { EventEmitter } from 'node:events';
import { prepareEvent } from './entry-codec';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  FollowOptions,
  NewEvent,
  ReadAllOptions,
  StoredEntry,
  StreamAppend,
  StreamSlice,
} from './event-store.port';
import { GroupCommitOptions, GroupCommitWriter } from './group-commit-writer';
import { InvalidEventError } from './journal-errors';
import { APPENDED_CHANNEL, READ_ALL, READ_BY_EVENT_IDS, READ_HEAD, READ_STREAM } from './journal.sql';
import type { SqlDatabase } from './sql-database';

interface EntryRow {
  /** Null only in READ_STREAM's row for a stream with no entries in the page asked for. */
  global_position: string | number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  leaf_hash: string;
  entry: string;
}

const DEFAULT_POLL_INTERVAL_MS = 1_000;

/** The journal on PostgreSQL or PGlite: the same SQL, the same group commit, the same guarantees. */
export class SqlEventStore implements EventStore {
  readonly backend: 'postgres' | 'pglite';
  private readonly writer: GroupCommitWriter;
  private readonly appended = new EventEmitter();
  private stopListening?: () => Promise<void>;

  private constructor(
    private readonly db: SqlDatabase,
    options: GroupCommitOptions,
  ) {
    this.backend = db.kind;
    this.appended.setMaxListeners(0);
    this.writer = new GroupCommitWriter(db, {
      ...options,
      onCommitted: (head, rows) => {
        this.appended.emit('head', head);
        options.onCommitted?.(head, rows);
      },
    });
  }

  /** Opens the store over a migrated database and subscribes to appends made by other processes. */
  static async open(db: SqlDatabase, options: GroupCommitOptions = {}): Promise<SqlEventStore> {
    const store = new SqlEventStore(db, options);
    store.stopListening = await db.listen(APPENDED_CHANNEL, (payload) => {
      const head = Number(payload);
      if (Number.isSafeInteger(head)) store.appended.emit('head', head);
    });
    return store;
  }

  append(
    streamId: string,
    events: NewEvent[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    return this.appendMany([{ streamId, expectedVersion: options.expectedVersion ?? 'any', events }]);
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult> {
    if (appends.length === 0 || appends.some((append) => append.events.length === 0)) {
      throw new InvalidEventError('an append needs at least one event per stream');
    }
    const metadataCache = new Map<object, string>();
    const prepared = appends.map((append) => {
      assertExpectedVersion(append.expectedVersion);
      return {
        streamId: append.streamId,
        expectedVersion: append.expectedVersion,
        events: append.events.map((event) => prepareEvent(append.streamId, event, metadataCache)),
      };
    });
    return this.writer.submit(prepared);
  }

  async readStream(
    streamId: string,
    options: { fromVersion?: number; limit?: number } = {},
  ): Promise<StreamSlice> {
    const rows = await this.db.query<EntryRow & { current_version: number }>(READ_STREAM, [
      streamId,
      options.fromVersion ?? 0,
      options.limit ?? 1_000_000,
    ]);
    return {
      streamId,
      version: rows.length > 0 ? Number(rows[0].current_version) : null,
      entries: rows.filter((row) => row.global_position !== null).map(toStoredEntry),
    };
  }

  async readAll(options: ReadAllOptions): Promise<StoredEntry[]> {
    const rows = await this.db.query<EntryRow>(READ_ALL, [
      options.fromPosition,
      options.toPosition ?? null,
      options.types ?? null,
      options.streamId ?? null,
      options.scope?.categories.map(categoryPattern) ?? null,
      options.scope?.streamIds ?? [],
      options.limit,
      options.scope?.casesReadableBy?.organizationId ?? null,
      options.scope?.casesReadableBy?.principalId ?? null,
    ]);
    return rows.map(toStoredEntry);
  }

  async readByEventIds(eventIds: readonly string[]): Promise<StoredEntry[]> {
    if (eventIds.length === 0) return [];
    const rows = await this.db.query<EntryRow>(READ_BY_EVENT_IDS, [[...eventIds]]);
    return rows.map(toStoredEntry);
  }

  async *follow(options: FollowOptions): AsyncGenerator<StoredEntry> {
    const { signal } = options;
    const batchSize = options.batchSize ?? 500;
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    let next = options.fromPosition;
    // Listen before the first read, so that an append landing between a read and the wait still wakes us.
    const wakeUp = new WakeUpFlag();
    const stopListening = this.onAppended(() => wakeUp.raise());
    try {
      while (!signal.aborted) {
        const entries = await this.readAll({ fromPosition: next, limit: batchSize, types: options.types });
        for (const entry of entries) {
          if (signal.aborted) return;
          yield entry;
          next = entry.globalPosition + 1;
        }
        if (entries.length < batchSize) await wakeUp.wait(pollIntervalMs, signal);
      }
    } finally {
      stopListening();
    }
  }

  async head(): Promise<number> {
    const rows = await this.db.query<{ global_position: string | number }>(READ_HEAD);
    return rows.length > 0 ? Number(rows[0].global_position) : -1;
  }

  onAppended(listener: (head: number) => void): () => void {
    this.appended.on('head', listener);
    return () => this.appended.off('head', listener);
  }

  /** Waits for appends already submitted, stops listening. The database itself is closed by its owner. */
  async close(): Promise<void> {
    await this.writer.flushed();
    await this.stopListening?.();
    this.appended.removeAllListeners();
  }
}

/** A raised-or-not flag a follower waits on: wake-ups that arrive while it is busy are not lost, nor do they pile up. */
class WakeUpFlag {
  private raised = false;
  private wake?: () => void;

  raise(): void {
    this.raised = true;
    this.wake?.();
  }

  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!this.raised && !signal.aborted) {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => this.wake?.();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, timeoutMs);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.wake = undefined;
    }
    this.raised = false;
  }
}

function toStoredEntry(row: EntryRow): StoredEntry {
  return {
    globalPosition: Number(row.global_position),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    type: row.type,
    leafHash: row.leaf_hash,
    canonical: row.entry,
  };
}

/** `LIKE` pattern of every stream in a category, with the category's own `_` taken literally. */
function categoryPattern(category: string): string {
  return category.replace(/[\\%_]/g, (special) => `\\${special}`) + '-%';
}

function assertExpectedVersion(expected: ExpectedVersion): void {
  const valid =
    expected === 'any' ||
    expected === 'no_stream' ||
    expected === 'stream_exists' ||
    (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0);
  if (!valid) throw new InvalidEventError(`invalid expected version ${JSON.stringify(expected)}`);
}
