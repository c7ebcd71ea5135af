import type { SqlDatabase, SqlQueryable } from '@ledger/store';
import { withClient } from './test-backend';

/** A database to search: the journal's connection, and on PostgreSQL the owner's URL (the owner reads every table). */
export interface ScannedDatabase {
  database: SqlDatabase;
  ownerUrl?: string;
}

interface ColumnRow {
  table_schema: string;
  table_name: string;
  column_name: string;
  data_type: string;
}

/**
 * Every `schema.table.column` of every table outside the system schemas whose text, JSON, array or
 * bytea values contain one of the needles (text case-insensitively; bytea byte for byte, as the
 * needle's UTF-8 or as raw bytes). Runs as the owner, who can read every table.
 */
export async function columnsHolding(
  database: ScannedDatabase,
  needles: (string | Buffer)[],
): Promise<string[]> {
  return asOwner(database, async (db) => {
    const columns = await db.query<ColumnRow>(`
      SELECT c.table_schema, c.table_name, c.column_name, c.data_type
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE t.table_type = 'BASE TABLE'
         AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
         AND c.table_schema NOT LIKE 'pg\\_%'
         AND c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY')
       ORDER BY 1, 2, 3`);
    const found: string[] = [];
    for (const column of columns) {
      const table = `${quote(column.table_schema)}.${quote(column.table_name)}`;
      const value = quote(column.column_name);
      const matches =
        column.data_type === 'bytea'
          ? `position(decode($1, 'base64') in ${value}) > 0`
          : `strpos(lower(${value}::text), lower(convert_from(decode($1, 'base64'), 'UTF8'))) > 0`;
      for (const needle of needles) {
        const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle;
        // Raw hash bytes are no UTF-8 text: only bytea columns can hold them.
        if (typeof needle !== 'string' && column.data_type !== 'bytea') continue;
        const [{ hits }] = await db.query<{ hits: number }>(
          `SELECT count(*)::int AS hits FROM ${table} WHERE ${matches}`,
          [bytes.toString('base64')],
        );
        if (hits > 0) {
          found.push(`${column.table_schema}.${column.table_name}.${column.column_name}`);
          break;
        }
      }
    }
    return found;
  });
}

async function asOwner<T>(
  { database, ownerUrl }: ScannedDatabase,
  work: (db: SqlQueryable) => Promise<T>,
): Promise<T> {
  if (ownerUrl !== undefined) {
    return withClient(ownerUrl, (client) =>
      work({
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
      }),
    );
  }
  // PGlite: one connection, which works as ledger_app; its session user is the owner.
  await database.exec('RESET ROLE');
  try {
    return await work(database);
  } finally {
    await database.exec('SET ROLE ledger_app');
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
