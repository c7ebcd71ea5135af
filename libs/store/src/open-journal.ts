import { join } from 'node:path';
import type { GroupCommitOptions } from './group-commit-writer';
import { migrate, Migration } from './migrator';
import { SERVICE_ROLE } from './migrations.sql';
import { DataDirectoryLock } from './pglite/data-directory-lock';
import { PGliteDatabase } from './pglite/pglite-database';
import { PostgresDatabase } from './postgres/postgres-database';
import type { SqlDatabase } from './sql-database';
import { SqlEventStore } from './sql-event-store';

export interface JournalOptions extends GroupCommitOptions {
  /** PostgreSQL when set; otherwise PGlite in `dataDir`. */
  databaseUrl?: string;
  /** Runs migrations as this URL's role when set (the owner), else as `databaseUrl`'s. */
  migrationDatabaseUrl?: string;
  /** PGlite's directory; `memory://` for a throwaway in-memory database. */
  dataDir: string;
  /** PGlite only: start from this snapshot of an already migrated database (tests). */
  pgliteSnapshot?: Blob;
  poolSize?: number;
  onMigrationApplied?: (migration: Migration) => void;
  onBackgroundError?: (error: Error) => void;
}

export interface Journal {
  store: SqlEventStore;
  database: SqlDatabase;
  /** Human-readable description of where the journal lives (never includes a password). */
  location: string;
  close(): Promise<void>;
}

/** Opens the journal the configuration names, applies pending migrations, and works as the service role from then on. */
export async function openJournal(options: JournalOptions): Promise<Journal> {
  return options.databaseUrl ? openPostgres(options, options.databaseUrl) : openPGlite(options);
}

async function openPostgres(options: JournalOptions, databaseUrl: string): Promise<Journal> {
  const owner = new PostgresDatabase({
    connectionString: options.migrationDatabaseUrl ?? databaseUrl,
    poolSize: 1,
  });
  try {
    for (const migration of await migrate(owner)) options.onMigrationApplied?.(migration);
  } finally {
    await owner.close();
  }
  const database = new PostgresDatabase({
    connectionString: databaseUrl,
    role: SERVICE_ROLE,
    poolSize: options.poolSize,
    onBackgroundError: options.onBackgroundError,
  });
  const store = await SqlEventStore.open(database, options);
  return {
    store,
    database,
    location: `PostgreSQL ${redacted(databaseUrl)}`,
    close: async () => {
      await store.close();
      await database.close();
    },
  };
}

async function openPGlite(options: JournalOptions): Promise<Journal> {
  const inMemory = options.dataDir === 'memory://';
  const lock = inMemory ? undefined : DataDirectoryLock.acquire(options.dataDir);
  try {
    const database = await PGliteDatabase.open({
      dataDir: inMemory ? undefined : join(options.dataDir, 'pgdata'),
      loadDataDir: options.pgliteSnapshot,
    });
    for (const migration of await migrate(database)) options.onMigrationApplied?.(migration);
    await database.exec(`SET ROLE ${SERVICE_ROLE}`);
    const store = await SqlEventStore.open(database, options);
    return {
      store,
      database,
      location: inMemory ? 'PGlite in memory' : `PGlite in ${options.dataDir}`,
      close: async () => {
        await store.close();
        await database.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
