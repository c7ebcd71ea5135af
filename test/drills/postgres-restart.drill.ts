/**
 * The reliability drill of issue 8: "Restart PostgreSQL under load: while it is down requests answer
 * 503 with Retry-After (never 500) and /health/ready says the database is down; after it returns the
 * service recovers by itself within 5 s, and no acknowledged event is lost or duplicated."
 *
 *   npm run drill:postgres-restart -- [--outage-seconds 20] [--seconds 50] [--rate 200] [--stop-mode fast|immediate]
 *   (or, after `npm run build`,
 *    npx ts-node --swc -r tsconfig-paths/register test/drills/postgres-restart.drill.ts [options])
 *
 * Never touches the machine's PostgreSQL or Redis: it runs `initdb` into a temporary directory and
 * starts that cluster with `pg_ctl` on a free port (as the `postgres` user when run as root), and a
 * redis-server of its own; both are removed at the end.
 * 1. the built API (LEDGER_PROCESS=api) and the built projection worker on that cluster, each its own
 *    process; a local receiver subscribed to DataAccessed and DatasetRegistered (webhooks go through
 *    the worker's reactors, the job outbox and its dispatcher);
 * 2. appends at a steady rate (single CloudEvents, batches of five, dataset registrations) for
 *    `--seconds`; `--outage-at` seconds in, PostgreSQL is stopped (`pg_ctl stop -m fast`: open
 *    transactions roll back, every connection is closed) and `--outage-seconds` later started again;
 *    while it is down, reads of the journal, the views and the log are probed and /health/ready asked;
 * 3. once the load stops, waits until the worker has caught up: projections at the head, the log's
 *    tree at the head, every acknowledged event delivered, nothing due left in the job outbox.
 * Checks: no 5xx but 503, every 503 with Retry-After, no request unanswered; /health/ready 503 with
 * the journal down during the outage; appends and readiness back within `--recovery-seconds` of
 * PostgreSQL accepting connections, with the same processes; every acknowledged event in the journal
 * once, at the position it was acknowledged at, and the journal gapless; the views, the log (a
 * checkpoint signed after the outage consistent with one kept from before it) and `ledger audit` agree;
 * every acknowledged event delivered. Exits 0 only when every check holds (1 when one fails, 2 when
 * the drill itself could not run).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { WEBHOOK_ATTEMPTS } from '../../libs/projections/src/webhooks/webhook-outbox';
import { ScratchPostgres } from '../support/scratch-postgres';
import { ScratchRedis } from '../support/scratch-redis';
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
  BUILT_CLI,
  BUILT_LEDGER,
  BUILT_WORKER,
  describeCounts,
  errorsIn,
  hasExited,
  n,
  runBuiltCli,
  sayer,
  seconds,
  sleep,
  startLedgerProcesses,
  stopApp,
  Summary,
  warningsIn,
} from './drill-processes';
import { checkConsistent, KeptCheckpoint, pinVerifierKey, signCheckpointNow } from './log-checks';
import {
  askExport,
  emptyProbeFigures,
  exportStatuses,
  failedJobs,
  journalFacts,
  ProbeFigures,
  probeReads,
  waitForWorker,
} from './postgres-checks';
import { scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  'outage-seconds': { type: 'string', default: '20' },
  /** How long the load runs in all (default: 10 s before the outage, the outage, 20 s after; the outage ends before the load in any case). */
  seconds: { type: 'string' },
  /** When PostgreSQL stops, counted from the start of the load (default 10, less for a short run). */
  'outage-at': { type: 'string' },
  /** Events per second. */
  rate: { type: 'string', default: '200' },
  /** How soon after PostgreSQL is back every request must succeed again. */
  'recovery-seconds': { type: 'string', default: '5' },
  /** `fast` (an operator's restart, a failover) or `immediate` (a crash). */
  'stop-mode': { type: 'string', default: 'fast' },
  'drain-timeout-seconds': { type: 'string', default: '120' },
  ledger: { type: 'string', default: BUILT_LEDGER },
  worker: { type: 'string', default: BUILT_WORKER },
  cli: { type: 'string', default: BUILT_CLI },
  'keep-files': { type: 'boolean', default: false },
});
const OUTAGE_SECONDS = Number(args['outage-seconds']);
const SECONDS = args.seconds === undefined ? 10 + OUTAGE_SECONDS + 20 : Number(args.seconds);
const OUTAGE_AT =
  args['outage-at'] !== undefined
    ? Number(args['outage-at'])
    : Math.min(10, Math.max(2, Math.floor((SECONDS - OUTAGE_SECONDS) / 3)));
