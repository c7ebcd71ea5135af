import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { openJournal, SqlQueryable } from '@ledger/store';
import { freePort, ScratchRedis } from '../support/scratch-redis';
import { createScratchDatabase } from '../support/test-backend';
import {
  AppendClients,
  AppendRequest,
  checkAgainstJournal,
  describeOutcomes,
  isAcknowledged,
  journalCounts,
  queryableOf,
} from './append-clients';
import { LedgerEndpoint } from './append-load';
import { check, DrillRows, exitWithin, stopWithin, warningsSince } from './drill-rows';
import {
  AppProcess,
  BUILT_LEDGER,
  BUILT_WORKER,
  describeCounts,
  hasExited,
  n,
  seconds,
  sleep,
  startApp,
  waitUntil,
} from './drill-processes';

/**
 * The graceful-shutdown drill's core (test/drills/graceful-shutdown.drill.ts runs it with its
 * defaults; graceful-shutdown.services-spec.ts with small numbers): for each way the ledger is
 * deployed, `clients` publishers append while the ledger is sent SIGTERM. What the ledger promises
 * (apps/ledger/src/http/stop-taking-requests.ts, libs/runtime/src/lifecycle/stop-on-signals.ts):
 *
 * - it stops taking requests at once: every request from the SIGTERM on is answered 503 ShuttingDown
 *   (Retry-After, Connection: close), on an open connection or a new one, until none has come for
 *   250 ms (2 s at most); then the listener closes and new connections are refused;
 * - what it was already doing it finishes and answers: appends acknowledged, a projection batch
 *   applied, running jobs ended; live tails are ended;
 * - it exits 0 within `limitMs` (10 s; it gives up itself after 9 s, with 1), logging nothing at
 *   warn or above while it stops;
 * - nothing acknowledged is lost, nothing written goes unanswered, no answer but 2xx or 503 and none
 *   left hanging; it starts again on the same data (the embedded directory's lock released).
 *
 * A connection may still be reset at the instant the listener and the idle connections close (a
 * request racing the close): the drill reports those and checks that none of them was written.
 */

export type DeploymentMode = 'all-in-one' | 'api+worker' | 'embedded';
export const DEPLOYMENT_MODES: readonly DeploymentMode[] = ['all-in-one', 'api+worker', 'embedded'];

export interface GracefulShutdownOptions {
  modes: readonly DeploymentMode[];
  clients: number;
  /** How long the clients append before the SIGTERM. */
  loadMs: number;
  /** The ledger must have exited within this long after the SIGTERM. */
  limitMs: number;
  databaseUrl: string;
  ledgerScript?: string;
  workerScript?: string;
  keep?: boolean;
  say: (line: string) => void;
}

/** How a request that got no 2xx may end while the ledger stops: refused, never dropped half-way. */
const REFUSALS = new Set(['ECONNREFUSED']);

interface Deployment {
  mode: DeploymentMode;
  env: Record<string, string>;
  workDir: string;
  /** Opens the journal's database for the checks (only once the ledger has stopped, for PGlite). */
  openDatabase(): Promise<{ db: SqlQueryable; close(): Promise<void> }>;
  dispose(): Promise<void>;
}

export async function runGracefulShutdownDrill(options: GracefulShutdownOptions): Promise<DrillRows> {
  const { say } = options;
  const summary = new DrillRows();
  const needsServices = options.modes.some((mode) => mode !== 'embedded');
  const redis = needsServices ? await ScratchRedis.start() : undefined;
  const running: AppProcess[] = [];
  const killAll = () => running.forEach((app) => app.child.kill('SIGKILL'));
  process.once('exit', killAll);
  try {
    for (const mode of options.modes) {
      const deployment = await deploy(mode, options, redis);
      say(
        `${mode}: ${options.clients} clients for ${seconds(options.loadMs)}, then SIGTERM; files in ${deployment.workDir}`,
      );
      try {
        await drillOne(deployment, options, summary, running);
      } finally {
        for (const app of running.splice(0)) await stopWithin(app);
        if (options.keep) say(`   kept ${deployment.workDir}`);
        else await deployment.dispose();
      }
    }
  } finally {
    killAll();
    process.removeListener('exit', killAll);
    await redis?.kill();
  }
  return summary;
}

