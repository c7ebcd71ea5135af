/**
 * The acceptance drill of issue 5: "Stop Redis for 30 s under load: appends keep succeeding, jobs
 * resume when it returns, none lost."
 *
 *   npm run drill:redis-outage -- [--outage-seconds 30] [--seconds 60] [--rate 200]
 *   (or, after `npx nest build ledger && npx nest build projections`,
 *    npx ts-node --swc -r tsconfig-paths/register test/drills/redis-outage.drill.ts [options])
 *
 * Never touches the machine's Redis: it starts a redis-server of its own on a free port, keeping
 * nothing on disk, and a scratch PostgreSQL database next to DATABASE_URL (or the local one).
 * 1. the built API (LEDGER_PROCESS=api) and the built projection worker, each its own process, on
 *    that database and that Redis; a local receiver subscribed to DataAccessed and DatasetRegistered
 *    (it answers a few requests 503, so some deliveries are retries waiting in Redis);
 * 2. appends at a steady rate (single CloudEvents, batches of five, dataset registrations) for
 *    `--seconds`; `--outage-at` seconds in, the redis-server is SIGKILLed, and `--outage-seconds`
 *    later started again on the same port — empty: whatever was queued only in Redis is gone, and
 *    must come back from the job outbox; a long export is asked for before, during and after;
 * 3. once the load stops, waits (up to `--drain-timeout-seconds`) until every acknowledged event has
 *    reached the receiver, every delivery row is delivered, the exports are done and nothing due is
 *    left in the job outbox.
 * Checks: every append answered 2xx (none 5xx, none unanswered), during the outage too; every
 * acknowledged event in the journal and delivered (by CloudEvent id), none more often than its
 * retries allow; the exports completed. Prints progress while it runs and a summary; exits 0 only
 * when every check holds (1 when one fails, 2 when the drill itself could not run).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { WEBHOOK_ATTEMPTS } from '../../libs/projections/src/webhooks/webhook-outbox';
import { freePort, ScratchRedis } from '../support/scratch-redis';
import { createScratchDatabase } from '../support/test-backend';
import {
  AppendLoad,
  call,
  DeliveryCounter,
  describeStatuses,
  LedgerEndpoint,
  Phase,
  PHASES,
  subscribe,
} from './append-load';
import {
  AppProcess,
  GENEROUS_RATE_LIMITS,
  n,
  sayer,
  seconds,
  sleep,
  startApp,
  stopApp,
  waitUntil,
  warningsIn,
} from './drill-processes';
import { DATABASE_URL_OPTION, scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  'outage-seconds': { type: 'string', default: '30' },
  /** How long the load runs in all (default: 10 s before the outage, the outage, 20 s after). */
  seconds: { type: 'string' },
  /** When Redis goes away, counted from the start of the load (default 10, less for a short run). */
  'outage-at': { type: 'string' },
  /** Events per second. */
  rate: { type: 'string', default: '200' },
  /** Share of webhook requests the receiver answers 503 (retried later by the job runner). */
  'receiver-failure-rate': { type: 'string', default: '0.02' },
  'drain-timeout-seconds': { type: 'string', default: '180' },
  'database-url': DATABASE_URL_OPTION,
  ledger: { type: 'string', default: join(__dirname, '..', '..', 'dist', 'apps', 'ledger', 'main.js') },
  worker: {
    type: 'string',
    default: join(__dirname, '..', '..', 'dist', 'apps', 'projections', 'main.js'),
  },
  'keep-database': { type: 'boolean', default: false },
});
const OUTAGE_SECONDS = Number(args['outage-seconds']);
const SECONDS = args.seconds === undefined ? 10 + OUTAGE_SECONDS + 20 : Number(args.seconds);
const OUTAGE_AT =
  args['outage-at'] !== undefined
    ? Number(args['outage-at'])
    : Math.min(10, Math.max(2, Math.floor((SECONDS - OUTAGE_SECONDS) / 3)));
const RATE = Number(args.rate);
const DRAIN_TIMEOUT_MS = Number(args['drain-timeout-seconds']) * 1000;
const SECRET = 'drill-subscriber-secret-0123456789';

const say = sayer();

interface Progress {
  /** Events the webhooks reactor has not read yet. */
  reactorLag: number;
  /** Due, not completed, never handed to the runner. */
  outboxPending: number;
  outboxOpenDue: number;
  outboxOpenLater: number;
  deliveryRows: number;
  deliveredRows: number;
  exportsDone: number;
}

