import { PGlite } from '@electric-sql/pglite';
import { ExclusiveLock, SqlDatabase, SqlTransaction } from '../sql-database';

export interface PGliteOptions {
  /** A directory on disk, or undefined for an in-memory database. */
  dataDir?: string;
  /** A tarball from `dumpDataDir` to start from (tests start from a migrated template). */
  loadDataDir?: Blob;
}

/** PostgreSQL compiled to WASM, in this process. One connection: statements run one at a time. */
export class PGliteDatabase implements SqlDatabase {
  readonly kind = 'pglite';

  private constructor(private readonly db: PGlite) {}

  static async open(options: PGliteOptions = {}): Promise<PGliteDatabase> {
    const db = await PGlite.create({
      ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      ...(options.loadDataDir !== undefined && { loadDataDir: options.loadDataDir }),
    });
    return new PGliteDatabase(db);
  }

  async query<TRow>(sql: string, params?: unknown[]): Promise<TRow[]> {
    return (await this.db.query<TRow>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(
    work: (tx: SqlTransaction, firstRows: Record<string, unknown>[]) => Promise<T>,
    firstStatement?: string,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      const results = firstStatement ? await tx.exec(firstStatement) : [];
      const firstRows = (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
      return work(
        {
          query: async <TRow>(sql: string, params?: unknown[]) => (await tx.query<TRow>(sql, params)).rows,
          exec: async (sql: string) => void (await tx.exec(sql)),
        },
        firstRows,
      );
    });
  }

  async tryExclusive(): Promise<ExclusiveLock> {
    return { release: async () => undefined };
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(channel, onNotify);
  }

  /** A snapshot of the whole data directory, to start other instances from. */
  async dump(): Promise<Blob> {
    return (await this.db.dumpDataDir('none')) as Blob;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
