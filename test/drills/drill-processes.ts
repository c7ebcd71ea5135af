import { ChildProcess, execFile, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/scratch-redis';

/**
 * What the drills share about running the built apps as child processes (each with its log file),
 * waiting for them, stopping them, and reading their logs afterwards; and how they print.
 */

export const BUILT_LEDGER = join(__dirname, '..', '..', 'dist', 'apps', 'ledger', 'main.js');
export const BUILT_WORKER = join(__dirname, '..', '..', 'dist', 'apps', 'projections', 'main.js');
export const BUILT_CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'main.js');

/**
 * Rate limits no drill load reaches (LEDGER_RATE_LIMIT_*): the limiter still runs on every request,
 * but a drill's thousands of requests a minute from one key are never refused with 429.
 */
export const GENEROUS_RATE_LIMITS = {
  LEDGER_RATE_LIMIT_PER_PRINCIPAL: '1000000000/1h',
  LEDGER_RATE_LIMIT_ANONYMOUS: '1000000000/1h',
  LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: '1000000000/1h',
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const n = (value: number) => value.toLocaleString('en');
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `say(line)` prints a line prefixed with the seconds since the drill started. */
export function sayer(started = Date.now()): (line: string) => void {
  return (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | string | null>;
  logFile: string;
}

/** Starts `script` with node, its output appended to `logFile`. */
export function startApp(
  name: string,
  script: string,
  env: Record<string, string>,
  logFile: string,
): AppProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { name, child, exited, logFile };
}

export function hasExited(app: AppProcess): boolean {
  return app.child.exitCode !== null || app.child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after 20 s; resolves with the exit code or signal. */
export async function stopApp(app: AppProcess): Promise<number | string | null> {
  if (hasExited(app)) return app.exited;
  app.child.kill('SIGTERM');
  const code = await Promise.race([app.exited, sleep(20_000).then(() => 'still running')]);
  if (code === 'still running') app.child.kill('SIGKILL');
  return app.exited;
}

/** Polls `ready` until it resolves true; throws when the app exits or after `timeoutMs`. */
export async function waitUntil(
  what: string,
  app: AppProcess,
  ready: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited(app)) throw new Error(`${app.name} exited while starting; see ${app.logFile}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${seconds(timeoutMs)}; see ${app.logFile}`);
    await sleep(200);
  }
}

/** Log lines at warn (40) or above, counted by message. */
export function warningsIn(logFile: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level: number; msg?: string };
      if (entry.level < 40) continue;
      const message = (entry.msg ?? '').replace(/j[0-9a-f]{40}/g, 'j…').slice(0, 90);
      counts.set(message, (counts.get(message) ?? 0) + 1);
    } catch {
      counts.set('(unparsable line)', (counts.get('(unparsable line)') ?? 0) + 1);
    }
  }
  return counts;
}

/** Log lines at error (50) or above, counted by message. */
export function errorsIn(logFile: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level: number; msg?: string };
      if (entry.level < 50) continue;
      const message = (entry.msg ?? '').slice(0, 120);
      counts.set(message, (counts.get(message) ?? 0) + 1);
    } catch {
      // not a log line
    }
  }
  return counts;
}

/** `3× message; 1× other` for the most frequent few. */
export function describeCounts(counts: Map<string, number>, limit = 6): string {
  const sorted = [...counts].sort(([, a], [, b]) => b - a);
  return sorted.length === 0
    ? 'none'
    : sorted
        .slice(0, limit)
        .map(([message, count]) => `${count}× ${message}`)
        .join('; ');
}

/** The summary table: `check(ok, what)` records a failure and answers the result column. */
export class Summary {
  readonly failures: string[] = [];
  private headed = false;
  private readonly held: string[] = [];

  /** `deferred`: rows are held and printed together by `verdict()`, after the drill's progress lines. */
  constructor(private readonly options: { deferred?: boolean } = {}) {}

  check(ok: boolean, what: string): string {
    if (!ok) this.failures.push(what);
    return ok ? 'ok' : 'FAILED';
  }

  row(name: string, figure: string, result = ''): void {
    const line = `| ${name} | ${figure} | ${result} |`;
    if (this.options.deferred) this.held.push(line);
    else this.print(line);
  }

  private print(line: string): void {
    // The heading comes with the first row.
    if (!this.headed) {
      this.headed = true;
      console.log('\nSummary');
      console.log('| check | figure | result |');
      console.log('|---|---|---|');
    }
    console.log(line);
  }

  /** A row with a check. */
  expect(name: string, figure: string, ok: boolean, failure: string): void {
    this.row(name, figure, this.check(ok, failure));
  }

