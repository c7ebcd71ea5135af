import type { EntryMetadata, JsonObject } from '@ledger/events';

/**
 * Optimistic concurrency per stream: a number = the stream's current version must be exactly that
 * (versions start at 0); `no_stream` = the stream must not exist; `stream_exists` = it must; `any` = no check.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

/** An event to record. The store adds the stream version, global position, recorded time and leaf hash. */
export interface NewEvent {
  id: string;
  type: string;
  data: JsonObject;
  metadata: EntryMetadata;
  source: string;
  schemaVersion: number;
  /** `YYYY-MM-DDTHH:mm:ss.sssZ`; absent when the publisher did not say. */
  occurredAt?: string;
  /**
   * What makes a retry with the same id "the same event". Defaults to the event's type, stream,
   * source, occurrence time, schema version, actor and data. Events holding encrypted personal data
   * pass a keyed hash of the plaintext here, since their ciphertext differs on every attempt.
   */
  fingerprintMaterial?: string;
}

export interface StreamAppend {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: NewEvent[];
}

export interface AppendedEvent {
  id: string;
  type: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  /** Standard base64 of SHA-256(0x00 ‖ canonical entry bytes). */
  leafHash: string;
}

export interface AppendResult {
  events: AppendedEvent[];
  /** Every event had been recorded before, with the same content: nothing was written. */
  alreadyRecorded: boolean;
}

/** An entry as stored: `canonical` is the RFC 8785 text that was hashed, byte for byte. */
export interface StoredEntry {
  globalPosition: number;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  leafHash: string;
  canonical: string;
}

export interface StreamSlice {
  streamId: string;
  /** The stream's current version, or null when it has no events. */
  version: number | null;
  entries: StoredEntry[];
}

export interface ReadAllOptions {
  /** Inclusive. */
  fromPosition: number;
  limit: number;
  /** Inclusive upper bound, e.g. the head observed before reading. */
  toPosition?: number;
  types?: string[];
  streamId?: string;
  /** Only these streams: whole categories (`dataset`, `usage`…) and single streams. */
  scope?: StreamScope;
}

export interface StreamScope {
  categories: string[];
  streamIds: string[];
  /** And the case streams the case index (`ledger_views.case_readers`) opens to this body or data user. */
  casesReadableBy?: CaseReader;
}

/** Who a case stream is asked about for: a body officer's organisation, a data user's own id. */
export interface CaseReader {
  organizationId?: string;
  principalId?: string;
}

export interface FollowOptions {
  /** Inclusive: the first position wanted (a consumer's checkpoint + 1). */
  fromPosition: number;
  signal: AbortSignal;
  batchSize?: number;
  types?: string[];
  /** How often to look for new events when no wake-up arrives. */
  pollIntervalMs?: number;
}

/** The journal: one gapless, totally ordered log of immutable entries (architecture.md §1). */
export interface EventStore {
  readonly backend: 'postgres' | 'pglite';
  /** Appends to one stream. */
  append(
    streamId: string,
    events: NewEvent[],
    options?: { expectedVersion?: ExpectedVersion },
  ): Promise<AppendResult>;
  /** Appends to several streams atomically: every append is checked in order, and all are recorded or none. */
  appendMany(appends: StreamAppend[]): Promise<AppendResult>;
  readStream(streamId: string, options?: { fromVersion?: number; limit?: number }): Promise<StreamSlice>;
  readAll(options: ReadAllOptions): Promise<StoredEntry[]>;
  /** The entries recorded under any of these event ids, in position order; ids never recorded are absent. */
  readByEventIds(eventIds: readonly string[]): Promise<StoredEntry[]>;
  /** Every entry from `fromPosition` on, in order, waiting for new ones until the signal aborts. */
  follow(options: FollowOptions): AsyncIterable<StoredEntry>;
  /** The last position recorded, or -1 for an empty journal. */
  head(): Promise<number>;
  /** Calls `listener` with the new head whenever entries are recorded (by this process or, on PostgreSQL, any other). */
  onAppended(listener: (head: number) => void): () => void;
  close(): Promise<void>;
}
