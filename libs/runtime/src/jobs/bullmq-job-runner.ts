import { Queue, Worker } from 'bullmq';
import type { JobHandler, JobOptions, JobRunner, QueueCounts } from './job-runner';

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_BACKOFF_MS = 1_000;

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
 * which BullMQ sets for them) and reconnect by themselves. Retries back off exponentially.
 */
export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly queues = new Map<string, Queue>();
  private readonly handlers = new Map<string, QueueHandler>();
  private readonly workers: Worker[] = [];
  private started = false;
  private closing?: Promise<void>;

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
    const timeoutMs = this.options.addTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not take job ${jobId} of ${queue} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    const added = this.queueNamed(queue).add(queue, payload, {
      jobId,
      delay: Math.max(0, Math.round(options.delayMs ?? 0)),
      attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
      backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
      removeOnComplete: { age: this.options.keepCompletedSeconds ?? 3_600 },
      removeOnFail: { age: this.options.keepFailedSeconds ?? 24 * 3_600 },
    });
    // A late answer after the timeout is harmless (the outbox adds the same id again); never unhandled.
    added.catch(() => undefined);
    try {
      await Promise.race([added, timeout]);
    } finally {
      clearTimeout(timer);
    }
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

  private queueNamed(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: { url: this.options.url, enableOfflineQueue: false },
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
      async (job) => {
        await registered.handler(job.data, { id: job.id as string, attempt: job.attemptsStarted });
      },
      {
        connection: { url: this.options.url },
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
