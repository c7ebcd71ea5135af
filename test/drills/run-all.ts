/**
 * Runs every drill of test/drills (each `*.drill.ts`), one after the other, and prints a table of
 * what passed: `npm run drills` (after `npm run build`, which the npm script does first).
 *
 *   npm run drills -- [--short] [--only soak,redis-outage] [--skip soak] [--timeout-minutes 60]
 *   (or npx ts-node --swc -r tsconfig-paths/register test/drills/run-all.ts [options])
 *
 * Each drill runs as its own process with its defaults, or with `--short` with the short options
 * below (what CI can afford; a drill not listed runs with its defaults), against the PostgreSQL of
 * DATABASE_URL (or the local one: each drill makes and drops its own scratch database or cluster) and
 * redis-servers of its own. Its output is passed through as it comes. A drill that outlives
 * `--timeout-minutes` is sent SIGTERM (its process group: the drill and the ledger processes it
 * started), then SIGKILL a minute later, and counts as failed. Exits 0 when every drill passed, 1
 * otherwise.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  short: { type: 'boolean', default: false },
  only: { type: 'string' },
  skip: { type: 'string' },
  /** Default: 60 (the soak alone runs 30 minutes); 20 with --short. */
  'timeout-minutes': { type: 'string' },
});

/** The order drills run in; drills not named here run after these, before the soak, by name. */
const ORDER = [
  'worker-crash',
  'redis-outage',
  'postgres-restart',
  'crash-under-load',
  'graceful-shutdown',
  'backup-restore',
];
const LAST = ['soak'];

/** `--short`: options that keep each drill to a minute or two while it still does what it drills. */
const SHORT_OPTIONS: Record<string, string[]> = {
  'worker-crash': ['--events', '20000', '--datasets', '600'],
  'redis-outage': ['--outage-seconds', '10', '--seconds', '25', '--rate', '100'],
  'postgres-restart': ['--outage-seconds', '5', '--seconds', '20', '--rate', '100'],
  'crash-under-load': ['--cycles', '1', '--load-seconds', '5'],
  'graceful-shutdown': ['--load-seconds', '4'],
  'backup-restore': ['--seconds', '10', '--rate', '100'],
  soak: ['--minutes', '2'],
};

const DRILLS_DIRECTORY = __dirname;
const ROOT = join(__dirname, '..', '..');
const TS_NODE = require.resolve('ts-node/dist/bin.js');
const TIMEOUT_MS = Number(args['timeout-minutes'] ?? (args.short ? 20 : 60)) * 60_000;

const list = (text: string | undefined) =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);

function drillNames(): string[] {
  const found = readdirSync(DRILLS_DIRECTORY)
    .filter((file) => file.endsWith('.drill.ts'))
    .map((file) => file.slice(0, -'.drill.ts'.length));
  const rank = (name: string) =>
    ORDER.includes(name) ? ORDER.indexOf(name) : LAST.includes(name) ? 1000 + LAST.indexOf(name) : 500;
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

interface Outcome {
  name: string;
  options: string[];
  result: string;
  passed: boolean;
  seconds: number;
}

let current: { pid: number; name: string } | undefined;
let interrupted = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs one drill in its own process group; answers its outcome. */
function runDrill(name: string, options: string[]): Promise<Outcome> {
  const started = Date.now();
  const file = join(DRILLS_DIRECTORY, `${name}.drill.ts`);
  console.log(`\n=== drill ${name}${options.length > 0 ? ` ${options.join(' ')}` : ''}\n`);
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [TS_NODE, '--swc', '-r', 'tsconfig-paths/register', file, ...options],
      { cwd: ROOT, stdio: 'inherit', detached: true },
    );
    current = { pid: child.pid as number, name };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.log(`\n=== drill ${name} still running after ${TIMEOUT_MS / 60_000} minutes: SIGTERM`);
      killGroup(child.pid as number, 'SIGTERM');
      setTimeout(() => killGroup(child.pid as number, 'SIGKILL'), 60_000).unref();
    }, TIMEOUT_MS);
    const finish = (result: string, passed: boolean) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ name, options, result, passed, seconds: (Date.now() - started) / 1000 });
    };
    child.once('error', (error) => finish(`could not start: ${error.message}`, false));
    child.once('exit', (code, signal) => {
      // Whatever the drill left in its group (it should have stopped its own processes) goes with it.
      killGroup(child.pid as number, 'SIGKILL');
      if (timedOut) finish(`timed out (${TIMEOUT_MS / 60_000} min)`, false);
      else if (code === 0) finish('passed', true);
      else if (code === 1) finish('FAILED (a check failed)', false);
      else if (code === 2) finish('FAILED (the drill could not run)', false);
      else finish(`FAILED (${signal ?? `exit ${code}`})`, false);
    });
  });
}

function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${seconds.toFixed(1)} s`;
}

async function main(): Promise<number> {
  const only = list(args.only);
  const skip = list(args.skip) ?? [];
  const all = drillNames();
  const unknown = [...(only ?? []), ...skip].filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    console.error(`no drill named ${unknown.join(', ')}; the drills are ${all.join(', ')}`);
    return 2;
  }
  const names = all.filter((name) => (only ? only.includes(name) : true) && !skip.includes(name));
  console.log(
    `drills${args.short ? ' (short)' : ''}: ${names.join(', ')}; each at most ${TIMEOUT_MS / 60_000} min`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      console.log(
        `\n=== interrupted: passing ${signal} to ${current?.name ?? 'no drill'}; no further drill runs`,
      );
      if (current) killGroup(current.pid, signal);
    });
  }
  const outcomes: Outcome[] = [];
  for (const name of names) {
    if (interrupted) break;
    const options = args.short ? (SHORT_OPTIONS[name] ?? []) : [];
    outcomes.push(await runDrill(name, options));
  }

  console.log('\nDrills');
  console.log('| drill | options | result | time |');
  console.log('|---|---|---|---|');
  for (const outcome of outcomes) {
    console.log(
      `| ${outcome.name} | ${outcome.options.join(' ') || 'defaults'} | ${outcome.result} | ${duration(outcome.seconds)} |`,
    );
  }
  for (const name of names.slice(outcomes.length)) console.log(`| ${name} | | not run (interrupted) | |`);
  const passed = !interrupted && outcomes.every((outcome) => outcome.passed);
  console.log(
    passed
      ? `\nAll ${outcomes.length} drills passed.`
      : `\n${outcomes.filter((o) => !o.passed).length} of ${names.length} drills failed or did not run.`,
  );
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
