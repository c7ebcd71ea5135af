import { Pool } from 'pg';
import { WEBHOOK_ATTEMPTS } from '../../libs/projections/src/webhooks/webhook-outbox';
import { runAudit } from '../../apps/cli/src/audit/audit-command';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ScratchPostgres } from '../support/scratch-postgres';
import { ScratchRedis } from '../support/scratch-redis';
import { AppendLoad, call, DeliveryCounter, LedgerEndpoint, Phase, subscribe } from './append-load';
import { checkConsistent, pinVerifierKey, signCheckpointNow } from './log-checks';
import { emptyProbeFigures, journalFacts, probeReads, waitForWorker } from './postgres-checks';

const SECRET = 'ci-drill-subscriber-secret-0123';
const RATE = 40;
const BEFORE_MS = 3_000;
const OUTAGE_MS = 5_000;
const AFTER_MS = 6_000;
const RECOVERY_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The short version of `npm run drill:postgres-restart` (issue 8): the ledger (API and worker in one
 * process) on a PostgreSQL cluster of the suite's own (initdb + pg_ctl in a temporary directory; the
 * machine's PostgreSQL is never stopped) and a redis-server of its own, under a light append load;
 * PostgreSQL is stopped (fast shutdown) for 5 s and started again. While it is down every request is
 * answered 503 with Retry-After and /health/ready says the journal is down; within 5 s of its return
 * appends succeed again, with no restart of the ledger; no acknowledged event is lost or duplicated,
 * and the worker, the log and the webhooks carry on.
 */
describe('a PostgreSQL restart under load', () => {
  let cluster: ScratchPostgres;
  let redis: ScratchRedis;
  let ledger: LedgerUnderTest;
  let receiver: DeliveryCounter;
  let db: Pool;

  beforeAll(async () => {
    cluster = await ScratchPostgres.start();
    redis = await ScratchRedis.start();
    const databaseUrl = await cluster.createDatabase('ledger');
    ledger = await LedgerUnderTest.start({
      database: {
        journalOptions: { databaseUrl, dataDir: 'unused' },
        ownerUrl: databaseUrl,
        dispose: async () => undefined,
      },
      env: { REDIS_URL: redis.url, LEDGER_CHECKPOINT_INTERVAL_MS: '1000' },
    });
    receiver = await new DeliveryCounter(SECRET).start();
    db = new Pool({ connectionString: databaseUrl, max: 2 });
    db.on('error', () => undefined);
  }, 60_000);

  afterAll(async () => {
    await ledger?.stop();
    await db?.end();
    await receiver?.close();
    await redis?.kill();
    await cluster?.remove();
  });

  it('answers 503 with Retry-After while it is down, recovers by itself within 5 s, and loses or duplicates nothing acknowledged', async () => {
    const endpoint: LedgerEndpoint = { url: ledger.url, adminToken: ledger.adminToken };
    let phase: Phase = 'before';
    const load = await AppendLoad.prepare(endpoint, () => phase);
    await subscribe(endpoint, receiver.url, SECRET);
    const key = await pinVerifierKey(endpoint);

    load.start(RATE);
    await sleep(BEFORE_MS);
    const kept = await signCheckpointNow(endpoint);
    const inFlightAtStop = load.inFlightCount;
    await cluster.stop('fast');
    phase = 'outage';
    await sleep(1_000);
    const ready = await call(endpoint, 'GET', '/health/ready');
    const probes = emptyProbeFigures();
    await probeReads(endpoint, probes);
    await sleep(OUTAGE_MS - 1_000);
    await cluster.start();
    const backAt = Date.now();
    phase = 'after';
    let readyAgainAfter: number | undefined;
    while (readyAgainAfter === undefined && Date.now() - backAt < 10_000) {
      if ((await call(endpoint, 'GET', '/health/ready')).status === 200)
        readyAgainAfter = Date.now() - backAt;
      else await sleep(100);
    }
    await sleep(AFTER_MS);
    await load.stop();

    // While it was down: 503 with Retry-After for every request, never another 5xx, never no answer.
    expect([ready.status, ready.headers.get('retry-after'), ready.body.error?.journal?.status]).toEqual([
      503,
      '5',
      'down',
    ]);
    expect({
      withoutRetryAfter: probes.withoutRetryAfter,
      serverErrors: probes.serverErrors,
      unanswered: probes.unanswered,
    }).toEqual({ withoutRetryAfter: [], serverErrors: [], unanswered: 0 });
    expect(probes.statuses.get(503)).toBeGreaterThan(0);
    const total = load.total();
    expect([...total.statuses.keys()].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(total.errors.size).toBe(0);
    expect(total.unavailableWithoutRetryAfter).toBe(0);
    // (A request sent while it was down may still succeed: one that waited for a connection until it was back.)
    expect(load.figures.get('outage')!.statuses.get(503)).toBeGreaterThan(0);
    // Before, only what was in flight at the stop may have been refused.
    const refusedBefore = load.figures.get('before')!.statuses.get(503) ?? 0;
    expect(refusedBefore).toBeLessThanOrEqual(inFlightAtStop);

    // After: ready and appending again within 5 s of the return, in the same process.
    expect(readyAgainAfter).toBeLessThanOrEqual(RECOVERY_MS);
    const lastRefusedAfterReturn = load.lastRefusedSentAt - backAt;
    expect(lastRefusedAfterReturn).toBeLessThanOrEqual(RECOVERY_MS);
    expect(load.figures.get('after')!.acknowledged).toBeGreaterThan(0);

    // Every acknowledged event in the journal, once, where it was acknowledged; the journal gapless.
    const facts = await journalFacts(db, load);
    expect(facts.found).toBe(load.acknowledged.size);
    expect(facts.movedOrDuplicated).toBe(0);
    expect(facts.rows).toBe(facts.head + 1);
    expect(facts.distinctIds).toBe(facts.rows);

    // The worker, the job outbox, the webhooks and the log carry on by themselves.
    const expected = [...load.acknowledged.keys()];
    const drain = await waitForWorker(
      db,
      () => receiver.missing(expected).length === 0,
      45_000,
      () => undefined,
    );
    expect(drain.describe).toMatch(/projections all at the head/);
    expect(drain.caughtUp).toBe(true);
    expect(receiver.missing(expected)).toEqual([]);
    expect(Math.max(...expected.map((id) => receiver.counts.get(id) ?? 0))).toBeLessThanOrEqual(
      WEBHOOK_ATTEMPTS,
    );
    const newer = await signCheckpointNow(endpoint);
    expect(await checkConsistent(endpoint, key, kept, newer)).toBeUndefined();
    const audit = await runAudit({ databaseUrl: ledger.database.ownerUrl as string }, { key: key.text });
    expect({ exitCode: audit.exitCode, findings: audit.findings }).toEqual({ exitCode: 0, findings: [] });
  }, 120_000);
});
