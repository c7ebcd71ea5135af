import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  byteaOf,
  DataDirectoryInUseError,
  Journal,
  openJournal,
  SqlDatabase,
  SqlQueryable,
} from '@ledger/store';
import { TileId, tileKey } from '@ledger/transparency';
import type {
  AuditCheckpoint,
  AuditRow,
  AuditSource,
  StreamVersionRow,
  TileExtent,
  TreeHeadRow,
} from './audit-journal';
import {
  READ_CHECKPOINTS,
  READ_ENTRIES,
  READ_LEDGER_TABLES,
  READ_OVERVIEW,
  READ_STREAM_VERSIONS,
  READ_TILE_EXTENTS,
  READ_TILES,
  READ_TREE_HEAD,
  SNAPSHOT_TRANSACTION,
} from './audit.sql';

/** The database cannot be audited at all: unreachable, not a ledger, locked (exit code 2). */
export class AuditUnusableError extends Error {
  override readonly name = 'AuditUnusableError';
}

export const DEFAULT_PAGE_SIZE = 10_000;

interface EntryRow {
  global_position: string | number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  recorded_at: Date | string;
  actor_id: string;
  actor_organization_id: string | null;
  entry: string;
  leaf_hash: Uint8Array;
}

interface CheckpointRow {
  tree_size: string | number;
  root_hash: Uint8Array;
  origin: string;
  verifier_key: string;
  note: string;
  signed_at: Date | string;
}

/** The audit's reads over SQL, in pages; `db` must stay in one snapshot for the whole audit. */
export function sqlAuditSource(db: SqlQueryable, pageSize = DEFAULT_PAGE_SIZE): AuditSource {
  return {
    async overview() {
      const [row] = await db.query<{
        head: string | number | null;
        latest_checkpoint_size: string | number | null;
      }>(READ_OVERVIEW);
      const [tree] = await db.query<{ tree_size: string | number; root_hash: Uint8Array }>(READ_TREE_HEAD);
      return {
        head: row.head === null ? -1 : Number(row.head),
        latestCheckpointSize: row.latest_checkpoint_size === null ? null : Number(row.latest_checkpoint_size),
        tree: tree
          ? ({ size: Number(tree.tree_size), rootHash: byteaOf(tree.root_hash) } satisfies TreeHeadRow)
          : null,
      };
    },

    async *entries(): AsyncIterable<AuditRow> {
      for (let after = -1; ;) {
        const rows = await db.query<EntryRow>(READ_ENTRIES, [after, pageSize]);
        for (const row of rows) {
          yield {
            globalPosition: Number(row.global_position),
            eventId: row.event_id,
            streamId: row.stream_id,
            streamVersion: row.stream_version,
            type: row.type,
            recordedAt: new Date(row.recorded_at),
            actorId: row.actor_id,
            actorOrganizationId: row.actor_organization_id,
            entry: row.entry,
            leafHash: byteaOf(row.leaf_hash),
          };
        }
        if (rows.length < pageSize) return;
        after = Number(rows[rows.length - 1].global_position);
      }
    },

    async *streamVersions(): AsyncIterable<StreamVersionRow> {
      // ('', -1) sorts before every real (stream id, version): stream ids are never empty.
      for (let after: [string, number] = ['', -1]; ;) {
        const rows = await db.query<{
          stream_id: string;
          stream_version: number;
          global_position: string | number;
        }>(READ_STREAM_VERSIONS, [...after, pageSize]);
        for (const row of rows) {
          yield {
            streamId: row.stream_id,
            streamVersion: row.stream_version,
            globalPosition: Number(row.global_position),
          };
        }
        if (rows.length < pageSize) return;
        const last = rows[rows.length - 1];
        after = [last.stream_id, last.stream_version];
      }
    },

    async *checkpoints(): AsyncIterable<AuditCheckpoint> {
      for (let after = -1; ;) {
        const rows = await db.query<CheckpointRow>(READ_CHECKPOINTS, [after, pageSize]);
        for (const row of rows) {
          yield {
            treeSize: Number(row.tree_size),
            rootHash: byteaOf(row.root_hash),
            origin: row.origin,
            verifierKey: row.verifier_key,
            note: row.note,
            signedAt: new Date(row.signed_at),
          };
        }
        if (rows.length < pageSize) return;
        after = Number(rows[rows.length - 1].tree_size);
      }
    },

    async tiles(tiles: readonly TileId[]): Promise<Map<string, Buffer>> {
      if (tiles.length === 0) return new Map();
      const rows = await db.query<{ level: number; tile_index: string | number; hashes: Uint8Array }>(
        READ_TILES,
        [tiles.map((tile) => tile.level), tiles.map((tile) => tile.index)],
      );
      return new Map(
        rows.map((row) => [
          tileKey({ level: row.level, index: Number(row.tile_index) }),
          byteaOf(row.hashes),
        ]),
      );
    },

    async tileExtents(): Promise<TileExtent[]> {
      const rows = await db.query<{ level: number; last_index: string | number }>(READ_TILE_EXTENTS);
      return rows.map((row) => ({ level: row.level, lastIndex: Number(row.last_index) }));
    },
  };
}

