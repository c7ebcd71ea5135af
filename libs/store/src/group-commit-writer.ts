import {
  encodeRow,
  JournalRow,
  LockedContext,
  planBatch,
  PlannedRow,
  PreparedAppend,
  RequestOutcome,
  RecordedEvent,
} from './batch-plan';
import type { AppendedEvent, AppendResult } from './event-store.port';
import {
  ANNOUNCE_HEAD,
  APPEND_AFTER_HEAD,
  COPY_ENTRIES,
  EVENT_ID_UNIQUE_CONSTRAINT,
  INSERT_ENTRIES,
  INSERT_ENTRIES_AND_ANNOUNCE,
  LOCK_JOURNAL_AND_READ_HEAD,
  READ_LOCKED_CONTEXT,
} from './journal.sql';
import { JournalCopyEncoder } from './postgres/journal-copy';
import { CopyIn, isUnavailableError, SqlDatabase, SqlQueryable, SqlTransaction } from './sql-database';

export interface GroupCommitOptions {
  /** Milliseconds since the epoch; injectable so tests can turn the clock back. */
  clock?: () => number;
  /** Stop adding requests to a batch beyond this many events (a larger single request still goes alone). */
  maxBatchEvents?: number;
  /** Called after every commit that wrote events, with the new head and the number of events written. */
  onCommitted?: (head: number, rowsWritten: number) => void;
}

/** Rows encoded at a time: this thread encodes the next chunk while the database takes the one before. */
const CHUNK_ROWS = 250;

/**
 * Fewer rows than this are inserted, not copied, on PostgreSQL too: a COPY waits a round trip for the
 * server to be ready for data, another for the data's end, and a third to announce the head, where a
 * small INSERT does all in one, and a batch of single-event requests is small.
 */
const MIN_ROWS_TO_COPY = 64;

/** The most events a quick batch (writeQuick) holds: larger batches go by COPY, under the lock. */
const MAX_QUICK_EVENTS = MIN_ROWS_TO_COPY - 1;

/** Longest a committed batch's answers wait for another lane to hand its rows over (answerSoon). */
const MAX_ANSWER_HOLD_MS = 10;

/** Stream versions the writer remembers between batches (KnownJournal); beyond this it starts over. */
const MAX_KNOWN_STREAMS = 10_000;

interface PendingRequest {
  appends: PreparedAppend[];
  eventCount: number;
  resolve: (result: AppendResult) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit (architecture.md §1): requests wait in a queue and share the next transaction, which
 * takes the journal's advisory lock, so positions are gapless, in commit order, and known when the
 * append is acknowledged. Every request is decided in memory (no savepoints, so one refused request
 * never aborts the others) and nobody is answered before the commit. Each round trip under the lock
 * also waits its turn on the event loop, behind whatever else this process is doing (HTTP requests
 * above all): there are as few as can be. A batch goes one of two ways:
 *
 * - **Quick** (writeQuick), the usual way for small batches: when the writer knows where the journal
 *   ends and the versions of every stream the batch names (KnownJournal), it decides the batch before
 *   taking the lock and sends it as one statement that takes the lock, checks the head, inserts and
 *   commits: one round trip, and the lock is held for the database's work alone.
 * - **Locked** (writeBatch), for batches of MIN_ROWS_TO_COPY rows or more (binary COPY), streams the
 *   writer does not know, retries and refusals: it takes the lock and reads the head (sent with BEGIN),
 *   and only then takes what is queued, so that everything that arrived while the previous batch
 *   committed rides along. It reads the versions of the streams it does not know in one query, and
 *   writes the rows.
 *
 * Two lanes (connections) work in turn: while one commits, the other's statement already waits for
 * the lock in the database, so the lock's round trip is off the critical path. PGlite runs one
 * transaction at a time whatever the lanes do, and has one.
 */
export class GroupCommitWriter {
  private readonly queue: PendingRequest[] = [];
  private readonly clock: () => number;
  private readonly maxBatchEvents: number;
  private readonly maxQuickBatchEvents: number;
  private readonly lanes: number;
  private readonly copyEncoder = new JournalCopyEncoder();
  /** Lanes waiting for a request. */
  private readonly idleLanes = new Waiters();
  /** Callers of flushed(). */
  private readonly flushWaiters = new Waiters();
  private unanswered = 0;
  /** Lanes between asking for the lock and handing their rows to the database (see answerSoon). */
  private lanesAhead = 0;
  private heldAnswers: (() => void)[] = [];
  private heldAnswersTimer?: NodeJS.Timeout;
  private readonly known = new KnownJournal();
  /** Settles once the last batch to take the lock knows whether it committed (see writeBatch). */
  private lastBatchSettled: Promise<void> = Promise.resolve();
  /** Quick batches sent and not yet answered (writeQuick); locked batches wait for none to be left. */
  private quickBatchesInFlight = 0;
  private readonly quickBatchesSettledWaiters = new Waiters();
  /** Lanes on the locked path (writeLockedBatch); while there are any, no quick batch starts. */
  private lockedBatches = 0;
  private readonly lockedBatchesDoneWaiters = new Waiters();
  /** Whether the last quick batch sent committed; unsettled while it is on its way (see writeQuick). */
  private lastQuickBatch: Promise<boolean> = Promise.resolve(false);

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.maxBatchEvents = options.maxBatchEvents ?? 2000;
    this.maxQuickBatchEvents = Math.min(this.maxBatchEvents, MAX_QUICK_EVENTS);
    this.lanes = db.kind === 'postgres' ? 2 : 1;
    for (let lane = 0; lane < this.lanes; lane++) void this.runLane();
  }

