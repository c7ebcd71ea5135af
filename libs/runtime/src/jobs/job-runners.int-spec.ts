import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { DatabaseUnavailableError } from '@ledger/store';
import { testBackend } from '../../../../test/support/test-backend';
import { BullMqJobRunner } from './bullmq-job-runner';
import { InProcessJobRunner } from './in-process-job-runner';
import type { JobContext, JobRunner } from './job-runner';

/**
 * Both runners keep one contract. `npm test` runs the in-process runner; `npm run test:services`
 * runs BullMQ on the REDIS_URL too (each test under a prefix of its own, removed afterwards).
 */
const runners: [string, () => JobRunner][] = [['in-process', () => new InProcessJobRunner()]];
if (testBackend() === 'postgres') {
  runners.push([
    'bullmq',
    () =>
      new BullMqJobRunner({
        url: process.env.REDIS_URL as string,
        prefix: `ledger-test:${randomBytes(6).toString('hex')}`,
      }),
  ]);
}

describe.each(runners)('the %s job runner', (kind, create) => {
  let runner: JobRunner;

  beforeEach(() => {
    runner = create();
  });

  afterEach(async () => {
    await runner.close();
    if (runner instanceof BullMqJobRunner) await removeKeysOf(runner);
  });

  it('runs a job once however often it is added while it waits', async () => {
    const runs: string[] = [];
    runner.handle<{ n: number }>('work', async (payload, job) => {
      runs.push(`${job.id}:${payload.n}`);
    });
    await runner.add('work', 'job-a', { n: 1 }, { delayMs: 300 });
    await runner.add('work', 'job-a', { n: 2 }, { delayMs: 300 });
    await runner.add('work', 'job-b', { n: 3 });
    await runner.start();

    await waitFor(() => runs.length === 2);
    await sleep(300);
    expect(runs.sort()).toEqual(['job-a:1', 'job-b:3']);
    expect((await runner.counts())['work']).toMatchObject({
      waiting: 0,
      delayed: 0,
      active: 0,
      completed: 2,
    });
  });

  it('adds several jobs of a queue at once, each as add would, ignoring an id it already has', async () => {
    const runs: string[] = [];
    runner.handle<{ n: number }>('work', async (payload, job) => {
      runs.push(`${job.id}:${payload.n}`);
    });
    await runner.add('work', 'job-a', { n: 1 }, { delayMs: 300 });
    await runner.addMany('work', [
      { jobId: 'job-a', payload: { n: 2 } },
      { jobId: 'job-b', payload: { n: 3 } },
      { jobId: 'job-c', payload: { n: 4 }, options: { delayMs: 200 } },
    ]);
    await runner.start();

    await waitFor(() => runs.length === 3);
    await sleep(300);
    expect(runs.sort()).toEqual(['job-a:1', 'job-b:3', 'job-c:4']);
  });

  it('says jobs may be lost the first time it is asked, if it holds nothing yet, and not again after', async () => {
    expect(await runner.jobsMayBeLost()).toBe(true);
    await runner.add('work', 'held', {});

    expect(await runner.jobsMayBeLost()).toBe(false);
    expect(await runner.jobsMayBeLost()).toBe(false);
  });

  it('runs a delayed job no earlier than its delay', async () => {
    const ranAt: number[] = [];
    runner.handle('work', async () => {
      ranAt.push(Date.now());
    });
    await runner.start();
    const addedAt = Date.now();
    await runner.add('work', 'later', {}, { delayMs: 500 });

    expect((await runner.counts())['work'].delayed).toBe(1);
    await waitFor(() => ranAt.length === 1);
    expect(ranAt[0] - addedAt).toBeGreaterThanOrEqual(450);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const tries: JobContext[] = [];
    const triedAt: number[] = [];
    runner.handle('work', async (_, job) => {
      tries.push(job);
      triedAt.push(Date.now());
      if (job.attempt < 3) throw new Error(`try ${job.attempt} fails`);
    });
    await runner.start();
    await runner.add('work', 'flaky', {}, { attempts: 4, backoffMs: 100 });

    await waitFor(() => tries.length === 3);
    expect(tries.map((job) => job.attempt)).toEqual([1, 2, 3]);
    // 100 ms, then 200 ms.
    expect(triedAt[1] - triedAt[0]).toBeGreaterThanOrEqual(90);
    expect(triedAt[2] - triedAt[1]).toBeGreaterThanOrEqual(180);
    await waitFor(async () => (await runner.counts())['work'].completed === 1);
  });

  it('gives up after the tries allowed and counts the job failed', async () => {
    let tries = 0;
    runner.handle('work', async () => {
      tries += 1;
      throw new Error('always fails');
    });
    await runner.start();
    await runner.add('work', 'hopeless', {}, { attempts: 2, backoffMs: 50 });

    await waitFor(async () => (await runner.counts())['work'].failed === 1);
    await sleep(200);
    expect(tries).toBe(2);
  });

  it('tries again a job that failed because the database was unavailable, without using up its tries', async () => {
    // A PostgreSQL restart longer than a job's backoff would otherwise fail it for good (BullMQ then
    // keeps the failed job a day, and ignores the outbox handing it over again): issue 8's drill.
    const tries: JobContext[] = [];
    runner.handle('work', async (_, job) => {
      tries.push(job);
      if (tries.length <= 3)
        throw new DatabaseUnavailableError('PostgreSQL is unavailable: connect ECONNREFUSED');
    });
    await runner.start();
    await runner.add('work', 'during-an-outage', {}, { attempts: 2, backoffMs: 50 });

    await waitFor(async () => (await runner.counts())['work'].completed === 1);
    expect(tries).toHaveLength(4);
    expect((await runner.counts())['work'].failed).toBe(0);
  });

  it('waits for the jobs that are running when it closes', async () => {
    let finished = false;
    let started = false;
    runner.handle('work', async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    await runner.start();
    await runner.add('work', 'slow', {});
    await waitFor(() => started);

    await runner.close();

    expect(finished).toBe(true);
    await expect(runner.add('work', 'after', {})).rejects.toThrow(/closed/);
  });

  if (kind === 'bullmq') {
    it('says jobs may be lost once Redis no longer holds its marker (a restart, a flush), and only then', async () => {
      const bullmq = runner as BullMqJobRunner;
      const sibling = new BullMqJobRunner({ url: process.env.REDIS_URL as string, prefix: bullmq.prefix });
      try {
        expect(await bullmq.jobsMayBeLost()).toBe(true);
        // Another process of the same ledger finds the marker there: Redis kept its jobs.
        expect(await sibling.jobsMayBeLost()).toBe(false);

        await removeKeysOf(bullmq);

        // Whoever looks first sets a new marker; the other sees it changed.
        expect(await sibling.jobsMayBeLost()).toBe(true);
        expect(await bullmq.jobsMayBeLost()).toBe(true);
        expect(await bullmq.jobsMayBeLost()).toBe(false);
        expect(await sibling.jobsMayBeLost()).toBe(false);
      } finally {
        await sibling.close();
      }
    });
  }

  if (kind === 'in-process') {
    it('runs nothing before start, and what was added before start after it', async () => {
      const runs: string[] = [];
      runner.handle('work', async (_, job) => {
        runs.push(job.id);
      });
      await runner.add('work', 'early', {});
      await sleep(50);
      expect(runs).toEqual([]);

      await runner.start();
      await waitFor(() => runs.length === 1);
    });
  }
});

async function removeKeysOf(runner: BullMqJobRunner): Promise<void> {
  const prefix = runner.prefix;
  const redis = new Redis(process.env.REDIS_URL as string);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}
