import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { ScratchRedis } from '../../../../test/support/scratch-redis';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { BullMqJobRunner } from './bullmq-job-runner';
import { InProcessJobRunner } from './in-process-job-runner';
import type { JobOptions } from './job-runner';
import {
  insertOutboxJob,
  OutboxCompletingJobRunner,
  OutboxDispatcher,
  outboxCounts,
} from './outbox-dispatcher';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

const T0 = Date.parse('2026-03-02T02:00:00Z');
const MINUTE = 60_000;

/** A runner that records what it was given, and may be told to refuse (as BullMQ does while Redis is away). */
class RecordingRunner extends InProcessJobRunner {
  readonly added: { jobId: string; delayMs?: number }[] = [];
  refuse = false;
  private lost = false;

  override async add<T>(queue: string, jobId: string, payload: T, options?: JobOptions): Promise<void> {
    if (this.refuse) throw new Error('Redis is away');
    this.added.push({ jobId, delayMs: options?.delayMs });
    return super.add(queue, jobId, payload, options);
  }

  /** The next `jobsMayBeLost` says yes, as BullMQ's does once Redis has come back empty. */
  lose(): void {
    this.lost = true;
  }

  override async jobsMayBeLost(): Promise<boolean> {
    const lost = this.lost;
    this.lost = false;
    return (await super.jobsMayBeLost()) || lost;
  }
}

