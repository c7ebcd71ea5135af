import { isUnavailableError } from '@ledger/store';
import {
  JobHandler,
  JobOptions,
  JobRunner,
  NewJob,
  QueueCounts,
  unavailableRetryDelayMs,
} from './job-runner';

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_BACKOFF_MS = 1_000;

export interface InProcessJobRunnerOptions {
  /** Told of every failed try (the job is retried while tries are left). */
  onFailed?: (queue: string, jobId: string, error: Error, willRetry: boolean) => void;
}

interface PendingJob {
  queue: string;
  id: string;
  payload: unknown;
  attempts: number;
  backoffMs: number;
  /** Tries made so far. */
  made: number;
  /** Tries in a row the database's absence failed (not counted in `made`). */
  unavailable: number;
  state: 'delayed' | 'waiting' | 'active';
  timer?: NodeJS.Timeout;
}

interface QueueHandler {
  handler: JobHandler<unknown>;
  concurrency: number;
}

/**
 * The job runner without Redis (embedded mode): timers in this process's memory, which a restart
 * loses — the job outbox hands them over again. A job id is known while the job waits, is delayed or
 * runs; another `add` of it meanwhile is ignored. Timers are `unref`'d, so they never keep the process alive.
 */
export class InProcessJobRunner implements JobRunner {
  readonly kind = 'in-process' as const;
  private readonly jobs = new Map<string, PendingJob>();
  private readonly handlers = new Map<string, QueueHandler>();
  private readonly ready = new Map<string, PendingJob[]>();
  private readonly activeCounts = new Map<string, number>();
  private readonly finished = new Map<string, { completed: number; failed: number }>();
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private closed = false;
  private askedAboutLoss = false;

  constructor(private readonly options: InProcessJobRunnerOptions = {}) {}

  async add<TPayload>(
    queue: string,
    jobId: string,
    payload: TPayload,
    options: JobOptions = {},
  ): Promise<void> {
    if (this.closed) throw new Error('the job runner is closed');
    const key = keyOf(queue, jobId);
    if (this.jobs.has(key)) return;
    const job: PendingJob = {
      queue,
      id: jobId,
      payload,
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
      made: 0,
      unavailable: 0,
      state: 'delayed',
    };
    this.jobs.set(key, job);
    this.schedule(job, Math.max(0, options.delayMs ?? 0));
  }

  async addMany<TPayload>(queue: string, jobs: readonly NewJob<TPayload>[]): Promise<void> {
    for (const job of jobs) await this.add(queue, job.jobId, job.payload, job.options);
  }

  /** True the first time: what an earlier process held died with it. */
  async jobsMayBeLost(): Promise<boolean> {
    const first = !this.askedAboutLoss;
    this.askedAboutLoss = true;
    return first;
  }

  handle<TPayload>(
    queue: string,
    handler: JobHandler<TPayload>,
    options: { concurrency?: number } = {},
  ): void {
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    this.handlers.set(queue, {
      handler: handler as JobHandler<unknown>,
      concurrency: Math.max(1, options.concurrency ?? 1),
    });
    this.drain(queue);
  }

  async start(): Promise<void> {
    this.started = true;
    for (const queue of this.handlers.keys()) this.drain(queue);
  }

  /** Stops every timer and waits for the jobs that are running; what was waiting is the outbox's again. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) clearTimeout(job.timer);
    await Promise.allSettled([...this.running]);
  }

  async counts(queues: readonly string[] = []): Promise<Record<string, QueueCounts>> {
    const names = new Set([...this.handlers.keys(), ...this.finished.keys(), ...queues]);
    for (const job of this.jobs.values()) names.add(job.queue);
    const counts: Record<string, QueueCounts> = {};
    for (const name of [...names].sort()) {
      const finished = this.finished.get(name) ?? { completed: 0, failed: 0 };
      counts[name] = { waiting: 0, delayed: 0, active: 0, ...finished };
    }
    for (const job of this.jobs.values()) counts[job.queue][job.state] += 1;
    return counts;
  }

  private schedule(job: PendingJob, delayMs: number): void {
    job.state = 'delayed';
    job.timer = setTimeout(() => {
      job.timer = undefined;
      job.state = 'waiting';
      const ready = this.ready.get(job.queue) ?? [];
      ready.push(job);
      this.ready.set(job.queue, ready);
      this.drain(job.queue);
    }, delayMs);
    job.timer.unref();
  }

  private drain(queue: string): void {
    const registered = this.handlers.get(queue);
    const ready = this.ready.get(queue);
    if (!this.started || this.closed || !registered || !ready) return;
    while (ready.length > 0 && (this.activeCounts.get(queue) ?? 0) < registered.concurrency) {
      this.run(ready.shift() as PendingJob, registered.handler);
    }
  }

  private run(job: PendingJob, handler: JobHandler<unknown>): void {
    job.state = 'active';
    job.made += 1;
    this.activeCounts.set(job.queue, (this.activeCounts.get(job.queue) ?? 0) + 1);
    const running = this.attempt(job, handler).finally(() => {
      this.activeCounts.set(job.queue, (this.activeCounts.get(job.queue) ?? 1) - 1);
      this.running.delete(running);
      this.drain(job.queue);
    });
    this.running.add(running);
  }

  private async attempt(job: PendingJob, handler: JobHandler<unknown>): Promise<void> {
    try {
      await handler(job.payload, { id: job.id, attempt: job.made });
      this.finish(job, 'completed');
    } catch (error) {
      if (isUnavailableError(error) && !this.closed) {
        job.made -= 1;
        job.unavailable += 1;
        this.schedule(job, unavailableRetryDelayMs(job.backoffMs, job.unavailable));
        return;
      }
      job.unavailable = 0;
      const willRetry = job.made < job.attempts && !this.closed;
      this.options.onFailed?.(job.queue, job.id, error as Error, willRetry);
      if (willRetry) this.schedule(job, job.backoffMs * 2 ** (job.made - 1));
      else this.finish(job, 'failed');
    }
  }

  private finish(job: PendingJob, outcome: 'completed' | 'failed'): void {
    this.jobs.delete(keyOf(job.queue, job.id));
    const finished = this.finished.get(job.queue) ?? { completed: 0, failed: 0 };
    finished[outcome] += 1;
    this.finished.set(job.queue, finished);
  }
}

function keyOf(queue: string, jobId: string): string {
  return `${queue}\u0000${jobId}`;
}
