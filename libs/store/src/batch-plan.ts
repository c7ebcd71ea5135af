import { encodeEntry, leafHashOf, PreparedEvent } from './entry-codec';
import type { AppendedEvent, AppendResult, ExpectedVersion } from './event-store.port';
import { EventIdConflictError, WrongExpectedVersionError } from './journal-errors';

export interface PreparedAppend {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: PreparedEvent[];
}

/** What the journal held when the batch took the append lock. */
export interface LockedContext {
  /** Last position, -1 when empty. */
  head: number;
  /** `recordedAt` of the last entry, in epoch milliseconds (0 when empty). */
  lastRecordedAtMs: number;
  /** Current version per stream the batch touches; absent = the stream does not exist. */
  streamVersions: ReadonlyMap<string, number>;
  /** Events already recorded under the batch's ids. */
  recordedEvents: ReadonlyMap<string, RecordedEvent>;
}

export interface RecordedEvent {
  fingerprint: string;
  appended: AppendedEvent;
}

/** A row the batch will write, decided but not yet encoded. */
export interface PlannedRow {
  globalPosition: number;
  event: PreparedEvent;
  streamVersion: number;
  recordedAt: string;
  /** The caller's answer; its `leafHash` is filled in by encodeRow. */
  appended: AppendedEvent;
}

export interface JournalRow extends PlannedRow {
  canonical: string;
  /** Standard base64, as answered to the caller and sent to the database. */
  leafHash: string;
}

export type RequestOutcome = { ok: true; result: AppendResult } | { ok: false; error: Error };

export interface BatchPlan {
  rows: PlannedRow[];
  outcomes: RequestOutcome[];
  /** Each stream of the context, and each the rows create, at its version once the rows are written. */
  streamVersions: ReadonlyMap<string, number>;
}

/**
 * Decides, in order, every request of a group commit: idempotent retries return what was recorded,
 * wrong expected versions and id conflicts refuse their request only, the rest get the next positions.
 * It only decides: encodeRow then writes each row's canonical text and leaf hash, so the writer can
 * encode one chunk while the database inserts the one before.
 */
export function planBatch(requests: PreparedAppend[][], context: LockedContext, nowMs: number): BatchPlan {
  // recordedAt never decreases with position, even if the clock steps back.
  const recordedAt = new Date(Math.max(nowMs, context.lastRecordedAtMs)).toISOString();
  const versions = new Map(context.streamVersions);
  const recorded = new Map(context.recordedEvents);
  const rows: PlannedRow[] = [];
  const outcomes: RequestOutcome[] = [];
  let nextPosition = context.head + 1;

  for (const request of requests) {
    const attempt = new RequestAttempt(versions, recorded, nextPosition, recordedAt);
    try {
      for (const append of request) attempt.apply(append);
    } catch (error) {
      outcomes.push({ ok: false, error: error as Error });
      continue;
    }
    attempt.commitInto(versions, recorded);
    rows.push(...attempt.rows);
    nextPosition += attempt.rows.length;
    outcomes.push({
      ok: true,
      result: { events: attempt.results, alreadyRecorded: attempt.rows.length === 0 },
    });
  }
  return { rows, outcomes, streamVersions: versions };
}

/** One request's tentative changes, applied to the batch only if every append in it succeeds. */
class RequestAttempt {
  readonly rows: PlannedRow[] = [];
  readonly results: AppendedEvent[] = [];
  private readonly versions = new Map<string, number>();
  private readonly recorded = new Map<string, RecordedEvent>();

  constructor(
    private readonly batchVersions: ReadonlyMap<string, number>,
    private readonly batchRecorded: ReadonlyMap<string, RecordedEvent>,
    private nextPosition: number,
    private readonly recordedAt: string,
  ) {}

  apply(append: PreparedAppend): void {
    const repeated = append.events.find(
      (event, index) => append.events.findIndex((e) => e.id === event.id) !== index,
    );
    if (repeated) throw new EventIdConflictError(repeated.id, 'the same id appears twice in one append');
    const earlier = append.events.map((event) => this.recordedEvent(event.id));
    const retried = earlier.filter((entry) => entry !== undefined);
    if (retried.length === append.events.length && retried.length > 0) {
      append.events.forEach((event, index) => {
        const original = earlier[index] as RecordedEvent;
        if (original.fingerprint !== event.fingerprint) throw new EventIdConflictError(event.id);
        this.results.push(original.appended);
      });
      return;
    }
    if (retried.length > 0) {
      const first = append.events[earlier.findIndex((entry) => entry !== undefined)];
      throw new EventIdConflictError(
        first.id,
        'some events of this append were recorded before and others not',
      );
    }

    const current = this.currentVersion(append.streamId);
    if (!satisfiesExpectedVersion(append.expectedVersion, current)) {
      throw new WrongExpectedVersionError(append.streamId, append.expectedVersion, current);
    }
    let version = current ?? -1;
    for (const event of append.events) {
      version += 1;
      const globalPosition = this.nextPosition++;
      const appended: AppendedEvent = {
        id: event.id,
        type: event.type,
        streamId: append.streamId,
        streamVersion: version,
        globalPosition,
        leafHash: '',
      };
      this.rows.push({
        globalPosition,
        event,
        streamVersion: version,
        recordedAt: this.recordedAt,
        appended,
      });
      this.recorded.set(event.id, { fingerprint: event.fingerprint, appended });
      this.results.push(appended);
    }
    this.versions.set(append.streamId, version);
  }

  commitInto(versions: Map<string, number>, recorded: Map<string, RecordedEvent>): void {
    for (const [streamId, version] of this.versions) versions.set(streamId, version);
    for (const [eventId, event] of this.recorded) recorded.set(eventId, event);
  }

  private currentVersion(streamId: string): number | null {
    return this.versions.get(streamId) ?? this.batchVersions.get(streamId) ?? null;
  }

  private recordedEvent(eventId: string): RecordedEvent | undefined {
    return this.recorded.get(eventId) ?? this.batchRecorded.get(eventId);
  }
}

/** The row's RFC 8785 text and leaf hash; also completes the caller's answer with the hash. */
export function encodeRow(row: PlannedRow): JournalRow {
  const canonical = encodeEntry(row.event, row.globalPosition, row.streamVersion, row.recordedAt);
  const leafHash = leafHashOf(canonical).toString('base64');
  row.appended.leafHash = leafHash;
  return { ...row, canonical, leafHash };
}

/** Whether a stream at `current` (null: absent) meets an expected version, as the port defines them. */
export function satisfiesExpectedVersion(expected: ExpectedVersion, current: number | null): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === null;
    case 'stream_exists':
      return current !== null;
    default:
      return current === expected;
  }
}
