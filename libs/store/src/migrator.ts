import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPLIED_MIGRATIONS,
  CREATE_MIGRATIONS_TABLE,
  ENSURE_DATABASE_GRANTS,
  LOCK_MIGRATIONS,
  RECORD_MIGRATION,
  SERVER_ENCODING,
} from './migrations.sql';
import { projectPath } from './project-root';
import type { SqlDatabase, SqlQueryable } from './sql-database';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The numbered, forward-only migrations shipped in libs/store/migrations, in order. */
export function loadMigrations(directory = projectPath('libs', 'store', 'migrations')): Migration[] {
  return readdirSync(directory)
    .filter((file) => MIGRATION_FILE.test(file))
    .sort()
    .map((file) => {
      const [, version, name] = MIGRATION_FILE.exec(file) as RegExpExecArray;
      return { version: Number(version), name, sql: readFileSync(join(directory, file), 'utf8') };
    });
}

/**
 * Applies the migrations not yet applied, each in its own transaction under an advisory lock, as the
 * connecting role (the owner), then grants the service role what it needs of the database itself if
 * it lacks it (a database restored from pg_dump). Returns the migrations it applied.
 */
export async function migrate(db: SqlDatabase, migrations = loadMigrations()): Promise<Migration[]> {
  const [{ server_encoding: encoding }] = await db.query<{ server_encoding: string }>(SERVER_ENCODING);
  if (encoding.toUpperCase() !== 'UTF8') {
    // Entries are hashed as UTF-8; a database in another encoding would return other bytes than were hashed.
    throw new Error(`the ledger needs a UTF8 database, this one is ${encoding}`);
  }
  await db.exec(CREATE_MIGRATIONS_TABLE);
  const applied: Migration[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query(LOCK_MIGRATIONS);
      const applied = await appliedMigrations(tx);
      if (applied.some((done) => done.version === migration.version)) return false;
      await tx.exec(migration.sql);
      await tx.query(RECORD_MIGRATION, [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(migration);
  }
  // Not carried by pg_dump of the database: a restored ledger gets it back here (under the lock, as
  // two processes granting at once may collide).
  await db.transaction(async (tx) => {
    await tx.query(LOCK_MIGRATIONS);
    await tx.exec(ENSURE_DATABASE_GRANTS);
  });
  return applied;
}

/** The migrations a database has had, in order (`ledger status` prints them). */
export async function appliedMigrations(db: SqlQueryable): Promise<Omit<Migration, 'sql'>[]> {
  const rows = await db.query<{ version: number; name: string }>(APPLIED_MIGRATIONS);
  return rows.map((row) => ({ version: Number(row.version), name: row.name }));
}
