import { mkdirSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import Redis from 'ioredis';
// globalSetup runs outside Jest's module mapping: the path aliases come from tsconfig.json instead.
import 'tsconfig-paths/register';
import { migrate, PGliteDatabase } from '@ledger/store';
import { builtConsoleDirectory } from './console-build';
import { PGLITE_TEMPLATE_PATH, TEMP_DIRECTORY, testBackend } from './test-backend';

/**
 * Before any suite: the console built from its sources (cached while they do not change); for PGlite, one migrated database snapshot every suite starts from (initdb takes
 * seconds, loading a snapshot a fraction of one); for PostgreSQL, proof that the services are there —
 * the services run fails, never skips, without them.
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync(TEMP_DIRECTORY, { recursive: true });
  // The console every ledger of the run serves (the suites' workers inherit this environment).
  process.env.LEDGER_CONSOLE_DIR = builtConsoleDirectory();
  if (testBackend() === 'pglite') {
    const database = await PGliteDatabase.open();
    await migrate(database);
    writeFileSync(PGLITE_TEMPLATE_PATH, Buffer.from(await (await database.dump()).arrayBuffer()));
    await database.close();
    return;
  }
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (!DATABASE_URL || !REDIS_URL) {
    throw new Error(
      'npm run test:services needs DATABASE_URL and REDIS_URL (see README, "Tests"); .ci/run sets both',
    );
  }
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL at DATABASE_URL is not reachable: ${error.message}`);
  });
  await client.end();
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis at REDIS_URL is not reachable: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
