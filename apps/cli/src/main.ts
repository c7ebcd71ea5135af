import { Command } from 'commander';
import { ConfigurationError, loadConfig } from '@ledger/runtime';
import { appliedMigrations, Journal, Migration, openJournal, projectPath } from '@ledger/store';
import { readFileSync } from 'node:fs';

/** `ledger`: the ledger's command line. Later issues add verify, audit and projection rebuilds. */
function program(): Command {
  const version = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string })
    .version;
  const cli = new Command('ledger')
    .description(
      'Open Data Ledger command line. Reads DATABASE_URL (PostgreSQL) or LEDGER_DATA_DIR (embedded PGlite) like the service.',
    )
    .version(version);

  cli
    .command('migrate')
    .description(
      "apply the journal's pending SQL migrations (as LEDGER_MIGRATION_DATABASE_URL's role if set, else DATABASE_URL's)",
    )
    .action(async () => {
      const applied: Migration[] = [];
      await withJournal(async () => {
        console.log(
          applied.length === 0
            ? 'up to date'
            : applied.map((m) => `applied ${m.version}_${m.name}`).join('\n'),
        );
      }, applied);
    });

  cli
    .command('status')
    .description('print where the journal is, its head and the migrations applied')
    .action(async () => {
      await withJournal(async ({ store, database, location }) => {
        const head = await store.head();
        const migrations = await appliedMigrations(database);
        console.log(`journal:    ${location}`);
        // Positions are gapless from 0, so the head says how many entries there are.
        console.log(`entries:    ${head + 1}${head < 0 ? '' : ` (head position ${head})`}`);
        console.log(`migrations: ${migrations.map((m) => `${m.version}_${m.name}`).join(', ') || 'none'}`);
      });
    });
  return cli;
}

/** Opens the journal as the service does (applying pending migrations, holding the embedded data directory's lock). */
async function withJournal(
  work: (journal: Journal) => Promise<void>,
  applied: Migration[] = [],
): Promise<void> {
  const config = loadConfig();
  const journal = await openJournal({
    databaseUrl: config.databaseUrl,
    migrationDatabaseUrl: config.migrationDatabaseUrl,
    dataDir: config.dataDir,
    poolSize: 1,
    onMigrationApplied: (migration) => applied.push(migration),
  });
  try {
    await work(journal);
  } finally {
    await journal.close();
  }
}

program()
  .parseAsync()
  .catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigurationError ? error.message : ((error as Error)?.message ?? String(error))}\n`,
    );
    process.exit(1);
  });