describe(`the job outbox dispatcher on ${testBackend()}`, () => {
  let journal: TestJournal;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    journal = await openTestJournal();
    now = T0;
  });

  afterEach(async () => {
    await journal.dispose();
  });

  const rows = () =>
    journal.database.query<{ job_id: string; dispatched: boolean; completed: boolean; attempts: number }>(
      `SELECT job_id, dispatched_at IS NOT NULL AS dispatched, completed_at IS NOT NULL AS completed, attempts
         FROM ledger_views.job_outbox ORDER BY job_id`,
    );
  const timer = (jobId: string, runAt: number) =>
    insertOutboxJob(journal.database, { jobId, queue: 'timers', payload: { jobId }, runAt: new Date(runAt) });

  it('hands over what is due or nearly so, with the delay that is left, and leaves later timers in the outbox', async () => {
    const runner = new RecordingRunner();
    const dispatcher = new OutboxDispatcher(journal.database, runner, { now: clock, lookaheadMs: MINUTE });
    await timer('past', T0 - 5 * MINUTE);
    await timer('soon', T0 + 30_000);
    await timer('next-week', T0 + 7 * 24 * 60 * MINUTE);

    expect(await dispatcher.dispatchDue()).toBe(2);

    expect(runner.added).toEqual([
      { jobId: 'past', delayMs: 0 },
      { jobId: 'soon', delayMs: 30_000 },
    ]);
    expect((await rows()).map((row) => [row.job_id, row.dispatched])).toEqual([
      ['next-week', false],
      ['past', true],
      ['soon', true],
    ]);
    await runner.close();
  });

  it('hands a job over again when it was handed over long ago and never completed (a lost job)', async () => {
    const runner = new RecordingRunner();
    const dispatcher = new OutboxDispatcher(journal.database, runner, {
      now: clock,
      redispatchAfterMs: 10 * MINUTE,
    });
    await timer('lost', T0);
    await dispatcher.dispatchDue();

    now = T0 + 5 * MINUTE;
    expect(await dispatcher.dispatchDue()).toBe(0);
    // Redis restarted: the queue no longer has it.
    now = T0 + 11 * MINUTE;
    expect(await dispatcher.dispatchDue()).toBe(1);

    expect(runner.added.map((added) => added.jobId)).toEqual(['lost', 'lost']);
    await runner.close();
  });

  it('hands over everything not completed on an in-process runner’s first pass: a restart lost its timers', async () => {
    const before = new RecordingRunner();
    await timer('held', T0);
    await new OutboxDispatcher(journal.database, before, { now: clock }).poll();
    await before.close();

    const after = new RecordingRunner();
    now = T0 + MINUTE;
    const dispatcher = new OutboxDispatcher(journal.database, after, { now: clock });
    expect(await dispatcher.poll()).toBe(1);
    expect(await dispatcher.poll()).toBe(0);
    expect(after.added.map((added) => added.jobId)).toEqual(['held']);
    await after.close();
  });

  it('hands over everything not completed once the runner says it lost jobs, until a pass has handed it all over', async () => {
    const runner = new RecordingRunner();
    const dispatcher = new OutboxDispatcher(journal.database, runner, {
      now: clock,
      onError: () => undefined,
    });
    await timer('queued', T0);
    await timer('next-week', T0 + 7 * 24 * 60 * MINUTE);
    expect(await dispatcher.poll()).toBe(1);
    now = T0 + MINUTE;
    expect(await dispatcher.poll()).toBe(0);

    // Redis came back empty, and went away again before the pass could hand the job over.
    runner.lose();
    runner.refuse = true;
    expect(await dispatcher.poll()).toBe(0);
    runner.refuse = false;
    now = T0 + 2 * MINUTE;
    expect(await dispatcher.poll()).toBe(1);
    expect(await dispatcher.poll()).toBe(0);

    expect(runner.added.map((added) => added.jobId)).toEqual(['queued', 'queued']);
    await runner.close();
  });

  it('keeps a row whose add failed, and hands it over on a later pass', async () => {
    const runner = new RecordingRunner();
    const dispatcher = new OutboxDispatcher(journal.database, runner, { now: clock });
    await timer('kept', T0);
    runner.refuse = true;

    expect(await dispatcher.dispatchDue()).toBe(0);
    expect(await rows()).toMatchObject([{ job_id: 'kept', dispatched: false }]);

    runner.refuse = false;
    expect(await dispatcher.dispatchDue()).toBe(1);
    expect(await rows()).toMatchObject([{ job_id: 'kept', dispatched: true }]);
    await runner.close();
  });

  it('marks the row completed when the handler succeeds, so it is never handed over again', async () => {
    const runner = new OutboxCompletingJobRunner(new RecordingRunner(), journal.database, clock);
    let failures = 1;
    const ran: string[] = [];
    runner.handle<{ jobId: string }>('timers', async (payload) => {
      if (failures-- > 0) throw new Error('the first try fails');
      ran.push(payload.jobId);
    });
    await runner.start();
    const dispatcher = new OutboxDispatcher(journal.database, runner, {
      now: clock,
      redispatchAfterMs: MINUTE,
    });
    await timer('done', T0);
    await dispatcher.dispatchDue();

    await waitFor(async () => (await rows()).some((row) => row.job_id === 'done' && row.completed));
    expect(ran).toEqual(['done']);
    expect(await rows()).toMatchObject([{ job_id: 'done', completed: true, attempts: 2 }]);
    now = T0 + 60 * MINUTE;
    expect(await dispatcher.dispatchDue()).toBe(0);
    expect(await outboxCounts(journal.database)).toEqual([
      { queue: 'timers', pending: 0, dispatched: 0, completed: 1, nextRunAt: null },
    ]);
    await runner.close();
  });

  if (testBackend() === 'postgres') {
    // Regression: a job handed to Redis before it restarted empty waited for the 10-minute redispatch.
    it('hands a job over again as soon as Redis comes back empty, not when the redispatch delay is over', async () => {
      const redis = await ScratchRedis.start();
      const runner = new OutboxCompletingJobRunner(
        new BullMqJobRunner({ url: redis.url, prefix: 'ledger-test', addTimeoutMs: 500 }),
        journal.database,
      );
      const ran: string[] = [];
      runner.handle<{ jobId: string }>('timers', async (payload) => {
        ran.push(payload.jobId);
      });
      const dispatcher = new OutboxDispatcher(journal.database, runner, { onError: () => undefined });
      try {
        await insertOutboxJob(journal.database, {
          jobId: 'only-in-redis',
          queue: 'timers',
          payload: { jobId: 'only-in-redis' },
          runAt: new Date(),
        });
        // Handed over, and waiting in Redis: no worker runs yet.
        expect(await dispatcher.poll()).toBe(1);
        expect(await dispatcher.poll()).toBe(0);

        await redis.kill();
        await redis.start();
        await runner.start();

        await waitFor(async () => {
          await dispatcher.poll();
          return (await rows())[0].completed;
        }, 20_000);
        expect(ran).toEqual(['only-in-redis']);
      } finally {
        await runner.close();
        await redis.kill();
      }
    });

    it('survives a Redis that is away: the row stays, and a working Redis gets it later', async () => {
      const prefix = `ledger-test:${randomBytes(6).toString('hex')}`;
      const away = new BullMqJobRunner({ url: 'redis://127.0.0.1:1', prefix, addTimeoutMs: 300 });
      await timer('through-an-outage', T0);
      expect(
        await new OutboxDispatcher(journal.database, away, {
          now: clock,
          onError: () => undefined,
        }).dispatchDue(),
      ).toBe(0);
      expect(await rows()).toMatchObject([{ job_id: 'through-an-outage', dispatched: false }]);
      await away.close();

      const back = new OutboxCompletingJobRunner(
        new BullMqJobRunner({ url: process.env.REDIS_URL as string, prefix }),
        journal.database,
      );
      const ran: string[] = [];
      back.handle<{ jobId: string }>('timers', async (payload) => {
        ran.push(payload.jobId);
      });
      await back.start();
      try {
        expect(await new OutboxDispatcher(journal.database, back, { now: clock }).dispatchDue()).toBe(1);
        await waitFor(async () => (await rows())[0].completed);
        expect(ran).toEqual(['through-an-outage']);
      } finally {
        await back.close();
        const redis = new Redis(process.env.REDIS_URL as string);
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    });
  }
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
