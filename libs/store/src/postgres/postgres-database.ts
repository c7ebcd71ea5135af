import { Client, ClientConfig, Pool, PoolClient, QueryResult } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  CopyIn,
  DatabaseUnavailableError,
  ExclusiveLock,
  isUnavailableError,
  SqlDatabase,
  SqlTransaction,
} from '../sql-database';

export interface PostgresOptions {
  connectionString: string;
  /** Every pooled connection works as this role (`SET ROLE` at connection start), e.g. the service's restricted role. */
  role?: string;
  poolSize?: number;
  connectTimeoutMs?: number;
  onBackgroundError?: (error: Error) => void;
}

/** PostgreSQL through `pg`: a pool for queries and transactions, and one dedicated connection per LISTEN channel. */
export class PostgresDatabase implements SqlDatabase {
  readonly kind = 'postgres';
  private readonly pool: Pool;

  constructor(private readonly options: PostgresOptions) {
    this.pool = new Pool({ ...this.clientConfig(), max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection dropped by a database restart must not crash the process; the next checkout reconnects.
    this.pool.on('error', (error) => options.onBackgroundError?.(error));
    // pg-pool takes its own error listener off a client while it is checked out, so a connection the
    // server closes then — between two statements of a transaction, as a restart does to every
    // session, or as the client is handed over — would be an unhandled 'error' event, which ends the
    // process. Every client keeps this listener for life: the next statement on it fails as
    // unavailable (a 503), and the pool drops it when it comes back.
    this.pool.on('connect', (client) => client.on('error', ignoreConnectionError));
  }

  async query<TRow>(sql: string, params?: unknown[]): Promise<TRow[]> {
    try {
      const result = await this.pool.query(sql, params);
      return result.rows as TRow[];
    } catch (error) {
      throw translated(error);
    }
  }

  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  async transaction<T>(
    work: (tx: SqlTransaction, firstRows: Record<string, unknown>[]) => Promise<T>,
    firstStatement?: string,
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translated(error);
    }
    let broken: Error | undefined;
    /** COMMIT was sent by queryAndCommit: the transaction has ended, one way or the other. */
    let ended = false;
    try {
      const begun: QueryResult | QueryResult[] = await client.query(
        firstStatement ? `BEGIN; ${firstStatement}` : 'BEGIN',
      );
      const firstRows = Array.isArray(begun) ? begun[begun.length - 1].rows : [];
      const tx: SqlTransaction = {
        query: async <TRow>(sql: string, params?: unknown[]) =>
          (await client.query(sql, params)).rows as TRow[],
        exec: async (sql: string) => void (await client.query(sql)),
        copyIn: (sql: string) => startCopyIn(client, sql),
        queryAndCommit: async <TRow>(sql: string, params?: unknown[]) => {
          ended = true;
          // `pg` sends a query once the one before it is answered, from its own socket handler: the
          // COMMIT leaves the moment the statement's answer arrives, not when this code next runs.
          const [statement, commit] = await Promise.allSettled([
            client.query(sql, params),
            client.query('COMMIT'),
          ]);
          if (statement.status === 'rejected') throw statement.reason;
          if (commit.status === 'rejected') throw commit.reason;
          // An aborted transaction's COMMIT is answered ROLLBACK, without an error.
          if (commit.value.command !== 'COMMIT') throw new Error('the transaction was rolled back');
          return statement.value.rows as TRow[];
        },
      };
      const result = await work(tx, firstRows);
      if (!ended) await client.query('COMMIT');
      return result;
    } catch (error) {
      if (isUnavailableError(error)) {
        broken = error as Error;
      } else if (!ended) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      }
      throw translated(error);
    } finally {
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const listener = new ReconnectingListener(
      () => new Client(this.clientConfig()),
      channel,
      onNotify,
      this.options,
    );
    await listener.start();
    return () => listener.stop();
  }

  async tryExclusive(key: number, onLost?: (error: Error) => void): Promise<ExclusiveLock | undefined> {
    const client = new Client(this.clientConfig());
    client.on('error', (error) => onLost?.(error));
    try {
      await client.connect();
      const [{ locked }] = (await client.query('SELECT pg_try_advisory_lock($1) AS locked', [key])).rows as {
        locked: boolean;
      }[];
      if (!locked) {
        await client.end();
        return undefined;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw translated(error);
    }
    let released = false;
    client.on('end', () => {
      if (!released) onLost?.(new DatabaseUnavailableError('the connection holding an advisory lock ended'));
    });
    return {
      release: async () => {
        released = true;
        await client.end().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private clientConfig(): ClientConfig {
    return {
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 3_000,
      ...(this.options.role && { options: `-c role=${this.options.role}` }),
    };
  }
}

/** Keeps one LISTEN connection open, reconnecting after the database restarts; polling covers what it misses meanwhile. */
class ReconnectingListener {
  private client?: Client;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly connect: () => Client,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
    private readonly options: PostgresOptions,
  ) {}

  async start(): Promise<void> {
    const client = this.connect();
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onNotify(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.options.onBackgroundError?.(error);
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`);
    } catch (error) {
      this.scheduleReconnect(client);
      if (!isUnavailableError(error)) throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  private scheduleReconnect(failed: Client): void {
    if (this.stopped || this.client !== failed || this.retryTimer) return;
    failed.removeAllListeners('end');
    failed.end().catch(() => undefined);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) void this.start().catch((error: Error) => this.options.onBackgroundError?.(error));
    }, 500);
    this.retryTimer.unref();
  }
}

/**
 * COPY … FROM STDIN through pg-copy-streams. A chunk is written only after the one before was taken,
 * and none after the COPY failed: the stream has let go of its connection by then. Every wait also
 * ends when the COPY fails, so a failure the server reports mid-stream reaches the caller at once.
 */
function startCopyIn(client: PoolClient, sql: string): CopyIn {
  const stream = client.query(copyFrom(sql));
  let failure: Error | undefined;
  const failed = new Promise<never>((_, reject) =>
    stream.on('error', (error: Error) => {
      failure ??= error;
      reject(error);
    }),
  );
  failed.catch(() => undefined); // observed through write() and end()
  const settle = (start: (done: (error?: Error | null) => void) => void): Promise<void> =>
    failure
      ? Promise.reject(failure)
      : Promise.race([
          new Promise<void>((resolve, reject) => start((error) => (error ? reject(error) : resolve()))),
          failed,
        ]);
  return {
    write: (chunk) => settle((done) => stream.write(chunk, done)),
    end: () => settle((done) => stream.end(done)),
  };
}

/** Whoever uses the connection learns of its loss from the statement that fails next. */
function ignoreConnectionError(): void {}

function translated(error: unknown): unknown {
  if (isUnavailableError(error) && !(error instanceof DatabaseUnavailableError)) {
    return new DatabaseUnavailableError(`PostgreSQL is unavailable: ${(error as Error).message}`, error);
  }
  return error;
}
