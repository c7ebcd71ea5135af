/**
 * Issue 8's crash drill: SIGKILL the ledger while 32 clients append, start it again, and check that
 * nothing acknowledged was lost or doubled, nothing half-written, the log's first checkpoint after the
 * restart extends the last one before the kill, and `ledger audit` agrees with everything.
 *
 *   npm run drill:crash-under-load -- [--cycles 3] [--clients 32] [--load-seconds 10] [--process all|api]
 *   (or, after `npx nest build ledger && npx nest build cli`,
 *    npx ts-node --swc -r tsconfig-paths/register test/drills/crash-under-load.drill.ts [options])
 *
 * Against a scratch PostgreSQL database next to DATABASE_URL (or the local one) and a redis-server of
 * its own; the built ledger (dist/apps/ledger/main.js) as a child process, with the projection worker
 * inside it (`--process all`, the default) or as the API alone (`--process api`), signing a checkpoint
 * every second. Each cycle: `--clients` publishers append single CloudEvents and batches of five (each
 * event with its own id) for between half of `--load-seconds` and all of it; the ledger is SIGKILLed;
 * it is started again and the journal and the log are checked (see crash-under-load.ts); every
 * request that got no answer is resent with the same ids. At the end the ledger is stopped and the
 * built `ledger audit` runs over the database with the pinned verifier key. Prints progress and a
 * summary; exits 0 when every check holds, 1 when one fails, 2 when the drill itself could not run.
 */
import { runCrashUnderLoadDrill } from './crash-under-load';
import { sayer, Summary } from './drill-processes';
import { DATABASE_URL_OPTION, scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  cycles: { type: 'string', default: '3' },
  clients: { type: 'string', default: '32' },
  'load-seconds': { type: 'string', default: '10' },
  process: { type: 'string', default: 'all' },
  'database-url': DATABASE_URL_OPTION,
  keep: { type: 'boolean', default: false },
});

async function main(): Promise<number> {
  if (args.process !== 'all' && args.process !== 'api') throw new Error('--process is all or api');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const rows = await runCrashUnderLoadDrill({
    cycles: Number(args.cycles),
    clients: Number(args.clients),
    loadMs: Number(args['load-seconds']) * 1000,
    processRole: args.process,
    databaseUrl: args['database-url'] as string,
    keep: args.keep,
    say: sayer(),
  });
  const table = new Summary();
  for (const row of rows.rows) {
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