async function deploy(
  mode: DeploymentMode,
  options: GracefulShutdownOptions,
  redis?: ScratchRedis,
): Promise<Deployment> {
  const workDir = mkdtempSync(join(tmpdir(), `ledger-shutdown-drill-${mode.replace('+', '-')}-`));
  const common = {
    LEDGER_BOOTSTRAP_TOKEN: `drill-admin-${randomBytes(16).toString('hex')}`,
    LEDGER_MASTER_KEY: randomBytes(32).toString('hex'),
    LEDGER_DATA_DIR: workDir,
    LEDGER_MIGRATION_DATABASE_URL: '',
    // A publishing gateway sends far more than the default per-principal limit (1,200 a minute).
    LEDGER_RATE_LIMIT_PER_PRINCIPAL: 'off',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
  };
  if (mode === 'embedded') {
    return {
      mode,
      workDir,
      env: { ...common, DATABASE_URL: '', REDIS_URL: '', LEDGER_PROCESS: 'all' },
      openDatabase: async () => {
        const journal = await openJournal({ dataDir: workDir });
        return { db: journal.database, close: () => journal.close() };
      },
      dispose: async () => rmSync(workDir, { recursive: true, force: true }),
    };
  }
  const scratch = await createScratchDatabase(options.databaseUrl, 'ledger_drill_shutdown');
  return {
    mode,
    workDir,
    env: {
      ...common,
      DATABASE_URL: scratch.url,
      REDIS_URL: (redis as ScratchRedis).url,
      LEDGER_PROCESS: mode === 'api+worker' ? 'api' : 'all',
    },
    openDatabase: async () => {
      const pool = new Pool({ connectionString: scratch.url, max: 2 });
      return { db: queryableOf(pool), close: () => pool.end() };
    },
    dispose: async () => {
      await scratch.drop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Starts the deployment's processes (the API first; the worker once the API answers) and waits until they serve. */
async function startDeployment(
  deployment: Deployment,
  options: GracefulShutdownOptions,
  running: AppProcess[],
  round: string,
): Promise<{ apps: AppProcess[]; ledger: LedgerEndpoint }> {
  const port = await freePort();
  const ledger: LedgerEndpoint = {
    url: `http://127.0.0.1:${port}`,
    adminToken: deployment.env.LEDGER_BOOTSTRAP_TOKEN,
  };
  const api = startApp(
    deployment.mode === 'api+worker' ? 'the API' : 'the ledger',
    options.ledgerScript ?? BUILT_LEDGER,
    { ...deployment.env, PORT: String(port) },
    join(deployment.workDir, `ledger-${round}.log`),
  );
  running.push(api);
  await waitUntil(
    `${api.name} did not answer`,
    api,
    async () => (await fetch(`${ledger.url}/health/live`)).ok,
  );
  const apps = [api];
  if (deployment.mode === 'api+worker') {
    const worker = startApp(
      'the worker',
      options.workerScript ?? BUILT_WORKER,
      deployment.env,
      join(deployment.workDir, `worker-${round}.log`),
    );
    running.push(worker);
    await waitUntil('the worker did not start', worker, async () =>
      readFileSync(worker.logFile, 'utf8').includes('projection worker started'),
    );
    apps.push(worker);
  }
  return { apps, ledger };
}

/** A live tail (GET /v1/events as text/event-stream) held open through the shutdown; resolves when the server ends it. */
function openTail(ledger: LedgerEndpoint): { ended: Promise<{ at: number; how: string }>; abort(): void } {
  const abort = new AbortController();
  const ended = (async () => {
    try {
      const response = await fetch(`${ledger.url}/v1/events`, {
        headers: { authorization: `Bearer ${ledger.adminToken}`, accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (!response.ok || !response.body) return { at: Date.now(), how: `answered ${response.status}` };
      for await (const chunk of response.body) void chunk;
      return { at: Date.now(), how: 'ended by the server' };
    } catch (error) {
      return {
        at: Date.now(),
        how: abort.signal.aborted ? 'aborted by the drill' : `failed: ${(error as Error).message}`,
      };
    }
  })();
  return { ended, abort: () => abort.abort() };
}

async function drillOne(
  deployment: Deployment,
  options: GracefulShutdownOptions,
  summary: DrillRows,
  running: AppProcess[],
): Promise<void> {
  const { say, mode } = { say: options.say, mode: deployment.mode };
  const { apps, ledger } = await startDeployment(deployment, options, running, 'first');
  say(`   ${apps.map((app) => `${app.name} (pid ${app.child.pid})`).join(' and ')} serving on ${ledger.url}`);

  const clients = await AppendClients.prepare(ledger);
  const tail = openTail(ledger);
  clients.start(options.clients);
  await sleep(options.loadMs);
  const beforeSigterm = clients.acknowledgedEvents();
  const inFlightAtSigterm = clients.inFlight;

  const sigtermAt = Date.now();
  for (const app of apps) app.child.kill('SIGTERM');
  say(
    `   SIGTERM to ${apps.map((app) => app.name).join(' and ')} with ${n(beforeSigterm)} events acknowledged and ${inFlightAtSigterm} requests in flight; the clients go on`,
  );
  const exits = await Promise.all(
    apps.map(async (app) => {
      const code = await exitWithin(app, options.limitMs + 20_000);
      const at = Date.now();
      if (code === 'still running') app.child.kill('SIGKILL');
      return { app, code, ms: at - sigtermAt };
    }),
  );
  // The clients keep knocking for a moment after the exit: those requests must be refused.
  await sleep(500);
  await clients.stop();
  tail.abort();
  const tailEnd = await tail.ended;
  running.splice(0);

  for (const { app, code, ms } of exits) {
    say(`   ${app.name} exited ${code} ${seconds(ms)} after the SIGTERM`);
    summary.row(
      `${mode}: ${app.name} exits 0 within ${seconds(options.limitMs)} of SIGTERM`,
      `exit ${code} after ${seconds(ms)}`,
      check(code === 0 && ms <= options.limitMs, `${mode}: ${app.name} exited ${code} after ${seconds(ms)}`),
    );
  }

  // The requests, by when they were sent and how they ended.
  const before = clients.requests.filter((request) => request.sentAt < sigtermAt);
  const after = clients.requests.filter((request) => request.sentAt >= sigtermAt);
  const { db, close } = await deployment.openDatabase();
  let counts: Map<string, number>;
  try {
    counts = await journalCounts(
      db,
      clients.requests.flatMap((request) => request.ids),
    );
  } finally {
    await close();
  }
  const written = (request: AppendRequest) => request.ids.some((id) => counts.has(id));
  const acknowledgedAfter = after.filter(isAcknowledged);
  // Answered otherwise than 2xx or 503 (a 500, say), or never answered at all (a request left hanging).
  const unexpected = clients.requests.filter(
    (request) =>
      (request.status !== undefined && !isAcknowledged(request) && request.status !== 503) ||
      request.error === 'timeout',
  );
  // The connection reset under the request: harmless only if nothing of it was written (it was never
  // read; the client resends it with the same ids) — a written one is caught as "written, unanswered".
  const resets = clients.requests.filter(
    (request) => request.error !== undefined && request.error !== 'timeout' && !REFUSALS.has(request.error),
  );
  const relative = (requests: AppendRequest[]) =>
    requests
      .slice(0, 3)
      .map(
        (r) =>
          `sent ${seconds(r.sentAt - sigtermAt)}, reset ${seconds((r.answeredAt ?? 0) - sigtermAt)} from the SIGTERM`,
      )
      .join('; ');
  // A request that got no 2xx but whose events were written: an append finished and not answered.
  const writtenUnanswered = clients.requests.filter(
    (request) => !isAcknowledged(request) && written(request),
  );
  summary.row(
    `${mode}: requests sent before the SIGTERM`,
    `${n(before.length)}: ${describeOutcomes(before)}`,
  );
  summary.row(
    `${mode}: requests sent after it (refused or 503)`,
    `${n(after.length)}: ${describeOutcomes(after)}; ${acknowledgedAfter.length} still acknowledged while in-flight work finished`,
    check(
      after.length > 0,
      `${mode}: no request was sent while the ledger stopped (the drill did not test refusal)`,
    ),
  );
  summary.row(
    `${mode}: no answer but 2xx or 503, none left hanging`,
    unexpected.length === 0 ? 'none' : `${unexpected.length}: ${describeOutcomes(unexpected)}`,
    check(
      unexpected.length === 0,
      `${mode}: ${unexpected.length} requests answered otherwise or left hanging (${describeOutcomes(unexpected)})`,
    ),
  );
  summary.row(
    `${mode}: connections reset under a request (never read: none written)`,
    resets.length === 0
      ? 'none'
      : `${resets.length}, ${resets.filter(written).length} written (${relative(resets)})`,
  );
  summary.row(
    `${mode}: nothing written went unanswered`,
    `${writtenUnanswered.length} requests written without a 2xx`,
    check(
      writtenUnanswered.length === 0,
      `${mode}: ${writtenUnanswered.length} appends written but not acknowledged`,
    ),
  );
  summary.row(
    `${mode}: a live tail is ended by the server`,
    `${tailEnd.how} ${seconds(tailEnd.at - sigtermAt)} after the SIGTERM`,
    check(tailEnd.how === 'ended by the server', `${mode}: the live tail was ${tailEnd.how}`),
  );
  for (const app of apps) {
    const warnings = warningsSince(app.logFile, sigtermAt);
    summary.row(
      `${mode}: ${app.name} logs nothing at warn or above while stopping`,
      describeCounts(warnings),
      check(warnings.size === 0, `${mode}: ${app.name} logged while stopping: ${describeCounts(warnings)}`),
    );
  }
  if (mode === 'embedded') {
    const lock = join(deployment.workDir, 'ledger.lock');
    summary.row(
      `${mode}: the data directory's lock released`,
      existsSync(lock) ? `${lock} still there` : 'gone',
      check(!existsSync(lock), `${mode}: the lock file outlived the ledger`),
    );
  }

  // Again on the same data: it starts, everything acknowledged is there, and an idle SIGTERM is quick too.
  const restarted = await startDeployment(deployment, options, running, 'again');
  const idleSigtermAt = Date.now();
  const idleExits = await Promise.all(restarted.apps.map((app) => stopWithin(app)));
  const idleMs = Date.now() - idleSigtermAt;
  running.splice(0);
  say(
    `   restarted on the same data and stopped again: exit ${idleExits.join(', ')} after ${seconds(idleMs)}`,
  );
  summary.row(
    `${mode}: restarts on the same data, stops idle with exit 0`,
    `exit ${idleExits.join(', ')} after ${seconds(idleMs)}`,
    check(
      idleExits.every((code) => code === 0) && idleMs <= options.limitMs,
      `${mode}: the restarted ledger stopped with ${idleExits.join(', ')} after ${seconds(idleMs)}`,
    ),
  );
  const database = await deployment.openDatabase();
  try {
    const findings = await checkAgainstJournal(database.db, clients.requests);
    summary.row(
      `${mode}: acknowledged events in the journal, once each`,
      `${n(findings.acknowledgedEvents - findings.lost.length)} of ${n(findings.acknowledgedEvents)}; ${findings.duplicated.length} twice; ${findings.halfWritten.length} of ${n(findings.batches)} batches half-written`,
      check(
        findings.lost.length === 0 && findings.duplicated.length === 0 && findings.halfWritten.length === 0,
        `${mode}: ${findings.lost.length} acknowledged events lost, ${findings.duplicated.length} duplicated, ${findings.halfWritten.length} batches half-written`,
      ),
    );
  } finally {
    await database.close();
  }
  for (const { app } of exits) if (!hasExited(app)) app.child.kill('SIGKILL');
}
