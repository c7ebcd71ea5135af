import type { SqlQueryable } from '@ledger/store';
import type { JobHandler, JobOptions, JobRunner, NewJob, QueueCounts } from './job-runner';
import {
  DUE_OUTBOX_JOBS,
  INSERT_OUTBOX_JOB,
  MARK_OUTBOX_JOB_COMPLETED,
  MARK_OUTBOX_JOB_STARTED,
  MARK_OUTBOX_JOBS_DISPATCHED,
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
 * so long ago that the job may have been lost, and adds them under their outbox id (a job still queued
 * ignores the second add), a batch per queue in one round trip. When the runner says jobs it held may
 * be gone (`jobsMayBeLost`: a Redis that came back empty, a new process of the in-process runner), the
 * next pass hands over everything not completed, and the passes after it too until one has handed
 * everything over. A failing add (Redis away) leaves its rows as they were, for the next pass; appends
 * never wait on any of this. The runner's handlers mark their row completed when they succeed
 * (OutboxCompletingJobRunner).
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
  /** The runner lost jobs, and no pass has handed everything over since. */
  private owesEverything = false;
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
   * One pass, without asking the runner about lost jobs; returns how many rows were handed over.
   * `everything`: also rows handed over recently, as after the runner lost what it held.
   */
  async dispatchDue({ everything = false } = {}): Promise<number> {
    return (await this.dispatch(everything)).handed;
  }

  /**
   * A pass as the poller makes it: first asks the runner whether it lost jobs (if it cannot tell —
   * Redis away — the adds will fail anyway), then hands over what is due, or everything when owed.
   */
  async poll(): Promise<number> {
    try {
      if (await this.runner.jobsMayBeLost()) this.owesEverything = true;
    } catch (error) {
      this.options.onError?.(error as Error);
    }
    const everything = this.owesEverything;
    const { handed, failed } = await this.dispatch(everything);
    if (everything && failed === 0) this.owesEverything = false;
    return handed;
  }

  private async dispatch(everything: boolean): Promise<{ handed: number; failed: number }> {
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
      const byQueue = new Map<string, NewJob<unknown>[]>();
      for (const row of rows) {
        const jobs = byQueue.get(row.queue) ?? [];
        jobs.push({
          jobId: row.job_id,
          payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
          options: {
            ...this.jobOptions.get(row.queue),
            delayMs: Math.max(0, new Date(row.run_at).getTime() - this.now()),
          },
        });
        byQueue.set(row.queue, jobs);
      }
      let failed = 0;
      for (const [queue, jobs] of byQueue) {
        try {
          await this.runner.addMany(queue, jobs);
        } catch (error) {
          failed += jobs.length;
          this.options.onError?.(error as Error);
          continue;
        }
        await this.db.query(MARK_OUTBOX_JOBS_DISPATCHED, [
          jobs.map((job) => job.jobId),
          new Date(now).toISOString(),
        ]);
        handed += jobs.length;
      }
      // A failed add stays as it was: the next pass (not this loop) tries it again.
      if (rows.length < this.batchSize || failed > 0) return { handed, failed };
    }
  }

  /** Polls until `stop` (the first pass of an in-process runner hands over everything not completed). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop();
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
    this.loop();
  }

  private loop(): void {
    this.pass = this.poll()
      .catch((error: Error) => this.options.onError?.(error))
      .finally(() => {
        this.pass = undefined;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.loop(), this.pollIntervalMs);
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

  addMany<TPayload>(queue: string, jobs: readonly NewJob<TPayload>[]): Promise<void> {
    return this.runner.addMany(queue, jobs);
  }

  jobsMayBeLost(): Promise<boolean> {
    return this.runner.jobsMayBeLost();
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
