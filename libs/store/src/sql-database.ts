/** The little of SQL the journal needs, so that one event store serves PostgreSQL (`pg`) and PGlite alike. */
export interface SqlQueryable {
  query<TRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<TRow[]>;
}

/** Runs a script of several statements without parameters (migrations). */
export interface SqlScriptRunner {
  exec(sql: string): Promise<void>;
}

export interface SqlTransaction extends SqlQueryable, SqlScriptRunner {
  /**
   * Starts `COPY … FROM STDIN` on the transaction's connection. PostgreSQL only: PGlite takes COPY data
   * from a file it is handed whole, not as a stream, so on PGlite this is absent.
   */
  copyIn?(sql: string): CopyIn;
  /**
   * Sends the statement and COMMIT back to back, and resolves with the statement's rows once both are
   * done; nothing may be sent on the transaction after it. The server commits as soon as the statement
   * ends, without waiting a round trip for this process to ask (while the event loop serves other work),
   * so locks held to the end are released that much sooner. If the statement fails, PostgreSQL answers
   * the COMMIT of the aborted transaction with a rollback, and this rejects with the statement's error.
   * PostgreSQL only: PGlite answers in the same process, without a round trip to save.
   */
  queryAndCommit?<TRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<TRow[]>;
}

/** A COPY in progress: chunks are sent in order; `end` resolves once the server has taken them all. */
export interface CopyIn {
  /** Resolves when the chunk is handed to the connection (and it can take more), rejects once the COPY failed. */
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

export interface SqlDatabase extends SqlQueryable, SqlScriptRunner {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * `firstStatement` (no parameters; a script of several is allowed) is sent together with BEGIN,
   * saving a round trip; `work` gets the rows of its last statement.
   */
  transaction<T>(
    work: (tx: SqlTransaction, firstRows: Record<string, unknown>[]) => Promise<T>,
    firstStatement?: string,
  ): Promise<T>;
  /** Calls `onNotify` for every NOTIFY on `channel` until the returned function is called. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Tries to take a session advisory lock on its own connection: held until `release()` or until that
   * connection is lost (then `onLost` is called). Undefined when another session holds it. PGlite
   * serves one process, which the data directory's lock file already makes the only one: granted.
   */
  tryExclusive(key: number, onLost?: (error: Error) => void): Promise<ExclusiveLock | undefined>;
  close(): Promise<void>;
}

export interface ExclusiveLock {
  release(): Promise<void>;
}

/** The database could not be reached or stopped answering; the request may be retried later. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/**
 * Whether an error means "the database is not there right now" rather than "this statement is wrong":
 * SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57P01–57P03 (shutting down,
 * cannot connect now), and the socket errors and messages `pg` raises when a connection drops.
 */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  // Not `instanceof Error`: a socket error is made in Node's own realm, which is not the one code
  // runs in under a test runner's sandbox; any object with a message is judged by its code and message.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code)) return true;
    if (code.startsWith('08') || code.startsWith('53') || ['57P01', '57P02', '57P03'].includes(code))
      return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
      message,
    )
  );
}

/** A bytea value as a Buffer: `pg` returns bytea as a Buffer, PGlite as a Uint8Array. */
export function byteaOf(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