async function progressOf(db: Pool): Promise<Progress> {
  const [outbox] = (
    await db.query<{ due: string; pending: string; later: string }>(
      `SELECT count(*) FILTER (WHERE completed_at IS NULL AND run_at <= now())::text AS due,
              count(*) FILTER (WHERE completed_at IS NULL AND run_at <= now() AND dispatched_at IS NULL)::text AS pending,
              count(*) FILTER (WHERE completed_at IS NULL AND run_at > now())::text AS later
         FROM ledger_views.job_outbox`,
    )
  ).rows;
  const [lag] = (
    await db.query<{ lag: string }>(
      `SELECT (coalesce((SELECT max(global_position) FROM ledger.events), -1) - coalesce(max(c.position), -1))::text AS lag
         FROM ledger_views.projections p
         JOIN ledger_views.projection_checkpoints c ON c.name = p.name AND c.generation = p.active_generation
        WHERE p.name = 'webhooks'`,
    )
  ).rows;
  const [deliveries] = (
    await db.query<{ total: string; delivered: string }>(
      `SELECT count(*)::text AS total, count(delivered_at)::text AS delivered FROM ledger.webhook_deliveries`,
    )
  ).rows;
  const [exports] = (
    await db.query<{ done: string }>(
      `SELECT count(*) FILTER (WHERE status = 'done')::text AS done FROM ledger_views.exports`,
    )
  ).rows;
  return {
    reactorLag: Number(lag?.lag ?? 0),
    outboxPending: Number(outbox.pending),
    outboxOpenDue: Number(outbox.due),
    outboxOpenLater: Number(outbox.later),
    deliveryRows: Number(deliveries.total),
    deliveredRows: Number(deliveries.delivered),
    exportsDone: Number(exports.done),
  };
}

