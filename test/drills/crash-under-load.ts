import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import { parseCheckpoint, parseVerifierKey, VerifierKey } from '../../apps/cli/src/verify/signed-note';
import { freePort, ScratchRedis } from '../support/scratch-redis';
import { createScratchDatabase } from '../support/test-backend';
import {
  AppendClients,
  AppendRequest,
  checkAgainstJournal,
  createPublisher,
  describeOutcomes,
  isAcknowledged,
  journalCounts,
  queryableOf,
} from './append-clients';
import { call, LedgerEndpoint } from './append-load';
import {
  AppProcess,
  BUILT_CLI,
  BUILT_LEDGER,
  describeCounts,
  hasExited,
  n,
  seconds,
  sleep,
  startApp,
  waitUntil,
  warningsIn,
} from './drill-processes';
import { check, DrillRows, stopWithin } from './drill-rows';
import { checkConsistent, KeptCheckpoint, latestCheckpoint } from './log-checks';

/**
 * The crash drill's core (crash-under-load.drill.ts runs it with its defaults, the CI spec with small
 * numbers): the built ledger on a scratch PostgreSQL database (and a redis-server of its own), `clients`
 * publishers appending single CloudEvents and batches as fast as it answers, and `cycles` times: the
 * ledger SIGKILLed under that load, started again. After each restart:
 *
 * - every acknowledged event (a 2xx received) is in the journal exactly once;
 * - every batch is all there or not at all, acknowledged or not;
 * - every request that got no answer, resent as is (same ids), is acknowledged — 200 when it had been
 *   written before the kill, 201 when not — and then in the journal once;
 * - the first checkpoint signed after the restart extends the last one signed before the kill (both
 *   signed by the pinned key, the consistency proof verified with apps/cli's independent verifier),
 *   and the checkpoint fetched just before the kill is still the one kept at its size;
 * and at the end `ledger audit` (the built CLI) finds the journal, the log and every checkpoint in agreement.
 */

export interface CrashUnderLoadOptions {
  cycles: number;
  clients: number;
  /** How long the clients append before each kill (each cycle picks between half of it and all of it). */
  loadMs: number;
  /** `all`: the ledger with its projection worker in one process; `api`: LEDGER_PROCESS=api alone. */
  processRole: 'all' | 'api';
  databaseUrl: string;
  checkpointIntervalMs?: number;
  keep?: boolean;
  say: (line: string) => void;
}

interface CheckpointView {
  treeSize: number;
  signedAt: string;
  checkpoint: string;
}

/** Every checkpoint kept from `fromSize` on, oldest first. */
async function checkpointsFrom(ledger: LedgerEndpoint, fromSize: number): Promise<CheckpointView[]> {
  const all: CheckpointView[] = [];
  let next: number | undefined = fromSize;
  while (next !== undefined) {
    const answer: { status: number; body: { checkpoints: CheckpointView[]; next?: number } } = await call(
      ledger,
      'GET',
      `/v1/log/checkpoints?fromSize=${next}&limit=100`,
    );
    if (answer.status !== 200) throw new Error(`GET /v1/log/checkpoints: ${answer.status}`);
    all.push(...answer.body.checkpoints);
    next = answer.body.next;
  }
  return all;
}

const kept = (view: CheckpointView): KeptCheckpoint => ({
  note: view.checkpoint,
  checkpoint: parseCheckpoint(view.checkpoint),
});