  submit(appends: PreparedAppend[]): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const eventCount = appends.reduce((sum, append) => sum + append.events.length, 0);
      this.unanswered++;
      this.queue.push({
        appends,
        eventCount,
        resolve: (result) => this.answered(() => resolve(result)),
        reject: (error) => this.answered(() => reject(error)),
      });
      this.idleLanes.wakeAll();
    });
  }

  /** Resolves once every request submitted so far has been answered. */
  flushed(): Promise<void> {
    if (this.unanswered === 0) return Promise.resolve();
    return this.flushWaiters.wait();
  }

  private answered(answer: () => void): void {
    answer();
    if (--this.unanswered === 0) this.flushWaiters.wakeAll();
  }

  private async runLane(): Promise<void> {
    for (;;) {
      while (this.queue.length === 0) await this.idleLanes.wait();
      if (this.lanes > 1 && this.fitsQuickBatch(this.queue[0])) {
        // Sent at once, a quick batch would hold the first request parsed in this turn of the event
        // loop and leave the rest to wait a whole round trip: take them all at the turn's end. Not on
        // PGlite (one lane): it answers without turning the event loop, so a loop of queries (a view
        // catching up, say) would hold this lane until the loop ended.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.queue.length === 0) continue;
      }
      if (this.lockedBatches > 0 && this.fitsQuickBatch(this.queue[0])) {
        // The locked batch leaves the writer knowing the head: wait for it rather than lock again.
        await this.lockedBatchesDoneWaiters.wait();
        continue;
      }
      const quick = this.lockedBatches === 0 ? this.takeQuickBatch() : undefined;
      if (quick) await this.writeQuick(quick);
      else await this.writeLockedBatch();
    }
  }

  /**
   * The requests at the front of the queue that a quick batch can write: up to MAX_QUICK_EVENTS events,
   * every stream one whose version the writer knows. None when the writer knows no head to write after.
   */
  private takeQuickBatch(): PendingRequest[] | undefined {
    const batch: PendingRequest[] = [];
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (events + next.eventCount > this.maxQuickBatchEvents || !this.fitsQuickBatch(next)) break;
      batch.push(this.queue.shift() as PendingRequest);
      events += next.eventCount;
    }
    return batch.length > 0 ? batch : undefined;
  }

  /**
   * Whether a quick batch could hold this request: few enough events, the head and every stream's
   * version known.
   */
  private fitsQuickBatch(request: PendingRequest | undefined): boolean {
    return (
      request !== undefined &&
      request.eventCount <= this.maxQuickBatchEvents &&
      this.known.isKnown() &&
      request.appends.every((append) => this.known.versionOf(append.streamId) !== undefined)
    );
  }

  /**
   * A group commit in one round trip. The batch is decided against what the writer knows — the head its
   * last batch left, or will leave if that one is still on its way, and the versions of its streams —
   * and sent as one statement (APPEND_AFTER_HEAD) that takes the lock, checks that the journal ends
   * where the writer believes, inserts and commits. The lock is held for the database's work only:
   * no round trip to this process, whose event loop may be busy with requests, happens under it. The
   * other lane can decide its batch on top of this one at once, and its statement waits for the lock
   * in the database.
   *
   * What the batch decided becomes what the writer knows as it is sent. If the journal ended elsewhere
   * (another process appended, or the batch this one was decided on top of failed) or an id was
   * recorded before, nothing was written and the writer forgets what it knew. A batch with a refused
   * request (perhaps a retry in disguise) is not sent. Either way it goes the locked way, which reads
   * what it needs.
   *
   * Each lane has its own connection, so now and then the second statement reaches the lock first
   * and fails its check. Queued behind the first on one connection it never would, but `pg` sends a
   * queued statement only once the answer before it is read on the event loop, and that wait between
   * commits cost more than the rare overtaking (bench/RESULTS.md). An overtaken batch waits to learn
   * whether the one it was decided on top of committed and, if it did, sends its statement once more:
   * the journal now ends where it was decided to, unless another process wrote meanwhile, which the
   * check still catches. Going the locked way instead would wait for every quick batch in flight.
   */
  private async writeQuick(batch: PendingRequest[]): Promise<void> {
    this.quickBatchesInFlight++;
    this.lanesAhead++;
    let decided = false;
    let sent = false;
    let settleQuick: ((committed: boolean) => void) | undefined;
    let outcome: RequestOutcome[] | undefined;
    let failure: unknown;
    let head = Number.NaN;
    let rowsWritten = 0;
    try {
      const expectedHead = this.known.head;
      const expectedHeadEventId = this.known.headEventId;
      const requests = batch.map((request) => request.appends);
      const plan = planBatch(requests, this.known.context(requests), this.clock());
      if (plan.rows.length > 0 && plan.outcomes.every((answer) => answer.ok)) {
        const rows = plan.rows.map(encodeRow);
        const last = rows[rows.length - 1];
        head = last.globalPosition;
        rowsWritten = rows.length;
        decided = true;
        this.known.committed(
          { position: head, eventId: last.event.id, recordedAtMs: Date.parse(last.recordedAt) },
          streamVersionsAfter(requests, plan.streamVersions),
        );
        const parameters = [expectedHead, expectedHeadEventId, ...insertParameters(rows)];
        const written = this.db.query<{ written: boolean }>(APPEND_AFTER_HEAD, parameters);
        const predecessor = this.lastQuickBatch;
        this.lastQuickBatch = new Promise((resolve) => (settleQuick = resolve));
        sent = true;
        this.lanesAhead--;
        this.releaseHeldAnswers();
        let [row] = await written;
        if (row?.written !== true && (await predecessor)) {
          // Overtaken: this statement reached the lock before the one it was decided on top of, which
          // has committed since. Once more, now in order.
          [row] = await this.db.query<{ written: boolean }>(APPEND_AFTER_HEAD, parameters);
        }
        if (row?.written === true) outcome = plan.outcomes;
      }
    } catch (error) {
      failure = error;
    } finally {
      if (!sent) {
        this.lanesAhead--;
        this.releaseHeldAnswers();
      }
      // What this batch decided may not be in the journal, nor what was decided on top of it.
      if (decided && !outcome) this.known.forget();
      settleQuick?.(outcome !== undefined);
      if (--this.quickBatchesInFlight === 0) this.quickBatchesSettledWaiters.wakeAll();
    }
    if (outcome) {
      const answers = outcome;
      this.answerSoon(() => this.answerBatch(batch, answers, head, rowsWritten));
      return;
    }
    if (failure === undefined || isEventIdTaken(failure)) {
      await this.writeLockedBatch(batch);
      return;
    }
    await this.writeAloneOrReject(batch, failure);
  }

  /**
   * After a failure no request-level check foresaw: each request again alone, so only the culprit
   * fails; when the database is unavailable, everyone gets the error at once.
   */
  private async writeAloneOrReject(batch: PendingRequest[], error: unknown): Promise<void> {
    if (batch.length > 1 && !isUnavailableError(error)) {
      for (const request of batch) await this.writeLockedBatch([request]);
      return;
    }
    for (const request of batch) request.reject(error as Error);
  }

  private quickBatchesSettled(): Promise<void> {
    if (this.quickBatchesInFlight === 0) return Promise.resolve();
    return this.quickBatchesSettledWaiters.wait();
  }

  /**
   * The locked path (writeBatch), once no quick batch is on its way: a quick batch's statement waits
   * for the lock in the database, and this one would hold it while waiting for that batch's answer.
   */
  private async writeLockedBatch(given?: PendingRequest[]): Promise<void> {
    this.lockedBatches++;
    try {
      await this.quickBatchesSettled();
      await this.writeBatch(given);
    } finally {
      if (--this.lockedBatches === 0) this.lockedBatchesDoneWaiters.wakeAll();
    }
  }

  private answerBatch(
    batch: PendingRequest[],
    outcomes: RequestOutcome[],
    head: number,
    written: number,
  ): void {
    batch.forEach((request, index) => {
      const answer = outcomes[index];
      if (answer.ok) request.resolve(answer.result);
      else request.reject(answer.error);
    });
    if (written > 0) {
      try {
        this.options.onCommitted?.(head, written);
      } catch {
        // An observer (metrics, wake-ups) must never stop the writer; the append itself is done.
      }
    }
  }

  /**
   * Takes what is queued once the lock is held, or writes the given requests (after a failure).
   *
   * A batch taken from the queue is written optimistically: it does not look its event ids up first,
   * and relies on the journal's unique index to say when one was recorded before. That lookup was a
   * quarter of the time the lock is held (an index probe per event), and almost every batch holds
   * new events only. When the index refuses an id (a publisher's retry, or an id reused with other
   * content), the transaction has written nothing, and the same requests are decided again, this
   * time knowing what is recorded under their ids: retries answer with what was recorded, conflicts
   * refuse their request only. A batch with a refused request is decided again the same way, under
   * the same lock, before anything is written (writeLocked).
   */
  private async writeBatch(given?: PendingRequest[]): Promise<void> {
    let batch: PendingRequest[] = given ?? [];
    const lookUpRecordedIds = given !== undefined;
    let ahead = true;
    this.lanesAhead++;
    const handedOver = () => {
      if (!ahead) return;
      ahead = false;
      this.lanesAhead--;
      this.releaseHeldAnswers();
    };
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    let outcome: Awaited<ReturnType<GroupCommitWriter['writeLocked']>>;
    try {
      outcome = await this.db.transaction(async (tx, [headRow]) => {
        // The batch that held the lock before this one has ended in the database (committed or rolled
        // back), but its lane may not have heard yet: what the writer knows must include its outcome.
        await this.lastBatchSettled;
        this.lastBatchSettled = settled;
        if (!given) batch = this.takeBatch();
        return this.writeLocked(tx, batch, lookUpRecordedIds, handedOver, headRow);
      }, LOCK_JOURNAL_AND_READ_HEAD);
    } catch (error) {
      // Whatever was decided may or may not be in the journal: learn it again under the next lock.
      this.known.forget();
      settle();
      handedOver();
      if (!given && batch.length > 0 && isEventIdTaken(error)) {
        await this.writeBatch(batch);
        return;
      }
      // The transaction failed before taking anything (the database is down, say): answer what is
      // queued now, so callers get their error at once and the lane does not spin on a dead database.
      if (!given && batch.length === 0) batch = this.takeBatch();
      await this.writeAloneOrReject(batch, error);
      return;
    }
    this.known.committed(outcome.head, outcome.streamVersions);
    settle();
    handedOver();
    this.answerSoon(() => this.answerBatch(batch, outcome.outcomes, outcome.head.position, outcome.written));
  }

  /**
   * Answers a committed batch once the event loop has time for its callers. Node runs this writer and
   * the callers on one thread, and a caller's continuation (often preparing its next append) runs
   * before any further I/O is handled. Answered the moment the commit lands, the callers would hold
   * the thread while the other lane's lock is granted, and the journal's lock would sit idle for as
   * long as they take (measured in process: a third of the time). So while another lane is on its way
   * to the database — waiting for the lock, reading, encoding its rows — the answers wait until it
   * has handed its rows over, and the callers run while the database takes them; at most
   * MAX_ANSWER_HOLD_MS, in case that lane waits on another process. With no lane on its way, at the
   * end of this turn of the event loop.
   *
   * With one lane (PGlite) there is no other lane to make way for, and answers go out at once: PGlite
   * answers queries without a turn of the event loop, so a loop of queries (a view catching up, say)
   * would otherwise keep every append unanswered until it ends.
   */
  private answerSoon(answer: () => void): void {
    if (this.lanes === 1) {
      answer();
      return;
    }
    if (this.lanesAhead === 0) {
      setImmediate(answer);
      return;
    }
    this.heldAnswers.push(answer);
    this.heldAnswersTimer ??= setTimeout(() => this.releaseHeldAnswers(), MAX_ANSWER_HOLD_MS);
  }

  private releaseHeldAnswers(): void {
    if (this.heldAnswers.length === 0) return;
    clearTimeout(this.heldAnswersTimer);
    this.heldAnswersTimer = undefined;
    const answers = this.heldAnswers;
    this.heldAnswers = [];
    for (const answer of answers) answer();
  }

  private takeBatch(): PendingRequest[] {
    const batch: PendingRequest[] = [];
    let events = 0;
    while (
      this.queue.length > 0 &&
      (batch.length === 0 || events + this.queue[0].eventCount <= this.maxBatchEvents)
    ) {
      const next = this.queue.shift() as PendingRequest;
      events += next.eventCount;
      batch.push(next);
    }
    return batch;
  }

  /** Decides and writes a batch under the lock; `handedOver` is called once every row is on its way to the database. */
  private async writeLocked(
    tx: SqlTransaction,
    batch: PendingRequest[],
    lookUpRecordedIds: boolean,
    handedOver: () => void,
    /** LOCK_JOURNAL_AND_READ_HEAD's row; none when the journal is empty. */
    headRow: Record<string, unknown> | undefined,
  ) {
    const head: JournalHead = headRow
      ? {
          position: Number(headRow.position),
          eventId: String(headRow.eventId),
          recordedAtMs: Number(headRow.recordedAtMs),
        }
      : EMPTY_JOURNAL;
    this.known.checkHead(head);
    if (batch.length === 0) return { outcomes: [], head, written: 0, streamVersions: new Map() };
    const requests = batch.map((request) => request.appends);
    let context = await this.lockedContext(tx, batch, head, lookUpRecordedIds);
    let plan = planBatch(requests, context, this.clock());
    if (!lookUpRecordedIds && plan.outcomes.some((outcome) => !outcome.ok)) {
      // A refusal may be a retry in disguise (its stream has moved on since the event was recorded,
      // so its expected version fails): decide again, knowing what is recorded under the batch's ids.
      context = await this.lockedContext(tx, batch, head, true);
      plan = planBatch(requests, context, this.clock());
    }
    let newHead = head;
    if (plan.rows.length > 0) {
      const last = plan.rows[plan.rows.length - 1];
      newHead = {
        position: last.globalPosition,
        eventId: last.event.id,
        recordedAtMs: Date.parse(last.recordedAt),
      };
      const { copyIn } = tx;
      if (copyIn && plan.rows.length >= MIN_ROWS_TO_COPY)
        await copyRows(
          tx,
          (sql) => copyIn.call(tx, sql),
          this.copyEncoder,
          plan.rows,
          newHead.position,
          handedOver,
        );
      else await insertRows(tx, plan.rows, newHead.position, handedOver);
    }
    const streamVersions = streamVersionsAfter(requests, plan.streamVersions);
    return { outcomes: plan.outcomes, head: newHead, written: plan.rows.length, streamVersions };
  }

  /**
   * What the batch is decided against. The versions of streams the writer knows (KnownJournal) are
   * taken from memory when the journal's head is where this writer's last commit left it; the rest,
   * and the entries recorded under the batch's ids when asked, are read.
   */
  private async lockedContext(
    tx: SqlQueryable,
    batch: PendingRequest[],
    head: JournalHead,
    lookUpRecordedIds: boolean,
  ): Promise<LockedContext> {
    const streamVersions = new Map<string, number>();
    const unknownStreams = new Set<string>();
    const eventIds = new Set<string>();
    for (const request of batch) {
      for (const append of request.appends) {
        const version = this.known.versionOf(append.streamId);
        if (version === undefined) unknownStreams.add(append.streamId);
        else if (version !== NO_STREAM) streamVersions.set(append.streamId, version);
        if (lookUpRecordedIds) for (const event of append.events) eventIds.add(event.id);
      }
    }
    const recordedEvents = new Map<string, RecordedEvent>();
    if (unknownStreams.size > 0 || eventIds.size > 0) {
      const [row] = await tx.query<LockedContextRow>(READ_LOCKED_CONTEXT, [
        [...unknownStreams],
        [...eventIds],
      ]);
      for (const stream of row.streams ?? []) streamVersions.set(stream.streamId, stream.version);
      for (const { fingerprint, ...event } of row.recorded ?? []) {
        recordedEvents.set(event.id, {
          fingerprint,
          appended: { ...event, globalPosition: Number(event.globalPosition) },
        });
      }
    }
    return { head: head.position, lastRecordedAtMs: head.recordedAtMs, streamVersions, recordedEvents };
  }
}

