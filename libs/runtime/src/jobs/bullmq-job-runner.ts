import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
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

/**
 * How long a connection waits before trying Redis again: 0.5 s, 1 s, … then every 2 s. BullMQ's own
 * default grows to 20 s, so after a 30 s outage its Workers would sit idle for up to 20 s more.
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 500, 2_000);
}

export interface BullMqJobRunnerOptions {
  /** REDIS_URL. */
  url: string;
  /** Namespaces every key of the queues (see queuePrefixOf): two ledgers sharing a Redis never take each other's jobs. */
  prefix: string;
  /** How long a completed job is kept (for the admin view, and so a repeated `add` of it is ignored). */
  keepCompletedSeconds?: number;
  /** How long a job that used up its tries is kept; afterwards the outbox may hand it over again. */
  keepFailedSeconds?: number;
  /** An `add` that has not reached Redis by then is refused (the outbox row stays and is tried again). */
  addTimeoutMs?: number;
  onError?: (error: Error) => void;
  onFailed?: (queue: string, jobId: string, error: Error, willRetry: boolean) => void;
}

interface QueueHandler {
  handler: JobHandler<unknown>;
  concurrency: number;
}

/**
 * The job runner on Redis (BullMQ): one Queue and one Worker per queue name, each on connections of
 * its own from REDIS_URL. A Queue fails fast while Redis is away (no offline queue; `add` times out),
 * so the outbox keeps the row; Workers block on their own connections (`maxRetriesPerRequest: null`,
 * which BullMQ sets for them) and reconnect by themselves, every 2 s at most. Retries back off
 * exponentially.
 *
 * Redis here keeps nothing on disk, so a restart loses every job it held. A marker key under the
 * prefix (`<prefix>:epoch`, a random id set by whichever runner finds it missing) tells: when it is
 * gone or has changed since this runner last looked, `jobsMayBeLost` says so and the outbox hands
 * everything not completed over again (a job still there ignores the second add).
 */