export async function runCrashUnderLoadDrill(options: CrashUnderLoadOptions): Promise<DrillRows> {
  const { say } = options;
  const rows = new DrillRows();
  const redis = await ScratchRedis.start();
  const scratch = await createScratchDatabase(options.databaseUrl, 'ledger_drill_crash');
  const workDir = mkdtempSync(join(tmpdir(), 'ledger-crash-drill-'));
  const pool = new Pool({ connectionString: scratch.url, max: 2 });
  const db = queryableOf(pool);
  const port = await freePort();
  const ledger: LedgerEndpoint = {
    url: `http://127.0.0.1:${port}`,
    adminToken: `drill-admin-${randomBytes(16).toString('hex')}`,
  };
  const env = {
    DATABASE_URL: scratch.url,
    REDIS_URL: redis.url,
    LEDGER_MIGRATION_DATABASE_URL: '',
    LEDGER_PROCESS: options.processRole,
    LEDGER_BOOTSTRAP_TOKEN: ledger.adminToken,
    LEDGER_MASTER_KEY: randomBytes(32).toString('hex'),
    LEDGER_DATA_DIR: workDir,
    LEDGER_CHECKPOINT_INTERVAL_MS: String(options.checkpointIntervalMs ?? 1_000),
    // A publishing gateway sends far more than the default per-principal limit (1,200 a minute).
    LEDGER_RATE_LIMIT_PER_PRINCIPAL: 'off',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  let app: AppProcess | undefined;
  const killNow = () => app?.child.kill('SIGKILL');
  process.once('exit', killNow);
  const start = async (round: number): Promise<{ app: AppProcess; spawnedAt: number; readyAt: number }> => {
    const spawnedAt = Date.now();
    const started = startApp('the ledger', BUILT_LEDGER, env, join(workDir, `ledger-${round}.log`));
    app = started;
    await waitUntil(
      'the ledger did not answer',
      started,
      async () => (await fetch(`${ledger.url}/health/live`)).ok,
    );
    return { app: started, spawnedAt, readyAt: Date.now() };
  };

  say(
    `crash-under-load drill: ${options.clients} clients, ${options.cycles} SIGKILLs of the ${options.processRole === 'all' ? 'ledger (API and worker in one process)' : 'API (LEDGER_PROCESS=api)'}; ` +
      `scratch database ${scratch.name}, redis-server ${redis.url}, logs in ${workDir}`,
  );
  try {
    let current = await start(0);
    const keyAnswer = await call<{ verifierKey: string }>(ledger, 'GET', '/v1/log/key');
    const verifierKey = keyAnswer.body.verifierKey;
    const key: VerifierKey = parseVerifierKey(verifierKey);
    const publisherToken = await createPublisher(ledger);
    say(`   ledger (pid ${current.app.child.pid}) on ${ledger.url}; verifier key pinned: ${key.name}`);
    const all: AppendRequest[] = [];
    const resent: { original: AppendRequest; again: AppendRequest; wasWritten: boolean }[] = [];
    let killed = 0;

    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const clients = new AppendClients(ledger, publisherToken);
      clients.start(options.clients);
      const loadMs = Math.round(options.loadMs * (0.5 + Math.random() * 0.5));
      await sleep(loadMs);
      const before = await latestCheckpoint(ledger);
      const inFlight = clients.inFlight;
      const acknowledgedBefore = clients.acknowledgedEvents();
      const killAt = Date.now();
      current.app.child.kill('SIGKILL');
      const exit = await current.app.exited;
      killed += exit === 'SIGKILL' ? 1 : 0;
      await clients.stop();
      all.push(...clients.requests);
      say(
        `${cycle}. SIGKILL after ${seconds(loadMs)} of load: ${n(acknowledgedBefore)} events acknowledged this cycle, ${inFlight} requests in flight, ` +
          `checkpoint ${before.checkpoint.size} fetched just before; requests: ${describeOutcomes(clients.requests)}`,
      );

      current = await start(cycle);
      say(
        `   started again (pid ${current.app.child.pid}) in ${seconds(current.readyAt - current.spawnedAt)}`,
      );

      // The journal after the crash: acknowledged ⇒ there once; batches all or nothing.
      const findings = await checkAgainstJournal(db, all);
      const ofThisCycle = await checkAgainstJournal(db, clients.requests);
      rows.row(
        `cycle ${cycle}: acknowledged events in the journal, once each`,
        `${n(findings.acknowledgedEvents - findings.lost.length)} of ${n(findings.acknowledgedEvents)} (all cycles so far); ${findings.duplicated.length} more than once`,
        check(
          findings.lost.length === 0 && findings.duplicated.length === 0,
          `cycle ${cycle}: ${findings.lost.length} acknowledged events lost, ${findings.duplicated.length} duplicated`,
        ),
      );
      rows.row(
        `cycle ${cycle}: batches all or nothing`,
        `${findings.halfWritten.length} of ${n(findings.batches)} half-written; requests of this cycle without an answer: ${ofThisCycle.unacknowledgedWritten} written before the kill, ${ofThisCycle.unacknowledgedAbsent} not`,
        check(
          findings.halfWritten.length === 0,
          `cycle ${cycle}: ${findings.halfWritten.length} batches half-written`,
        ),
      );

      // The log: the checkpoint fetched before the kill is still kept as it was; the first one signed
      // after the restart extends the last one signed before the kill.
      const views = await checkpointsFrom(ledger, before.checkpoint.size);
      const lastBefore = views.filter((view) => Date.parse(view.signedAt) < killAt).pop();
      // The log grown since the last checkpoint: one is signed at start-up; not grown: the last one stands.
      const firstAfter =
        views.find((view) => Date.parse(view.signedAt) >= current.spawnedAt) ??
        (views.at(-1)?.treeSize === (await journalHead(db)) + 1 ? views.at(-1) : undefined);
      const stillKept =
        views.find((view) => view.treeSize === before.checkpoint.size)?.checkpoint === before.note;
      let consistency: string | undefined;
      if (!lastBefore || !firstAfter) {
        consistency = `no checkpoint ${!lastBefore ? 'before the kill' : 'after the restart'} in GET /v1/log/checkpoints`;
      } else {
        consistency =
          (await checkConsistent(ledger, key, before, kept(lastBefore))) ??
          (await checkConsistent(ledger, key, kept(lastBefore), kept(firstAfter)));
      }
      rows.row(
        `cycle ${cycle}: first checkpoint after the restart extends the last before the kill`,
        lastBefore && firstAfter
          ? `${n(lastBefore.treeSize)} (signed ${seconds(killAt - Date.parse(lastBefore.signedAt))} before the kill) → ${n(firstAfter.treeSize)} (${Date.parse(firstAfter.signedAt) >= current.spawnedAt ? 'signed at start-up' : 'the same: nothing was appended after it'}): ${consistency ?? 'signed by the pinned key, consistency proof verified'}; ` +
              `fetched before the kill: ${before.checkpoint.size}, ${stillKept ? 'kept unchanged' : 'NOT kept as it was'}`
          : (consistency as string),
        check(
          consistency === undefined && stillKept,
          `cycle ${cycle}: ${consistency ?? `checkpoint ${before.checkpoint.size} changed after the crash`}`,
        ),
      );

      // What a publisher does with a request that got no answer: send it again, same ids.
      const unanswered = clients.requests.filter((request) => !isAcknowledged(request));
      const counts = await journalCounts(
        db,
        unanswered.flatMap((request) => request.ids),
      );
      for (const original of unanswered) {
        const wasWritten = original.ids.every((id) => counts.has(id));
        resent.push({ original, again: await clients.resend(original), wasWritten });
      }
      const thisCycle = resent.filter((r) => unanswered.includes(r.original));
      const wrong = thisCycle.filter(({ again, wasWritten }) => again.status !== (wasWritten ? 200 : 201));
      rows.row(
        `cycle ${cycle}: unanswered requests resent (same ids)`,
        `${thisCycle.length} resent: ${describeOutcomes(thisCycle.map((r) => r.again))} ` +
          `(${thisCycle.filter((r) => r.wasWritten).length} had been written: 200 expected, the rest 201)`,
        check(
          wrong.length === 0,
          `cycle ${cycle}: ${wrong.length} resent requests not answered as expected (${describeOutcomes(wrong.map((r) => r.again))})`,
        ),
      );
      const afterResend = await checkAgainstJournal(db, all);
      const everyId = all.flatMap((request) => request.ids);
      const present = await journalCounts(db, everyId);
      const missing = everyId.filter((id) => !present.has(id)).length;
      rows.row(
        `cycle ${cycle}: after the resends every event sent is in the journal once`,
        `${n(everyId.length - missing)} of ${n(everyId.length)}; ${afterResend.duplicated.length} more than once; ${afterResend.halfWritten.length} batches half-written`,
        check(
          missing === 0 && afterResend.duplicated.length === 0 && afterResend.halfWritten.length === 0,
          `cycle ${cycle}: after the resends ${missing} events missing, ${afterResend.duplicated.length} duplicated`,
        ),
      );
    }

    // The end: a clean stop, then the audit of everything the crashes left.
    const code = await stopWithin(current.app);
    say(`   load over; the ledger stopped (${code}); running ledger audit`);
    const fiveHundreds = all.filter((request) => request.status !== undefined && request.status >= 500);
    rows.row(
      'SIGKILLs under load',
      `${killed} of ${options.cycles}; ${n(all.length)} requests: ${describeOutcomes(all)}`,
      check(killed === options.cycles, 'a kill did not happen'),
    );
    rows.row(
      'no 5xx answers',
      `${fiveHundreds.length}`,
      check(
        fiveHundreds.length === 0,
        `${fiveHundreds.length} requests answered 5xx (${describeOutcomes(fiveHundreds)})`,
      ),
    );
    const audit = await runAudit(scratch.url, verifierKey);
    rows.row(
      'ledger audit --database … --key …',
      `exit ${audit.code}: ${audit.output.trim().split('\n').slice(-3).join(' / ')}`,
      check(audit.code === 0, `ledger audit exited ${audit.code}: ${audit.output.trim().slice(0, 300)}`),
    );
    const [head] = await db.query<{ head: string; checkpoints: string }>(
      `SELECT (SELECT coalesce(max(global_position), -1) FROM ledger.events)::text AS head,
              (SELECT count(*) FROM ledger.log_checkpoints)::text AS checkpoints`,
    );
    rows.row(
      'the journal at the end',
      `${n(Number(head.head) + 1)} entries, ${n(Number(head.checkpoints))} checkpoints kept`,
    );
    const logs = [...Array(options.cycles + 1).keys()].map((round) => join(workDir, `ledger-${round}.log`));
    const warnings = new Map<string, number>();
    for (const file of logs)
      for (const [message, count] of warningsIn(file))
        warnings.set(message, (warnings.get(message) ?? 0) + count);
    rows.row('log lines at warn or above (all runs)', describeCounts(warnings));
    return rows;
  } finally {
    if (app && !hasExited(app)) app.child.kill('SIGKILL');
    process.removeListener('exit', killNow);
    await pool.end();
    await redis.kill();
    if (options.keep) say(`kept database ${scratch.url}; logs in ${workDir}`);
    else {
      await scratch.drop();
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

async function journalHead(db: { query<T>(sql: string): Promise<T[]> }): Promise<number> {
  const [row] = await db.query<{ head: string }>(
    `SELECT coalesce(max(global_position), -1)::text AS head FROM ledger.events`,
  );
  return Number(row.head);
}

/** `ledger audit` as an operator runs it: the built CLI against the database, the pinned key. */
async function runAudit(databaseUrl: string, verifierKey: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [BUILT_CLI, 'audit', '--database', databaseUrl, '--key', verifierKey],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : 2,
      output: `${failure.stdout ?? ''}${failure.stderr ?? failure.message}`,
    };
  }
}