/** Where the journal ends: its last entry's position, event id and recorded time (epoch milliseconds). */
interface JournalHead {
  position: number;
  eventId: string | null;
  recordedAtMs: number;
}

const EMPTY_JOURNAL: JournalHead = { position: -1, eventId: null, recordedAtMs: 0 };

/** Every stream a batch names, at its version once the batch's rows are in (NO_STREAM: still absent). */
function streamVersionsAfter(
  requests: PreparedAppend[][],
  planned: ReadonlyMap<string, number>,
): Map<string, number> {
  const versions = new Map<string, number>();
  for (const request of requests) {
    for (const { streamId } of request) versions.set(streamId, planned.get(streamId) ?? NO_STREAM);
  }
  return versions;
}

/** Callers waiting for something to happen, woken all at once when it does. */
class Waiters {
  private waiting: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  wakeAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}

/** A stream known not to exist. */
const NO_STREAM = -1;

/**
 * What this writer knows of the journal as its last commit left it: the head, and the versions of
 * the streams its recent batches touched (NO_STREAM for those found absent). Every append takes the
 * lock, so while the head is where this writer left it nobody else has appended, and the versions
 * still hold: a batch of known streams is decided without reading them again, which shortens the
 * time the lock is held by a round trip. Any other head (another process appended, or a batch of
 * this writer failed and may not have landed) and everything is forgotten.
 */