export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly handlers = new Map<string, QueueHandler>();
  private readonly workers: Worker[] = [];
  private started = false;
  private closing?: Promise<void>;
  /** The connection that reads and sets the epoch marker (opened on first use). */
  private control?: Redis;
  /** The marker's value when this runner last read it. */
  private epoch?: string;

  constructor(private readonly options: BullMqJobRunnerOptions) {}

  /** The key prefix of its queues. */
  get prefix(): string {
    return this.options.prefix;
  }

  async add<TPayload>(
    queue: string,
    jobId: string,
    payload: TPayload,
    options: JobOptions = {},
  ): Promise<void> {
    if (this.closing) throw new Error('the job runner is closed');
    await this.withinAddTimeout(
      this.queueNamed(queue).add(queue, payload, this.jobOptionsOf(jobId, options)),
      `job ${jobId} of ${queue}`,
    );
  }

  async addMany<TPayload>(queue: string, jobs: readonly NewJob<TPayload>[]): Promise<void> {
    if (this.closing) throw new Error('the job runner is closed');
    if (jobs.length === 0) return;
    await this.withinAddTimeout(
      this.queueNamed(queue).addBulk(
        jobs.map((job) => ({
          name: queue,
          data: job.payload,
          opts: this.jobOptionsOf(job.jobId, job.options),
        })),
      ),
      `${jobs.length} jobs of ${queue}`,
    );
  }

  async jobsMayBeLost(): Promise<boolean> {
    if (this.closing) throw new Error('the job runner is closed');
    const redis = await this.controlConnection();
    const key = `${this.options.prefix}:epoch`;
    let epoch = await redis.get(key);
    const emptied = epoch === null;
    if (emptied) {
      await redis.set(key, randomUUID(), 'NX');
      epoch = await redis.get(key);
    }
    const lost = emptied || (this.epoch !== undefined && epoch !== this.epoch);
    this.epoch = epoch ?? undefined;
    return lost;
  }

  handle<TPayload>(
    queue: string,
    handler: JobHandler<TPayload>,
    options: { concurrency?: number } = {},
  ): void {
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    const registered = {
      handler: handler as JobHandler<unknown>,
      concurrency: Math.max(1, options.concurrency ?? 1),
    };
    this.handlers.set(queue, registered);
    if (this.started) this.startWorker(queue, registered);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const [queue, registered] of this.handlers) this.startWorker(queue, registered);
  }

  /** Lets the running jobs finish, then closes every Worker and Queue (idempotent). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled(this.workers.map((worker) => worker.close()));
      await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
      this.control?.disconnect();
    })();
    return this.closing;
  }

  async counts(queues: readonly string[] = []): Promise<Record<string, QueueCounts>> {
    const names = [...new Set([...this.handlers.keys(), ...this.queues.keys(), ...queues])].sort();
    const counts: Record<string, QueueCounts> = {};
    for (const name of names) {
      const raw = await this.queueNamed(name).getJobCounts(
        'waiting',
        'prioritized',
        'delayed',
        'active',
        'failed',
        'completed',
      );
      counts[name] = {
        waiting: (raw.waiting ?? 0) + (raw.prioritized ?? 0),
        delayed: raw.delayed ?? 0,
        active: raw.active ?? 0,
        failed: raw.failed ?? 0,
        completed: raw.completed ?? 0,
      };
    }
    return counts;
  }

  private jobOptionsOf(jobId: string, options: JobOptions = {}) {
    return {
      jobId,
      delay: Math.max(0, Math.round(options.delayMs ?? 0)),
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
      removeOnComplete: { age: this.options.keepCompletedSeconds ?? 3_600 },
      removeOnFail: { age: this.options.keepFailedSeconds ?? 24 * 3_600 },
    };
  }

  private async withinAddTimeout(added: Promise<unknown>, what: string): Promise<void> {
    const timeoutMs = this.options.addTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not take ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    // A late answer after the timeout is harmless (the outbox adds the same id again); never unhandled.
    added.catch(() => undefined);
    try {
      await Promise.race([added, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fails fast while Redis is away (no offline queue); the first use waits up to 2 s for the connection. */
  private async controlConnection(): Promise<Redis> {
    if (!this.control) {
      this.control = new Redis(this.options.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        retryStrategy: reconnectDelayMs,
      });
      this.control.on('error', (error) => this.options.onError?.(error));
    }
    const redis = this.control;
    if (redis.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const ready = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          redis.off('ready', ready);
          reject(new Error('Redis is not reachable'));
        }, 2_000);
        timer.unref();
        redis.once('ready', ready);
      });
    }
    return redis;
  }

  private queueNamed(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: { url: this.options.url, enableOfflineQueue: false, retryStrategy: reconnectDelayMs },
        prefix: this.options.prefix,
      });
      queue.on('error', (error) => this.options.onError?.(error));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private startWorker(queue: string, registered: QueueHandler): void {
    const worker = new Worker(
      queue,
      async (job, token) => {
        try {
          await registered.handler(job.data, { id: job.id as string, attempt: job.attemptsStarted });
        } catch (error) {
          if (!isUnavailableError(error) || token === undefined) throw error;
          // The database is away: back to delayed without counting a try (attemptsMade stays; every
          // start counts in attemptsStarted, so their difference is the tries the outage took).
          const inARow = job.attemptsStarted - job.attemptsMade;
          const backoff = (job.opts.backoff as { delay?: number } | undefined)?.delay ?? DEFAULT_BACKOFF_MS;
          await job.moveToDelayed(Date.now() + unavailableRetryDelayMs(backoff, inARow), token);
          throw new DelayedError();
        }
      },
      {
        connection: { url: this.options.url, retryStrategy: reconnectDelayMs },
        prefix: this.options.prefix,
        concurrency: registered.concurrency,
      },
    );
    worker.on('error', (error) => this.options.onError?.(error));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const willRetry = job.attemptsMade < (job.opts.attempts ?? 1);
      this.options.onFailed?.(queue, job.id as string, error, willRetry);
    });
    this.workers.push(worker);
  }
}
