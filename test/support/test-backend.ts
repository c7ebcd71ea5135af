import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Journal, JournalOptions, openJournal } from '@ledger/store';

export const TEMP_DIRECTORY = join(__dirname, '..', '..', '.tmp');
export const PGLITE_TEMPLATE_PATH = join(TEMP_DIRECTORY, 'pglite-template.tar');

export type TestBackend = 'pglite' | 'postgres';

export function testBackend(): TestBackend {
  const backend = process.env.LEDGER_TEST_BACKEND ?? 'pglite';
  if (backend !== 'pglite' && backend !== 'postgres') throw new Error(`LEDGER_TEST_BACKEND=${backend}?`);
  return backend;
}

/** A fresh, empty, migrated database of the suite's backend, and how to throw it away. */
export interface TestDatabase {
  /** Options that open a journal on it (PostgreSQL URL, or PGlite directory and snapshot). */
  journalOptions: Pick<JournalOptions, 'databaseUrl' | 'dataDir' | 'pgliteSnapshot'>;
  /** PostgreSQL only: the URL of the fresh database, as its owner. */
  ownerUrl?: string;
  dispose(): Promise<void>;
}

/** The migrated PGlite snapshot global-setup.ts made for this run. */
export function pgliteTemplate(): Blob {
  return new Blob([readFileSync(PGLITE_TEMPLATE_PATH)]);
}

/** A directory for one test's files, removed by the returned function. */
export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(TEMP_DIRECTORY, `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend() === 'pglite') {
    return {
      journalOptions: { dataDir: 'memory://', pgliteSnapshot: pgliteTemplate() },
      dispose: async () => undefined,
    };
  }
  const scratch = await createScratchDatabase(
    process.env.DATABASE_URL as string,
    `ledger_test_${process.pid}`,
  );
  return {
    journalOptions: { databaseUrl: scratch.url, dataDir: 'unused' },
    ownerUrl: scratch.url,
    dispose: scratch.drop,
  };
}

/** A new PostgreSQL database next to the one `adminUrl` names, and how to drop it (tests, benchmarks). */
export async function createScratchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** A journal on a fresh database; `dispose` closes it and drops the database. */
export async function openTestJournal(
  options: Partial<JournalOptions> = {},
): Promise<Journal & { testDatabase: TestDatabase; dispose(): Promise<void> }> {
  const testDatabase = await createTestDatabase();
  const journal = await openJournal({ ...testDatabase.journalOptions, ...options });
  return {
    ...journal,
    testDatabase,
    dispose: async () => {
      await journal.close();
      await testDatabase.dispose();
    },
  };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