class KnownJournal {
  private known?: JournalHead;
  private readonly versions = new Map<string, number>();

  /** Whether the writer knows where the journal ends (a quick batch can be decided after it). */
  isKnown(): boolean {
    return this.known !== undefined;
  }

  get head(): number {
    return this.known?.position ?? Number.NaN;
  }

  get headEventId(): string | null {
    return this.known?.eventId ?? null;
  }

  /**
   * What a quick batch is decided against: the known head, and the known versions of the streams it
   * names (every one of them known, see takeQuickBatch); nothing recorded is looked up.
   */
  context(requests: PreparedAppend[][]): LockedContext {
    const { position, recordedAtMs } = this.known ?? EMPTY_JOURNAL;
    const streamVersions = new Map<string, number>();
    for (const request of requests) {
      for (const { streamId } of request) {
        const version = this.versions.get(streamId);
        if (version !== undefined && version !== NO_STREAM) streamVersions.set(streamId, version);
      }
    }
    return { head: position, lastRecordedAtMs: recordedAtMs, streamVersions, recordedEvents: new Map() };
  }

  checkHead(head: JournalHead): void {
    if (head.position !== this.known?.position || head.eventId !== this.known.eventId) this.forget();
  }

  versionOf(streamId: string): number | undefined {
    return this.versions.get(streamId);
  }

