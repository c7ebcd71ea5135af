import { createHash } from 'node:crypto';

/**
 * The ledger's job runner (architecture.md §4): BullMQ on Redis when REDIS_URL is set, the same
 * handlers in-process otherwise. Jobs carry side effects only (deadline timers, webhook deliveries,
 * long exports); nothing in the append path waits for them.
 *
 * Durability does not rest on the queue: what must happen is first written to the job outbox
 * (`ledger_views.job_outbox`) in the transaction of the reactor that decided it, and the outbox
 * dispatcher hands it to the runner — again after a restart or a Redis outage until the handler has
 * completed it. Handlers are therefore idempotent (a job may run more than once).
 */
export interface JobOptions {
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
  /** Tries in all, the first included (default 5). */
  attempts?: number;
  /** The first retry waits this long, each next one twice as long (default 1,000 ms). */
  backoffMs?: number;
}

export interface JobContext {
  id: string;
  /** 1 for the first try. */
  attempt: number;
}

export type JobHandler<TPayload> = (payload: TPayload, job: JobContext) => Promise<void>;

/** One job of an `addMany`. */
export interface NewJob<TPayload> {
  jobId: string;
  payload: TPayload;
  options?: JobOptions;
}

export interface QueueCounts {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  completed: number;
}

export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  /** Adds a job; while a job with this id exists (waiting, delayed or active), another add is ignored. */
  add<TPayload>(queue: string, jobId: string, payload: TPayload, options?: JobOptions): Promise<void>;
  /** Adds jobs of one queue, each as `add` would, in one round trip; on failure none may be counted on. */
  addMany<TPayload>(queue: string, jobs: readonly NewJob<TPayload>[]): Promise<void>;
  /**
   * Whether jobs added earlier may since have been lost, so that the job outbox must hand over again
   * everything not completed: in-process, on the first call in a process (a new process holds no
   * timers); BullMQ, when Redis no longer holds the marker the runners of this prefix keep there — it
   * restarted empty, was flushed, or failed over to a replica without them. Throws when it cannot
   * tell (Redis away).
   */
  jobsMayBeLost(): Promise<boolean>;
  /** Registers the handler of a queue (before `start`). */
  handle<TPayload>(queue: string, handler: JobHandler<TPayload>, options?: { concurrency?: number }): void;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Jobs per state of every queue this runner knows (handled or added to), and of `queues` besides. */
  counts(queues?: readonly string[]): Promise<Record<string, QueueCounts>>;
}

export const JOB_RUNNER = Symbol('JOB_RUNNER');

/**
 * A try that failed because the database was unavailable (a restart, a failover) says nothing about
 * the job: both runners try it again without counting it against its tries, after the job's backoff
 * doubled per such try in a row, at most this long — so a job whose tries would all fall within an
 * outage (a deadline timer's five within 15 s) runs once the database is back instead of failing.
 * Such tries are not reported as failures (onFailed): the outage is logged by whatever else needs the
 * database, and every job waiting on it would otherwise log a line every few seconds.
 */
export const UNAVAILABLE_RETRY_MAX_MS = 5_000;

/** The wait before the `tryInARow`-th (1, 2, …) retry of a try the database's absence failed. */
export function unavailableRetryDelayMs(backoffMs: number, tryInARow: number): number {
  return Math.min(UNAVAILABLE_RETRY_MAX_MS, backoffMs * 2 ** Math.max(0, tryInARow - 1));
}

/**
 * A job id from its parts: BullMQ refuses ids with `:` and ids of digits only, and one event fans out
 * to many jobs (one per subscription), so ids are a hash of everything that makes the job unique.
 */
export function jobIdOf(...parts: string[]): string {
  return `j${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}
