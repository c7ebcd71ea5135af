import type { SqlQueryable } from '@ledger/store';
import type { JobHandler, JobOptions, JobRunner, QueueCounts } from './job-runner';
import {
  DUE_OUTBOX_JOBS,
  INSERT_OUTBOX_JOB,
  MARK_OUTBOX_JOB_COMPLETED,
  MARK_OUTBOX_JOB_DISPATCHED,
  MARK_OUTBOX_JOB_STARTED,
  OUTBOX_COUNTS,
} from './job-outbox.sql';

/** A job a reactor decided, as it goes into the outbox. */
export interface OutboxJob<TPayload> {
  jobId: string;
  queue: string;
  payload: TPayload;
  /** Not before this time. */
  runAt: Date | string;
}

/** Writes a job into the outbox inside the caller's transaction; the same id twice is one job. */
export async function insertOutboxJob<TPayload>(tx: SqlQueryable, job: OutboxJob<TPayload>): Promise<void> {
  const runAt = typeof job.runAt === 'string' ? job.runAt : job.runAt.toISOString();
  await tx.query(INSERT_OUTBOX_JOB, [job.jobId, job.queue, JSON.stringify(job.payload), runAt]);
}

export interface OutboxCounts {
  queue: string;
  /** Not yet handed to the runner. */
  pending: number;
  /** Handed over, not completed yet. */
  dispatched: number;
  completed: number;
  /** The earliest due time of what is not completed. */
  nextRunAt: string | null;
}

export async function outboxCounts(db: SqlQueryable): Promise<OutboxCounts[]> {
  const rows = await db.query<{
    queue: string;
    pending: number;
    dispatched: number;
    completed: number;
    next_run_at: Date | string | null;
  }>(OUTBOX_COUNTS);
  return rows.map((row) => ({
    queue: row.queue,
    pending: Number(row.pending),
    dispatched: Number(row.dispatched),
    completed: Number(row.completed),
    nextRunAt: row.next_run_at === null ? null : new Date(row.next_run_at).toISOString(),
  }));
}

export interface OutboxDispatcherOptions {
  /** How often the outbox is read (default 1 s). */
  pollIntervalMs?: number;
  /** Rows due within this much time are handed over already, as delayed jobs (default 60 s). */
  lookaheadMs?: number;
  /** A row handed over this long ago and still not completed is handed over again (default 10 min). */
  redispatchAfterMs?: number;
  /** Rows per read (default 200). */
  batchSize?: number;
  /** The clock (ms since the epoch); injectable for tests. */
  now?: () => number;
  onError?: (error: Error) => void;
}

/**
 * Hands the job outbox to the job runner (architecture.md §4). Each pass takes the rows not completed
 * that are due (or nearly: `delayMs` is what is left) and were never handed over, or were handed over
 * so long ago that the job may have been lost — a Redis restart, a process restart of the in-process
 * runner — and adds them under their outbox id (a job still queued ignores the second add). A failing
 * `add` (Redis away) leaves the row as it was, for the next pass; appends never wait on any of this.
 * The runner's handlers mark their row completed when they succeed (OutboxCompletingJobRunner).
 */
export class OutboxDispatcher {
  private readonly pollIntervalMs: number;
  private readonly lookaheadMs: number;
  private readonly redispatchAfterMs: number;
  private readonly batchSize: number;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private pass?: Promise<unknown>;
  private stopped = true;
  private readonly jobOptions = new Map<string, Pick<JobOptions, 'attempts' | 'backoffMs'>>();

  constructor(
    private readonly db: SqlQueryable,
    private readonly runner: JobRunner,
    private readonly options: OutboxDispatcherOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.lookaheadMs = options.lookaheadMs ?? 60_000;
    this.redispatchAfterMs = options.redispatchAfterMs ?? 10 * 60_000;
    this.batchSize = options.batchSize ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** Tries and backoff of the jobs of a queue as they are handed over (the runner's defaults otherwise). */
  setJobOptions(queue: string, options: Pick<JobOptions, 'attempts' | 'backoffMs'>): void {
    this.jobOptions.set(queue, options);
  }

  /**
   * One pass; returns how many rows were handed over. `everything`: also rows handed over recently —
   * what an in-process runner had was lost with the process that held it.
   */
  async dispatchDue({ everything = false } = {}): Promise<number> {
    const now = this.now();
    let handed = 0;
    for (;;) {
      const rows = await this.db.query<{
        job_id: string;
        queue: string;
        payload: unknown;
        run_at: Date | string;
      }>(DUE_OUTBOX_JOBS, [
        new Date(now + this.lookaheadMs).toISOString(),
        everything ? new Date(now).toISOString() : new Date(now - this.redispatchAfterMs).toISOString(),
        this.batchSize,
      ]);
      let failed = 0;
      for (const row of rows) {
        const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
        try {
          await this.runner.add(row.queue, row.job_id, payload, {
            ...this.jobOptions.get(row.queue),
            delayMs: Math.max(0, new Date(row.run_at).getTime() - this.now()),
          });
        } catch (error) {
          failed += 1;
          this.options.onError?.(error as Error);
          continue;
        }
        await this.db.query(MARK_OUTBOX_JOB_DISPATCHED, [row.job_id, new Date(now).toISOString()]);
        handed += 1;
      }
      // A failed add stays as it was: the next pass (not this loop) tries it again.
      if (rows.length < this.batchSize || failed > 0) return handed;
    }
  }

  /** Polls until `stop`; the first pass hands over everything not completed when the runner is in-process. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop(this.runner.kind === 'in-process');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** Looks at the outbox now rather than at the next poll. */
  wake(): void {
    if (this.stopped || this.pass) return;
    clearTimeout(this.timer);
    this.loop(false);
  }

  private loop(everything: boolean): void {
    this.pass = this.dispatchDue({ everything })
      .catch((error: Error) => this.options.onError?.(error))
      .finally(() => {
        this.pass = undefined;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.loop(false), this.pollIntervalMs);
        this.timer.unref();
      });
  }
}

/**
 * A job runner whose handlers, whichever module registers them, count their tries in the job's outbox
 * row and mark it completed when they succeed — what stops the dispatcher handing it over again.
 * A job added without an outbox row runs just the same (the updates find no row).
 */
export class OutboxCompletingJobRunner implements JobRunner {
  constructor(
    private readonly runner: JobRunner,
    private readonly db: SqlQueryable,
    private readonly now: () => number = Date.now,
  ) {}

  get kind(): JobRunner['kind'] {
    return this.runner.kind;
  }

  add<TPayload>(queue: string, jobId: string, payload: TPayload, options?: JobOptions): Promise<void> {
    return this.runner.add(queue, jobId, payload, options);
  }

  handle<TPayload>(queue: string, handler: JobHandler<TPayload>, options?: { concurrency?: number }): void {
    this.runner.handle<TPayload>(
      queue,
      async (payload, job) => {
        await this.db.query(MARK_OUTBOX_JOB_STARTED, [job.id]);
        await handler(payload, job);
        await this.db.query(MARK_OUTBOX_JOB_COMPLETED, [job.id, new Date(this.now()).toISOString()]);
      },
      options,
    );
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  close(): Promise<void> {
    return this.runner.close();
  }

  counts(queues?: readonly string[]): Promise<Record<string, QueueCounts>> {
    return this.runner.counts(queues);
  }
}