/**
 * Audits a PostgreSQL ledger through one read-only connection of its own, in one snapshot
 * (a running ledger keeps appending meanwhile; the audit sees none of it).
 */
export async function withPostgresAuditSource<T>(
  url: string,
  work: (source: AuditSource) => Promise<T>,
  pageSize = DEFAULT_PAGE_SIZE,
): Promise<T> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: 'ledger audit',
  });
  // A dropped connection also fails the query in flight, which reports it; this only keeps it from crashing the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new AuditUnusableError(
      `cannot connect to PostgreSQL at ${redacted(url)}: ${(error as Error).message}`,
    );
  }
  try {
    await client.query('SET default_transaction_read_only = on');
    await client.query(`BEGIN; ${SNAPSHOT_TRANSACTION}`);
    const db: SqlQueryable = {
      query: async <TRow>(sql: string, params?: unknown[]) =>
        (await client.query(sql, params)).rows as TRow[],
    };
    await assertLedger(db, `PostgreSQL at ${redacted(url)}`);
    const result = await work(sqlAuditSource(db, pageSize));
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Audits through a database the caller holds open (an embedded ledger's PGlite, or a test's), in one read-only transaction. */
export async function withDatabaseAuditSource<T>(
  database: SqlDatabase,
  work: (source: AuditSource) => Promise<T>,
  pageSize = DEFAULT_PAGE_SIZE,
): Promise<T> {
  return database.transaction(async (tx) => {
    await assertLedger(tx, `the ${database.kind} database`);
    return work(sqlAuditSource(tx, pageSize));
  }, SNAPSHOT_TRANSACTION);
}

/**
 * Audits a stopped embedded ledger. Opening it as the service does applies pending migrations and
 * takes the directory's lock, so a ledger still running there is refused rather than read mid-write.
 */
export async function withDataDirAuditSource<T>(
  dataDir: string,
  work: (source: AuditSource) => Promise<T>,
  pageSize = DEFAULT_PAGE_SIZE,
): Promise<T> {
  // Opening an empty directory would create a fresh, empty ledger there: refuse instead.
  if (!existsSync(join(dataDir, 'pgdata'))) {
    throw new AuditUnusableError(`${dataDir} holds no embedded ledger (no pgdata directory)`);
  }
  let journal: Journal;
  try {
    journal = await openJournal({ dataDir, poolSize: 1 });
  } catch (error) {
    if (error instanceof DataDirectoryInUseError) throw new AuditUnusableError(error.message);
    throw error;
  }
  try {
    return await withDatabaseAuditSource(journal.database, work, pageSize);
  } finally {
    await journal.close();
  }
}

async function assertLedger(db: SqlQueryable, where: string): Promise<void> {
  const [tables] = await db.query<{ journal: boolean; log: boolean }>(READ_LEDGER_TABLES);
  if (!tables.journal)
    throw new AuditUnusableError(`${where} holds no ledger (there is no table ledger.events)`);
  if (!tables.log) {
    throw new AuditUnusableError(
      `${where} holds a ledger without its transparency log (migration 0002): run \`ledger migrate\` first`,
    );
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}