const RATE = Number(args.rate);
const RECOVERY_MS = Number(args['recovery-seconds']) * 1000;
const STOP_MODE = args['stop-mode'] as 'fast' | 'immediate';
const DRAIN_TIMEOUT_MS = Number(args['drain-timeout-seconds']) * 1000;
const SECRET = 'drill-subscriber-secret-0123456789';

const say = sayer();

async function main(): Promise<number> {
  if (OUTAGE_AT + OUTAGE_SECONDS >= SECONDS) {
    throw new Error(
      `the outage (${OUTAGE_AT} s + ${OUTAGE_SECONDS} s) must end before the load does (--seconds ${SECONDS})`,
    );
  }
  const postgres = await ScratchPostgres.start();
  const redis = await ScratchRedis.start().catch(async (error: unknown) => {
    await postgres.remove();
    throw error;
  });
  const apps: AppProcess[] = [];
  // Interrupted (Ctrl-C, a closed pipe): nothing of the drill's outlives it.
  process.once('exit', () => {
    for (const app of apps) app.child.kill('SIGKILL');
    redis.killNow();
    if (args['keep-files']) postgres.stopNow();
    else postgres.removeNow();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

  const databaseUrl = await postgres.createDatabase('ledger');
  const workDir = mkdtempSync(join(tmpdir(), 'ledger-postgres-drill-'));
  // The drill's own connections: an idle one dropped by the restart must not crash it.
  const db = new Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 2_000 });
  db.on('error', () => undefined);
  const receiver = await new DeliveryCounter(SECRET).start();
  const adminToken = `drill-admin-${randomBytes(16).toString('hex')}`;
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    LEDGER_MASTER_KEY: randomBytes(32).toString('hex'),
    LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    }) as string,
    LEDGER_DATA_DIR: workDir,
    LEDGER_CHECKPOINT_INTERVAL_MS: '2000',
  };
  say(
    `postgres-restart drill: ${RATE} events/s for ${SECONDS} s, PostgreSQL stopped (${STOP_MODE}) at ${OUTAGE_AT} s for ${OUTAGE_SECONDS} s`,
  );
  say(
    `   own PostgreSQL cluster in ${postgres.directory} on port ${postgres.port}; own redis-server at ${redis.url}; logs in ${workDir}`,
  );
  try {
    // 1. The API and the worker, each its own process.
    const started = await startLedgerProcesses({
      name: 'ledger',
      env,
      logDir: workDir,
      adminToken,
      worker: true,
      ledgerScript: args.ledger,
      workerScript: args.worker,
      started: apps,
    });
    const ledger: LedgerEndpoint = { url: started.url, adminToken };
    const [api, worker] = started.apps;
    const pids = apps.map((app) => app.child.pid);
    say(`1. API (pid ${api.child.pid}) on ${ledger.url}, worker (pid ${worker.child.pid})`);

    let phase: Phase = 'before';
    const load = await AppendLoad.prepare(ledger, () => phase);
    await subscribe(ledger, receiver.url, SECRET);
    const key = await pinVerifierKey(ledger);
    say(`   receiver ${receiver.url} subscribed; verifier key pinned: ${key.text}`);

    // 2. The load, with the outage in the middle of it.
    say('2. load started');
    const loadStarted = Date.now();
    load.start(RATE);
    let keptBefore: KeptCheckpoint | undefined;
    const exportsAsked: { phase: Phase; id?: string; status: number }[] = [];
    let stoppedAt = 0;
    /** Requests sent before the stop and answered after it may be refused (503). */
    let inFlightAtStop = 0;
    let backAt = 0;
    let lastProgress = 0;
    const readyDuring: string[] = [];
    let readyBackAt: number | undefined;
    const probes: ProbeFigures = emptyProbeFigures();
    let probing: Promise<void> = Promise.resolve();
    const report = (label: string) => {
      const total = load.total();
      const bad = [...total.statuses]
        .filter(([status]) => status < 200 || status > 299)
        .reduce((s, [, c]) => s + c, 0);
      const unanswered = [...total.errors.values()].reduce((s, c) => s + c, 0);
      say(
        `   ${label.padEnd(7)} sent ${n(load.eventsSent)}, acknowledged ${n(load.acknowledged.size)} (not 2xx ${n(bad)}: ${describeStatuses(total.statuses)}; unanswered ${unanswered}; in flight ${load.inFlightCount}); ` +
          `receiver has ${n(receiver.counts.size)} ids; postgres ${postgres.isRunning ? 'up' : 'DOWN'}`,
      );
    };
    while (Date.now() - loadStarted < SECONDS * 1000 || phase === 'outage') {
      const elapsed = (Date.now() - loadStarted) / 1000;
      if (phase === 'before' && elapsed >= OUTAGE_AT) {
        exportsAsked.push({ phase, ...(await askExport(ledger)) });
        keptBefore = await signCheckpointNow(ledger);
        say(`   checkpoint of size ${n(keptBefore.checkpoint.size)} kept, as a verifier would`);
        inFlightAtStop = load.inFlightCount;
        await postgres.stop(STOP_MODE);
        stoppedAt = Date.now();
        phase = 'outage';
        say(
          `   PostgreSQL stopped (${STOP_MODE}) at ${seconds(stoppedAt - loadStarted)} of load; appends go on`,
        );
      } else if (phase === 'outage' && Date.now() - stoppedAt >= OUTAGE_SECONDS * 1000) {
        await probing;
        await postgres.start();
        backAt = Date.now();
        phase = 'after';
        exportsAsked.push({ phase, ...(await askExport(ledger)) });
        say(`   PostgreSQL started again after ${seconds(backAt - stoppedAt)} down; accepting connections`);
      }
      if (phase === 'outage') {
        // Reads of every kind, and readiness, once a second while it is down.
        if (
          Date.now() - stoppedAt > 1_000 &&
          readyDuring.length < Math.floor((Date.now() - stoppedAt) / 1000)
        ) {
          const ready = await call(ledger, 'GET', '/health/ready').catch(() => undefined);
          readyDuring.push(
            ready
              ? `${ready.status} journal ${ready.body?.error?.journal?.status ?? ready.body?.info?.journal?.status ?? '?'} retry-after ${ready.headers.get('retry-after') ?? 'none'}`
              : 'no answer',
          );
          probing = probeReads(ledger, probes);
          await probing;
        }
      }
      if (phase === 'after' && readyBackAt === undefined) {
        const ready = await call(ledger, 'GET', '/health/ready').catch(() => undefined);
        if (ready?.status === 200) {
          readyBackAt = Date.now();
          say(`   /health/ready answers 200 again ${seconds(readyBackAt - backAt)} after the return`);
        }
      }
      if (Date.now() - lastProgress >= 2_000) {
        lastProgress = Date.now();
        report(phase);
      }
      for (const app of apps) {
        if (hasExited(app)) throw new Error(`${app.name} exited during the load; see ${app.logFile}`);
      }
      await sleep(100);
    }
    await load.stop();
    const loadEnded = Date.now();
    report('stopped');

    // 3. The worker catches up.
    say(
      `3. waiting for the worker to catch up and every acknowledged event to be delivered (up to ${seconds(DRAIN_TIMEOUT_MS)})`,
    );
    const expected = [...load.acknowledged.keys()];
    const exportIds = exportsAsked.flatMap((asked) => (asked.id ? [asked.id] : []));
    const drain = await waitForWorker(
      db,
      async () =>
        receiver.missing(expected).length === 0 &&
        [...(await exportStatuses(db, exportIds)).values()].every((status) => status === 'done'),
      DRAIN_TIMEOUT_MS,
      (line) => say(`   ${line}`),
    );
    say(
      `   ${drain.caughtUp ? 'caught up' : 'NOT caught up'} ${seconds(Date.now() - loadEnded)} after the load`,
    );
    const keptAfter = await signCheckpointNow(ledger);
    const consistency = keptBefore
      ? await checkConsistent(ledger, key, keptBefore, keptAfter)
      : 'no checkpoint was kept before the outage';
    const facts = await journalFacts(db, load);
    const exportStatus = await exportStatuses(db, exportIds);
    const failed = await failedJobs(ledger);
    const audit = await runBuiltCli(['audit', '--database', databaseUrl, '--key', key.text], {}, args.cli);

    // The figures.
    const summary = new Summary();
    summary.expect(
      'the outage',
      `PostgreSQL stopped (${STOP_MODE}) ${seconds(stoppedAt - loadStarted)} into the load, back ${seconds(backAt - stoppedAt)} later`,
      stoppedAt > 0 && backAt > stoppedAt,
      'the outage did not happen',
    );
    for (const p of PHASES) {
      const figures = load.figures.get(p)!;
      const unanswered = [...figures.errors].reduce((sum, [, count]) => sum + count, 0);
      const fiveHundreds = [...figures.statuses]
        .filter(([s]) => s >= 500 && s !== 503)
        .reduce((s, [, c]) => s + c, 0);
      const refused = [...figures.statuses]
        .filter(([s]) => s < 200 || s > 299)
        .reduce((s, [, c]) => s + c, 0);
      summary.expect(
        `appends ${p === 'outage' ? 'DURING' : p.toUpperCase()} the outage`,
        `${n(figures.requests)} requests, ${n(figures.events)} events, ${n(figures.acknowledged)} acknowledged; ${describeStatuses(figures.statuses)}` +
          `${p === 'before' ? ` (${inFlightAtStop} in flight at the stop)` : ''}; ` +
          `${unanswered} unanswered${figures.errors.size > 0 ? ` (${[...figures.errors.keys()].join('; ')})` : ''}; ` +
          `${figures.unavailableWithoutRetryAfter} 503 without Retry-After; slowest acknowledgement ${figures.slowestMs} ms`,
        fiveHundreds === 0 &&
          unanswered === 0 &&
          figures.unavailableWithoutRetryAfter === 0 &&
          figures.requests > 0 &&
          // Before: every append succeeds but those still in flight when PostgreSQL stopped. (During:
          // one that waited for a connection until PostgreSQL was back may succeed.)
          (p !== 'before' || refused <= inFlightAtStop),
        `appends ${p} the outage: a 5xx other than 503, a 503 without Retry-After, or no answer`,
      );
    }
    const lastRefusedAfter = load.lastRefusedSentAt > backAt ? load.lastRefusedSentAt : undefined;
    summary.expect(
      `appends succeed again within ${seconds(RECOVERY_MS)} of the return`,
      lastRefusedAfter === undefined
        ? 'no append refused after the return'
        : `the last refused append was sent ${seconds(lastRefusedAfter - backAt)} after the return`,
      lastRefusedAfter === undefined || lastRefusedAfter - backAt <= RECOVERY_MS,
      'appends did not recover in time',
    );
    // The worker's side: projections, the job outbox and the job runner all stand between an append
    // and its delivery, so the first delivery after the return shows they all carry on.
    const arrivalsAfterReturn = [...receiver.firstArrival.values()].filter((at) => at >= backAt);
    const firstDelivery =
      arrivalsAfterReturn.length > 0 ? Math.min(...arrivalsAfterReturn) - backAt : undefined;
    summary.expect(
      `the worker delivers again within ${seconds(RECOVERY_MS)} of the return`,
      firstDelivery === undefined
        ? 'no delivery after the return'
        : `first webhook delivered ${seconds(firstDelivery)} after the return`,
      firstDelivery !== undefined && firstDelivery <= RECOVERY_MS,
      'the worker did not recover in time',
    );
    summary.expect(
      'reads during the outage (journal, stream, views, log, proofs, exports, jobs)',
      `${describeStatuses(probes.statuses)}; ${probes.withoutRetryAfter.length} 503 without Retry-After${probes.withoutRetryAfter.length ? ` (${probes.withoutRetryAfter.slice(0, 4).join(', ')})` : ''}; ` +
        `${probes.serverErrors.length} other 5xx${probes.serverErrors.length ? ` (${probes.serverErrors.slice(0, 4).join(', ')})` : ''}; ${probes.unanswered} unanswered`,
      probes.withoutRetryAfter.length === 0 && probes.serverErrors.length === 0 && probes.unanswered === 0,
      'a read during the outage answered 5xx other than 503, or 503 without Retry-After',
    );
    const readyDown = readyDuring.filter((line) => line.startsWith('503 journal down retry-after')).length;
    summary.expect(
      '/health/ready during the outage',
      `${readyDuring.length} asked: ${describeCounts(new Map(readyDuring.map((line) => [line, readyDuring.filter((l) => l === line).length])))}`,
      readyDuring.length > 0 && readyDown === readyDuring.length,
      '/health/ready did not say the database is down',
    );
    summary.expect(
      `/health/ready back within ${seconds(RECOVERY_MS)}`,
      readyBackAt === undefined ? 'never' : `${seconds(readyBackAt - backAt)} after the return`,
      readyBackAt !== undefined && readyBackAt - backAt <= RECOVERY_MS,
      'readiness did not recover in time',
    );
    summary.expect(
      'no restart of the service',
      apps
        .map((app) => `${app.name} pid ${app.child.pid} ${hasExited(app) ? 'EXITED' : 'running'}`)
        .join(', '),
      apps.every((app, i) => !hasExited(app) && app.child.pid === pids[i]),
      'a process exited',
    );
    summary.expect(
      'acknowledged events in the journal, once, where acknowledged',
      `${n(facts.found)} of ${n(expected.length)} found; ${facts.movedOrDuplicated} at another position or twice; ` +
        `${n(facts.refusedButRecorded)} of the ${n(facts.refused)} refused CloudEvents recorded all the same (their commit had gone through)`,
      facts.found === expected.length && facts.movedOrDuplicated === 0,
      'acknowledged events lost, moved or duplicated',
    );
    summary.expect(
      'the journal is gapless',
      `${n(facts.rows)} rows, positions 0…${n(facts.head)}, ${n(facts.distinctIds)} distinct event ids`,
      facts.rows === facts.head + 1 && facts.distinctIds === facts.rows,
      'the journal has a gap or a duplicate id',
    );
    summary.expect(
      'the worker caught up by itself',
      `${drain.describe}; ${drain.caughtUp ? `${seconds(drain.at - loadEnded)} after the load stopped` : 'NOT within the timeout'}`,
      drain.caughtUp,
      'the worker did not catch up',
    );
    summary.expect(
      'the dataset catalogue agrees with the journal',
      `${n(drain.catalogueRows)} rows, ${n(facts.registrations)} DatasetRegistered`,
      drain.catalogueRows === facts.registrations,
      'the catalogue disagrees with the journal',
    );
    const lost = receiver.missing(expected);
    const most = Math.max(0, ...expected.map((id) => receiver.counts.get(id) ?? 0));
    summary.expect(
      'every acknowledged event delivered (webhooks)',
      `${n(expected.length - lost.length)} of ${n(expected.length)}; most deliveries of one id ${most}; ${receiver.badSignatures} bad signatures`,
      lost.length === 0 && most <= WEBHOOK_ATTEMPTS && receiver.badSignatures === 0,
      'webhooks lost or delivered too often',
    );
    summary.expect(
      'long exports asked just before the stop and just after the return',
      exportsAsked
        .map((asked) => `${asked.phase}: ${asked.status} → ${exportStatus.get(asked.id ?? '') ?? 'no row'}`)
        .join('; '),
      exportsAsked.length === 2 &&
        exportsAsked.every((asked) => asked.status === 202 && exportStatus.get(asked.id ?? '') === 'done'),
      'an export was refused or did not complete',
    );
    summary.expect(
      'no job failed for good (GET /v1/admin/jobs)',
      [...failed].map(([queue, count]) => `${queue} ${count} failed`).join(', ') || 'no queue',
      [...failed.values()].every((count) => count === 0),
      'jobs used up their tries during the outage',
    );
    summary.expect(
      'checkpoint after the outage consistent with the one kept before',
      `${keptBefore ? `size ${n(keptBefore.checkpoint.size)}` : '-'} → size ${n(keptAfter.checkpoint.size)}: ${consistency ?? 'proof verified, both signed by the pinned key'}`,
      consistency === undefined && keptAfter.checkpoint.size === facts.head + 1,
      'the log after the outage does not extend the log before it',
    );
    summary.expect(
      'ledger audit --database --key',
      audit.output.split('\n').slice(-1)[0],
      audit.code === 0,
      'ledger audit failed',
    );
    for (const app of apps) {
      summary.row(`${app.name}: log lines at warn or above`, describeCounts(warningsIn(app.logFile)));
      summary.row(`${app.name}: log lines at error or above`, describeCounts(errorsIn(app.logFile)));
    }
    return summary.verdict();
  } finally {
    for (const app of apps.reverse()) {
      const code = await stopApp(app);
      say(`   ${app.name} stopped (${code})`);
    }
    await receiver.close();
    await db.end().catch(() => undefined);
    await redis.kill();
    if (args['keep-files']) {
      say(`kept the cluster in ${postgres.directory} (stopped) and logs in ${workDir}`);
      await postgres.stop();
    } else {
      await postgres.remove();
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
