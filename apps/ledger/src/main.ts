import { ConfigurationError, createLogger, loadConfig, stopOnSignals } from '@ledger/runtime';
import { DataDirectoryInUseError } from '@ledger/store';
import { stopTakingRequests } from './http/stop-taking-requests';
import { createLedgerApp } from './ledger-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.databaseUrl) {
    logger.info(
      `embedded mode: PGlite in ${config.dataDir}, API and projection worker in this process (set DATABASE_URL for PostgreSQL)`,
    );
  }
  const app = await createLedgerApp({ config, logger });
  // SIGTERM/SIGINT: refuse new requests, finish those in flight, close everything, exit 0 (within 9 s, else 1).
  stopOnSignals(app, { logger, before: () => stopTakingRequests(app) });
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { port: config.port },
    `Open Data Ledger listening on http://localhost:${config.port} (API docs at /docs)`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof DataDirectoryInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`the ledger could not start: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