  /** Prints the verdict; 0 when every check held, 1 otherwise. */
  verdict(): number {
    for (const line of this.held.splice(0)) this.print(line);
    console.log(
      this.failures.length === 0 ? '\nDrill passed.' : `\nDrill FAILED:\n- ${this.failures.join('\n- ')}`,
    );
    return this.failures.length === 0 ? 0 : 1;
  }
}

export interface LedgerProcesses {
  /** http://127.0.0.1:<port> and the bootstrap admin token. */
  url: string;
  adminToken: string;
  apps: AppProcess[];
}

/**
 * Starts the built ledger on `env` (DATABASE_URL, LEDGER_DATA_DIR, keys…): with `worker`, the API
 * (LEDGER_PROCESS=api) and the projection worker as two processes, as in production; without, one
 * process (embedded mode: API and worker together; or the API alone with LEDGER_PROCESS=api in `env`). Waits until the API answers and the worker has
 * started; logs go to `<logDir>/<name>-api.log` and `-worker.log`.
 */
export async function startLedgerProcesses(options: {
  name: string;
  env: Record<string, string>;
  logDir: string;
  adminToken: string;
  worker: boolean;
  ledgerScript?: string;
  workerScript?: string;
  /** Register the processes here as they start (so an exit handler can kill them). */
  started?: AppProcess[];
}): Promise<LedgerProcesses> {
  const { name, env, logDir, adminToken } = options;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const apps: AppProcess[] = [];
  const api = startApp(
    `${name} API`,
    options.ledgerScript ?? BUILT_LEDGER,
    {
      ...GENEROUS_RATE_LIMITS,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      LEDGER_BOOTSTRAP_TOKEN: adminToken,
      ...env,
      ...(options.worker && { LEDGER_PROCESS: 'api' }),
      PORT: String(port),
    },
    join(logDir, `${name}-api.log`),
  );
  apps.push(api);
  options.started?.push(api);
  await waitUntil(`${name}: the API did not answer`, api, async () => (await fetch(`${url}/health/live`)).ok);
  if (options.worker) {
    const worker = await startWorkerProcess(name, env, logDir, options.workerScript, options.started);
    apps.push(worker);
  }
  return { url, adminToken, apps };
}

/** Starts the built projection worker on `env` and waits until it has started. */
export async function startWorkerProcess(
  name: string,
  env: Record<string, string>,
  logDir: string,
  workerScript = BUILT_WORKER,
  started?: AppProcess[],
): Promise<AppProcess> {
  const worker = startApp(
    `${name} worker`,
    workerScript,
    { ...GENEROUS_RATE_LIMITS, LOG_LEVEL: 'info', ...env },
    join(logDir, `${name}-worker.log`),
  );
  started?.push(worker);
  await waitUntil(`${name}: the worker did not start`, worker, async () =>
    readFileSync(worker.logFile, 'utf8').includes('projection worker started'),
  );
  return worker;
}

/**
 * Starts the built API on `env` expecting it to refuse to start: resolves with its exit code and the
 * last lines it printed (or 'still running' after `timeoutMs`, when it is stopped).
 */
export async function expectRefusedStart(
  name: string,
  env: Record<string, string>,
  logDir: string,
  timeoutMs = 60_000,
): Promise<{ code: number | string | null; output: string }> {
  const port = await freePort();
  const app = startApp(
    name,
    BUILT_LEDGER,
    { ...GENEROUS_RATE_LIMITS, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env, PORT: String(port) },
    join(logDir, `${name.replace(/\W+/g, '-')}.log`),
  );
  const code = await Promise.race([app.exited, sleep(timeoutMs).then(() => 'still running' as const)]);
  if (code === 'still running') await stopApp(app);
  // What it printed on its way out: plain lines, and log lines at error or above.
  const lines = readFileSync(app.logFile, 'utf8').trim().split('\n');
  const said = lines.flatMap((line) => {
    if (!line.startsWith('{')) return [line];
    try {
      const entry = JSON.parse(line) as { level: number; msg?: string };
      return entry.level >= 50 ? [entry.msg ?? ''] : [];
    } catch {
      return [];
    }
  });
  return { code, output: said.join(' ').slice(0, 600) };
}

/** Runs the built `ledger` command (dist/apps/cli) as an operator would: its exit code and output. */
export function runBuiltCli(
  args: string[],
  env: Record<string, string> = {},
  cli = BUILT_CLI,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { timeout: 600_000, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 2) : 0,
          output: `${stdout}${stderr}`.trim(),
        }),
    );
  });
}