  /** The batch committed (or, for a quick batch, was sent): the journal ends at `head`, and `versions` hold for the streams it read or wrote. */
  committed(head: JournalHead, versions: ReadonlyMap<string, number>): void {
    if (this.versions.size + versions.size > MAX_KNOWN_STREAMS) this.versions.clear();
    this.known = head;
    for (const [streamId, version] of versions) this.versions.set(streamId, version);
  }

  forget(): void {
    this.known = undefined;
    this.versions.clear();
  }
}

/** PostgreSQL, MIN_ROWS_TO_COPY rows or more: the rows by binary COPY, then the head announced with the COMMIT. */
async function copyRows(
  tx: SqlTransaction,
  copyIn: (sql: string) => CopyIn,
  encoder: JournalCopyEncoder,
  rows: PlannedRow[],
  head: number,
  handedOver: () => void,
): Promise<void> {
  const copy = copyIn(COPY_ENTRIES);
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    await copy.write(encoder.encode(chunk, { first: start === 0, last: start + CHUNK_ROWS >= rows.length }));
  }
  handedOver();
  await copy.end();
  await (tx.queryAndCommit ?? tx.query).call(tx, ANNOUNCE_HEAD, [head]);
}

/**
 * PGlite, and small batches on PostgreSQL: multi-row INSERTs, the last of which announces the head.
 * On PostgreSQL the last goes out with the COMMIT (queryAndCommit), and the lock is released as soon
 * as the rows are in.
 */
