import { WEBHOOK_ATTEMPTS } from '../../libs/projections/src/webhooks/webhook-outbox';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ScratchRedis } from '../support/scratch-redis';
import { withClient } from '../support/test-backend';
import { AppendLoad, DeliveryCounter, LedgerEndpoint, Phase, PHASES, subscribe } from './append-load';

const SECRET = 'ci-drill-subscriber-secret-0123';
const RATE = 40;
const BEFORE_MS = 4_000;
const OUTAGE_MS = 5_000;
const AFTER_MS = 4_000;
const DRAIN_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The short version of `npm run drill:redis-outage` (issue 5: "Stop Redis for 30 s under load:
 * appends keep succeeding, jobs resume when it returns, none lost"), for `npm run test:services`:
 * the ledger (API and worker in one process) on a redis-server of the suite's own, which is SIGKILLed
 * for 5 s under a light append load and started again empty. Just before the kill the subscriber
 * refuses every delivery, so their retries wait only in Redis and are lost with it: they must come
 * back from the job outbox.
 */
describe('a Redis outage under load', () => {
  let redis: ScratchRedis;
  let ledger: LedgerUnderTest;
  let receiver: DeliveryCounter;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    ledger = await LedgerUnderTest.start({ env: { REDIS_URL: redis.url } });
    receiver = await new DeliveryCounter(SECRET).start();
  });

  afterAll(async () => {
    await ledger?.stop();
    await receiver?.close();
    await redis?.kill();
  });

  const handedOverNotCompleted = async () =>
    withClient(ledger.database.ownerUrl as string, async (client) => {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ledger_views.job_outbox
          WHERE queue = 'webhooks' AND dispatched_at IS NOT NULL AND completed_at IS NULL`,
      );
      return Number(rows[0].n);
    });

  it('keeps acknowledging appends while redis is away and delivers every webhook once it is back', async () => {
    const endpoint: LedgerEndpoint = { url: ledger.url, adminToken: ledger.adminToken };
    let phase: Phase = 'before';
    const load = await AppendLoad.prepare(endpoint, () => phase);
    await subscribe(endpoint, receiver.url, SECRET);

    load.start(RATE);
    await sleep(BEFORE_MS - 1_500);
    receiver.refuseAll = true;
    await sleep(1_500);
    await redis.kill();
    const heldOnlyByRedis = await handedOverNotCompleted();
    receiver.refuseAll = false;
    phase = 'outage';
    await sleep(OUTAGE_MS);
    await redis.start();
    phase = 'after';
    await sleep(AFTER_MS);
    await load.stop();

    const expected = [...load.acknowledged.keys()];
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (receiver.missing(expected).length > 0 && Date.now() < deadline) await sleep(100);

    // The hard case happened: deliveries were waiting in Redis when it died.
    expect(heldOnlyByRedis).toBeGreaterThan(0);
    for (const p of PHASES) {
      const figures = load.figures.get(p)!;
      expect({
        phase: p,
        statuses: [...figures.statuses.keys()],
        errors: [...figures.errors.keys()],
      }).toEqual({
        phase: p,
        statuses: [201],
        errors: [],
      });
      expect(figures.acknowledged).toBe(figures.events);
      expect(figures.requests).toBeGreaterThan(0);
    }
    expect(receiver.missing(expected)).toEqual([]);
    expect(Math.max(...expected.map((id) => receiver.counts.get(id) ?? 0))).toBeLessThanOrEqual(
      WEBHOOK_ATTEMPTS,
    );
    expect(receiver.badSignatures).toBe(0);
  }, 90_000);
});
