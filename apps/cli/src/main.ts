import { Command } from 'commander';
import { ConfigurationError, loadConfig } from '@ledger/runtime';
import { appliedMigrations, Journal, Migration, openJournal, projectPath } from '@ledger/store';
import { readFileSync } from 'node:fs';
import { registerAuditCommand } from './audit/audit-command';
import { registerProjectionsCommand } from './projections/projections-command';
import { EXIT_CODES, runVerifyCommand, VerifyCommandOptions } from './verify/verify-command';

/** `ledger`: the ledger's command line. */
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

  cli
    .command('verify')
    .argument('<export>', 'the NDJSON audit-trail export (GET /v1/audit-trail?format=ndjson) to check')
    .description(
      "check an audit-trail export offline, trusting nothing but the ledger's public key: the checkpoint's signature, " +
        'every position of the range without gap, every entry against its leaf hash, every inclusion proof, ' +
        'the closing counts and, with --trusted, that the log only grew since a checkpoint you kept',
    )
    .requiredOption(
      '--key <verifierKey>',
      "the ledger's verifier key <name>+<key id>+<base64 key>, or a file holding it or the answer of GET /v1/log/key",
    )
    .option(
      '--trusted <checkpoint file>',
      'a signed checkpoint you kept from earlier (GET /v1/log/checkpoint); the export must carry a consistency ' +
        'proof from it (ask for the export with trustedSize=<its size>)',
    )
    .addHelpText(
      'after',
      [
        '',
        'Prints one verdict line, naming the first line that fails and why. Exit codes:',
        '  0  every check passed',
        '  1  tampered or inconsistent: altered, missing, extra or reordered lines, a truncated',
        "     file, wrong counts, a bad signature, another log's checkpoint, a rewritten history",
        '  2  unusable input: no such file, a key that is not a verifier key, not an export,',
        '     a --trusted file that is not a signed checkpoint',
      ].join('\n'),
    )
    // Usage mistakes are unusable input (2), not commander's default 1.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_CODES.unusable))
    .action(async (exportPath: string, options: VerifyCommandOptions) => {
      process.exitCode = await runVerifyCommand(exportPath, options);
    });

  registerAuditCommand(cli);
  registerProjectionsCommand(cli, withJournal);
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