async function insertRows(
  tx: SqlTransaction,
  rows: PlannedRow[],
  head: number,
  handedOver: () => void,
): Promise<void> {
  let inserting: Promise<unknown> | undefined;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const last = start + CHUNK_ROWS >= rows.length;
    const parameters = insertParameters(rows.slice(start, start + CHUNK_ROWS).map(encodeRow));
    await inserting;
    inserting = last
      ? (tx.queryAndCommit ?? tx.query).call(tx, INSERT_ENTRIES_AND_ANNOUNCE, [...parameters, head])
      : tx.query(INSERT_ENTRIES, parameters);
  }
  handedOver();
  await inserting;
}

interface LockedContextRow {
  streams: { streamId: string; version: number }[] | null;
  recorded: (AppendedEvent & { fingerprint: string; globalPosition: number | string })[] | null;
}

/** The unique index on event ids refused a row: an event under that id was recorded before. */
function isEventIdTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === EVENT_ID_UNIQUE_CONSTRAINT;
}

/** INSERT_ENTRIES' parameters: one array per column, the batch's recorded time, the entries as one newline-joined text. */
function insertParameters(rows: JournalRow[]): unknown[] {
  const column = <T>(value: (row: JournalRow) => T): T[] => rows.map(value);
  return [
    column((row) => row.globalPosition),
    column((row) => row.event.id),
    column((row) => row.event.streamId),
    column((row) => row.streamVersion),
    column((row) => row.event.type),
    rows[0].recordedAt,
    column((row) => row.event.actorId),
    column((row) => row.event.actorOrganizationId ?? null),
    column((row) => row.canonical).join('\n'),
    column((row) => row.leafHash),
    column((row) => row.event.fingerprint),
  ];
}
