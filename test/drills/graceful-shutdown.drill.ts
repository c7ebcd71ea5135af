/**
 * Issue 8's graceful-shutdown drill: SIGTERM the ledger under load. It stops taking requests (each
 * answered 503 ShuttingDown, on an open connection or a new one, until the clients have gone quiet —
 * 2 s at most — then new connections refused), finishes what it was doing (appends answered,
 * projection batches and jobs completed, live tails ended) and exits 0 within 10 s; nothing
 * acknowledged is lost and it starts again on the same data.
 *
 *   npm run drill:graceful-shutdown -- [--modes all-in-one,api+worker,embedded] [--clients 32] [--load-seconds 8] [--limit-seconds 10]
 *   (or, after `npx nest build ledger && npx nest build projections`,
 *    npx ts-node --swc -r tsconfig-paths/register test/drills/graceful-shutdown.drill.ts [options])
 *
 * Each mode runs the built apps as child processes: `all-in-one` (the ledger with its projection
 * worker, on a scratch PostgreSQL database next to DATABASE_URL and a redis-server of the drill's
 * own), `api+worker` (LEDGER_PROCESS=api and the worker, both sent SIGTERM at once), `embedded`
 * (PGlite in a scratch directory, no service). While `--clients` publishers append single events and
 * batches and a live tail is open, the ledger is sent SIGTERM; the clients go on until it has exited.
 * Then: the exit code and time, every request's outcome (2xx, 503, or refused — none answered
 * otherwise or left hanging, none written without an answer; a connection reset at the instant the
 * listener closes is reported and must not have been written), the tail ended, no warning logged while stopping, the
 * lock released (embedded), and, after a restart on the same data, every acknowledged event in the
 * journal once. Prints progress and a summary; exits 0 when every check holds, 1 when one fails,
 * 2 when the drill itself could not run.
 */
import { sayer, Summary } from './drill-processes';
import { DEPLOYMENT_MODES, DeploymentMode, runGracefulShutdownDrill } from './graceful-shutdown';
import { DATABASE_URL_OPTION, scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  modes: { type: 'string', default: DEPLOYMENT_MODES.join(',') },
  clients: { type: 'string', default: '32' },
  'load-seconds': { type: 'string', default: '8' },
  'limit-seconds': { type: 'string', default: '10' },
  'database-url': DATABASE_URL_OPTION,
  keep: { type: 'boolean', default: false },
});

async function main(): Promise<number> {
  const modes = (args.modes as string).split(',').map((mode) => mode.trim()) as DeploymentMode[];
  const unknown = modes.filter((mode) => !DEPLOYMENT_MODES.includes(mode));
  if (unknown.length > 0)
    throw new Error(`unknown mode ${unknown.join(', ')}; modes: ${DEPLOYMENT_MODES.join(', ')}`);
  const say = sayer();
  say(`graceful-shutdown drill: ${modes.join(', ')}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const summary = await runGracefulShutdownDrill({
    modes,
    clients: Number(args.clients),
    loadMs: Number(args['load-seconds']) * 1000,
    limitMs: Number(args['limit-seconds']) * 1000,
    databaseUrl: args['database-url'] as string,
    keep: args.keep,
    say,
  });
  const table = new Summary();
  for (const row of summary.rows) {
    table.row(row.name, row.figure, row.ok === undefined ? '' : table.check(row.ok, row.failure as string));
  }
  return table.verdict();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