/** Jobs the outbox handed to Redis that have not completed: at the kill, what only Redis held. */
async function handedOverNotCompleted(db: Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ledger_views.job_outbox WHERE dispatched_at IS NOT NULL AND completed_at IS NULL`,
  );
  return Number(rows[0].n);
}

async function main(): Promise<number> {
  if (OUTAGE_AT + OUTAGE_SECONDS >= SECONDS) {
    throw new Error(
      `the outage (${OUTAGE_AT} s + ${OUTAGE_SECONDS} s) must end before the load does (--seconds ${SECONDS})`,
    );
  }
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
    return ok ? 'ok' : 'FAILED';
  };

  const redis = await ScratchRedis.start();
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_drill_redis');
  const workDir = mkdtempSync(join(tmpdir(), 'ledger-redis-drill-'));
  const db = new Pool({ connectionString: scratch.url, max: 2 });
  const receiver = await new DeliveryCounter(SECRET, Number(args['receiver-failure-rate'])).start();
  const adminToken = `drill-admin-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const ledger: LedgerEndpoint = { url: `http://127.0.0.1:${port}`, adminToken };
  const env = {
    DATABASE_URL: scratch.url,
    REDIS_URL: redis.url,
    LEDGER_BOOTSTRAP_TOKEN: adminToken,
    LEDGER_MASTER_KEY: randomBytes(32).toString('hex'),
    LEDGER_DATA_DIR: workDir,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    ...GENEROUS_RATE_LIMITS,
  };
  say(
    `redis-outage drill: ${RATE} events/s for ${SECONDS} s, Redis away from ${OUTAGE_AT} s for ${OUTAGE_SECONDS} s`,
  );
  say(
    `   own redis-server (pid ${redis.pid}) at ${redis.url}; scratch database ${scratch.name}; logs in ${workDir}`,
  );
  const apps: AppProcess[] = [];
  // Interrupted (Ctrl-C, a closed pipe): no process of the drill's outlives it.
  process.once('exit', () => {
    for (const app of apps) app.child.kill('SIGKILL');
    redis.killNow();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  try {
    // 1. The API and the worker, each its own process.
    const api = startApp(
      'the API',
      args.ledger as string,
      { ...env, LEDGER_PROCESS: 'api', PORT: String(port) },
      join(workDir, 'api.log'),
    );
    apps.push(api);
    await waitUntil('the API did not answer', api, async () => (await fetch(`${ledger.url}/health/live`)).ok);
    const worker = startApp('the worker', args.worker as string, env, join(workDir, 'worker.log'));
    apps.push(worker);
    await waitUntil('the worker did not start', worker, async () =>
      readFileSync(worker.logFile, 'utf8').includes('projection worker started'),
    );
    say(`1. API (pid ${api.child.pid}) on ${ledger.url}, worker (pid ${worker.child.pid}), both on BullMQ`);

    let phase: Phase = 'before';
    const load = await AppendLoad.prepare(ledger, () => phase);
    const subscription = await subscribe(ledger, receiver.url, SECRET);
    say(
      `   receiver ${receiver.url} subscribed (${subscription.id}); answers ${args['receiver-failure-rate']} of requests 503`,
    );

    // 2. The load, with the outage in the middle of it.
    const exportsAsked: { phase: Phase; id: string; status: number }[] = [];
    const askExport = async () => {
      const answer = await call(ledger, 'POST', '/v1/exports', {
        body: { type: ['DatasetRegistered'], format: 'ndjson' },
      });
      exportsAsked.push({ phase, id: answer.body?.id, status: answer.status });
    };
    say(`2. load started`);
    const loadStarted = Date.now();
    load.start(RATE);
    let outageStartedAt = 0;
    let redisBackAt = 0;
    let lastProgress = 0;
    let readyDuringOutage: string | undefined;
    let heldByRedis = 0;
    const report = async (label: string) => {
      const progress = await progressOf(db).catch(() => undefined);
      const total = load.total();
      const bad = [...total.statuses]
        .filter(([status]) => status < 200 || status > 299)
        .reduce((s, [, c]) => s + c, 0);
      const unanswered = [...total.errors.values()].reduce((s, c) => s + c, 0);
      say(
        `   ${label.padEnd(7)} sent ${n(load.eventsSent)}, acknowledged ${n(load.acknowledged.size)} (not 2xx ${bad}, unanswered ${unanswered}, in flight ${load.inFlightCount}); ` +
          `receiver has ${n(receiver.counts.size)} ids (missing ${n(receiver.missing(load.acknowledged.keys()).length)}); ` +
          (progress
            ? `webhooks reactor ${n(progress.reactorLag)} behind; delivery rows ${n(progress.deliveredRows)}/${n(progress.deliveryRows)} delivered; ` +
              `outbox due & open ${n(progress.outboxOpenDue)} (${n(progress.outboxPending)} not handed over)`
            : 'database not answering') +
          `; redis ${redis.running ? 'up' : 'DOWN'}`,
      );
    };
    await askExport();
    while (Date.now() - loadStarted < SECONDS * 1000) {
      const elapsed = (Date.now() - loadStarted) / 1000;
      if (phase === 'before' && elapsed >= OUTAGE_AT) {
        await redis.kill();
        outageStartedAt = Date.now();
        phase = 'outage';
        heldByRedis = await handedOverNotCompleted(db);
        say(
          `   Redis SIGKILLed at ${elapsed.toFixed(1)} s of load, holding ${n(heldByRedis)} jobs handed over and not completed; appends go on`,
        );
        await askExport();
      } else if (phase === 'outage' && elapsed >= OUTAGE_AT + OUTAGE_SECONDS) {
        await redis.start();
        redisBackAt = Date.now();
        phase = 'after';
        say(
          `   Redis started again, empty, on the same port after ${seconds(redisBackAt - outageStartedAt)} away`,
        );
        await askExport();
      }
      if (phase === 'outage' && readyDuringOutage === undefined && Date.now() - outageStartedAt > 3_000) {
        const ready = await call(ledger, 'GET', '/health/ready').catch(() => undefined);
        readyDuringOutage = ready
          ? `${ready.status}, redis ${ready.body?.info?.redis?.status ?? ready.body?.error?.redis?.status ?? '?'}`
          : 'no answer';
      }
      if (Date.now() - lastProgress >= 2_000) {
        lastProgress = Date.now();
        await report(phase);
      }
      for (const app of apps) {
        if (app.child.exitCode !== null || app.child.signalCode !== null)
          throw new Error(`${app.name} exited during the load; see ${app.logFile}`);
      }
      await sleep(100);
    }
    await load.stop();
    const loadEnded = Date.now();
    say(
      `   load stopped after ${seconds(loadEnded - loadStarted)}: ${n(load.acknowledged.size)} events acknowledged`,
    );

    // 3. The drain.
    say(`3. waiting for every acknowledged event to reach the receiver (up to ${seconds(DRAIN_TIMEOUT_MS)})`);
    const expected = [...load.acknowledged.keys()];
    let drained = false;
    let last: Progress | undefined;
    while (Date.now() - loadEnded < DRAIN_TIMEOUT_MS) {
      last = await progressOf(db);
      const missing = receiver.missing(expected).length;
      const exportsDone = last.exportsDone === exportsAsked.filter((asked) => asked.status === 202).length;
      if (
        missing === 0 &&
        last.outboxOpenDue === 0 &&
        last.deliveredRows === last.deliveryRows &&
        exportsDone
      ) {
        drained = true;
        break;
      }
      if (Date.now() - lastProgress >= 2_000) {
        lastProgress = Date.now();
        await report('drain');
      }
      await sleep(250);
    }
    const drainedAt = Date.now();
    await report(drained ? 'drained' : 'TIMEOUT');
    // Anything still in flight (a duplicate) lands before the counts are read.
    await sleep(2_000);

    // The figures.
    const inJournal = Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM ledger.events WHERE event_id = ANY($1)`,
          [expected],
        )
      ).rows[0].n,
    );
    const lost = receiver.missing(expected);
    const lostByPhase = PHASES.map(
      (p) => `${p} ${lost.filter((id) => load.acknowledged.get(id) === p).length}`,
    );
    const counts = expected.map((id) => receiver.counts.get(id) ?? 0);
    const duplicated = counts.filter((count) => count > 1).length;
    const extra = counts.reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const most = counts.length > 0 ? Math.max(...counts) : 0;
    const unexpected = [...receiver.counts.keys()].filter((id) => !load.acknowledged.has(id)).length;
    const arrivalsAfterReturn = [...receiver.firstArrival.values()].filter((at) => at >= redisBackAt);
    const firstAfterReturn = arrivalsAfterReturn.length > 0 ? Math.min(...arrivalsAfterReturn) : undefined;
    const lastArrival = Math.max(0, ...receiver.firstArrival.values());
    const [deliveryRows] = (
      await db.query<{ total: string; delivered: string; retried: string; most: string; failed: string }>(
        `SELECT count(*)::text AS total, count(delivered_at)::text AS delivered,
                count(*) FILTER (WHERE attempts > 1)::text AS retried, coalesce(max(attempts), 0)::text AS most,
                count(*) FILTER (WHERE delivered_at IS NULL AND attempts >= $1)::text AS failed
           FROM ledger.webhook_deliveries`,
        [WEBHOOK_ATTEMPTS],
      )
    ).rows;
    const exportRows = (
      await db.query<{ id: string; status: string }>(`SELECT id, status FROM ledger_views.exports`)
    ).rows;
    const exportStatus = new Map(exportRows.map((row) => [row.id, row.status]));
    const outbox = (
      await db.query<{ queue: string; completed: string; open_due: string; open_later: string }>(
        `SELECT queue, count(*) FILTER (WHERE completed_at IS NOT NULL)::text AS completed,
                count(*) FILTER (WHERE completed_at IS NULL AND run_at <= now())::text AS open_due,
                count(*) FILTER (WHERE completed_at IS NULL AND run_at > now())::text AS open_later
           FROM ledger_views.job_outbox GROUP BY queue ORDER BY queue`,
      )
    ).rows;

    console.log('\nSummary');
    console.log('| check | figure | result |');
    console.log('|---|---|---|');
    const row = (name: string, figure: string, result = '') =>
      console.log(`| ${name} | ${figure} | ${result} |`);
    row(
      'the outage',
      `Redis SIGKILLed ${seconds(outageStartedAt - loadStarted)} into the load with ${n(heldByRedis)} jobs handed over and not completed, back (empty) ${seconds(redisBackAt - outageStartedAt)} later; /health/ready during it: ${readyDuringOutage ?? 'not asked'}`,
      check(outageStartedAt > 0 && redisBackAt > outageStartedAt, 'the outage did not happen'),
    );
    for (const p of PHASES) {
      const figures = load.figures.get(p)!;
      const notOk = [...figures.statuses].filter(([status]) => status < 200 || status > 299);
      const unanswered = [...figures.errors].reduce((sum, [, count]) => sum + count, 0);
      row(
        `appends ${p === 'outage' ? 'DURING' : p.toUpperCase()} the outage`,
        `${n(figures.requests)} requests, ${n(figures.events)} events, ${n(figures.acknowledged)} acknowledged; ${describeStatuses(figures.statuses)}; ` +
          `${unanswered} unanswered${figures.errors.size > 0 ? ` (${[...figures.errors.keys()].join('; ')})` : ''}; slowest ${figures.slowestMs} ms`,
        check(
          notOk.length === 0 &&
            unanswered === 0 &&
            figures.acknowledged === figures.events &&
            figures.requests > 0,
          `appends ${p === 'outage' ? 'during' : p} the outage: not all acknowledged`,
        ),
      );
    }
    const total = load.total();
    const fiveHundreds = [...total.statuses]
      .filter(([status]) => status >= 500)
      .reduce((s, [, c]) => s + c, 0);
    row('5xx answers', String(fiveHundreds), check(fiveHundreds === 0, 'the ledger answered 5xx'));
    row(
      'load kept its rate',
      `${n(total.events)} events in ${seconds(loadEnded - loadStarted)}; held back ${load.heldBack} times`,
    );
    row(
      'acknowledged events in the journal',
      `${n(inJournal)} of ${n(expected.length)}`,
      check(inJournal === expected.length, 'acknowledged events missing from the journal'),
    );
    row(
      'deliveries resumed after Redis returned',
      firstAfterReturn === undefined
        ? 'no new id arrived after the return'
        : `first new id ${seconds(firstAfterReturn - redisBackAt)} after the return`,
      check(firstAfterReturn !== undefined, 'deliveries did not resume'),
    );
    row(
      'every acknowledged event delivered',
      `${n(expected.length - lost.length)} of ${n(expected.length)} ids received (missing by phase sent: ${lostByPhase.join(', ')}); ${unexpected} unexpected; ` +
        (drained
          ? `all in ${seconds(lastArrival - redisBackAt)} after the return, drained ${seconds(drainedAt - loadEnded)} after the load`
          : 'NOT drained within the timeout'),
      check(lost.length === 0, 'webhook deliveries lost'),
    );
    row(
      `at least once, within the retries (≤ ${WEBHOOK_ATTEMPTS} per id)`,
      `${n(receiver.requests)} requests, ${n(receiver.refused)} answered 503 on purpose; ${n(duplicated)} ids received twice or more (${n(extra)} extra), most ${most}`,
      check(most <= WEBHOOK_ATTEMPTS, 'an id delivered more often than its retries allow'),
    );
    row(
      'webhook delivery rows',
      `${n(Number(deliveryRows.total))} rows, ${n(Number(deliveryRows.delivered))} delivered, ${n(Number(deliveryRows.retried))} retried, most attempts ${deliveryRows.most}, ${deliveryRows.failed} gave up`,
      check(
        Number(deliveryRows.total) === expected.length && Number(deliveryRows.delivered) === expected.length,
        'delivery rows not all delivered',
      ),
    );
    row(
      'signatures',
      `${receiver.badSignatures} bad`,
      check(receiver.badSignatures === 0, 'bad webhook signatures'),
    );
    row(
      'long exports asked before, during, after',
      exportsAsked
        .map((asked) => `${asked.phase}: ${asked.status} → ${exportStatus.get(asked.id) ?? 'no row'}`)
        .join('; '),
      check(
        exportsAsked.length === 3 &&
          exportsAsked.every((asked) => asked.status === 202 && exportStatus.get(asked.id) === 'done'),
        'an export was refused or did not complete',
      ),
    );
    row(
      'job outbox',
      outbox
        .map(
          (q) =>
            `${q.queue}: ${n(Number(q.completed))} completed, ${q.open_due} due and open, ${q.open_later} not due yet`,
        )
        .join('; ') || 'empty',
      check(
        outbox.every((q) => Number(q.open_due) === 0),
        'due outbox rows left uncompleted',
      ),
    );
    for (const app of apps) {
      const warnings = [...warningsIn(app.logFile)].sort(([, a], [, b]) => b - a);
      row(
        `${app.name}: log lines at warn or above`,
        warnings.length === 0
          ? 'none'
          : warnings
              .slice(0, 6)
              .map(([message, count]) => `${count}× ${message}`)
              .join('; '),
      );
    }
    console.log(failures.length === 0 ? '\nDrill passed.' : `\nDrill FAILED:\n- ${failures.join('\n- ')}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    for (const app of apps.reverse()) {
      const code = await stopApp(app);
      say(`   ${app.name} stopped (${code})`);
    }
    await receiver.close();
    await db.end();
    await redis.kill();
    if (args['keep-database']) say(`kept database ${scratch.url}; logs in ${workDir}`);
    else {
      await scratch.drop();
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
