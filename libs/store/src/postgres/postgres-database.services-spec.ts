import { Client } from 'pg';
import { ScratchPostgres } from '../../../../test/support/scratch-postgres';
import { createScratchDatabase, withClient } from '../../../../test/support/test-backend';
import { DatabaseUnavailableError } from '../sql-database';
import { PostgresDatabase } from './postgres-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The journal's PostgreSQL connections when the server goes away and comes back (issue 8, "restart
 * PostgreSQL under load"), on a cluster of the suite's own (initdb + pg_ctl; the machine's PostgreSQL
 * is never stopped): nothing may crash the process, every failure is a DatabaseUnavailableError (503),
 * and the same objects work again once the server is back, without being reopened.
 */
describe('PostgreSQL connections across a restart', () => {
  let cluster: ScratchPostgres;
  let database: PostgresDatabase;
  let backgroundErrors: Error[];
  let uncaught: Error[];
  const onUncaught = (error: Error) => uncaught.push(error);

  beforeAll(async () => {
    cluster = await ScratchPostgres.start();
  }, 60_000);

  afterAll(async () => {
    await cluster?.remove();
  });

  beforeEach(async () => {
    if (!cluster.isRunning) await cluster.start();
    backgroundErrors = [];
    uncaught = [];
    // An unhandled 'error' event on a pg Client is thrown from the socket's callback: without this
    // the test process would die with it, which is what the ledger's processes did.
    process.prependListener('uncaughtException', onUncaught);
    database = new PostgresDatabase({
      connectionString: cluster.url(),
      poolSize: 4,
      onBackgroundError: (error) => backgroundErrors.push(error),
    });
  });

  afterEach(async () => {
    await database.close().catch(() => undefined);
    process.removeListener('uncaughtException', onUncaught);
  });

  const terminate = async (pid: number) => {
    const admin = new Client({ connectionString: cluster.url() });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  };

  it('fails a transaction whose connection is closed between two statements as unavailable, and raises nothing uncaught', async () => {
    const outcome = database.transaction(async (tx) => {
      const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The server closes the session while the transaction is idle (a fast shutdown does this to
      // every session): the FATAL arrives with no query running on the checked-out connection.
      await terminate(pid);
      await sleep(300);
      await tx.query('SELECT 1');
    });

    await expect(outcome).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(uncaught).toEqual([]);
    // The broken connection was thrown away: the pool serves the next transaction.
    await expect(database.transaction((tx) => tx.query('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
  });

  it('serves again after a fast restart, through the same pool, with every failure meanwhile unavailable', async () => {
    // Connections idle in the pool and one checked out in a transaction when the server stops.
    await Promise.all([1, 2, 3].map(() => database.query('SELECT pg_sleep(0.05)')));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const open = database.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await held;
      await tx.query('SELECT 2');
    });
    await sleep(100);

    await cluster.stop('fast');
    release();
    await expect(open).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(database.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(database.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );

    await cluster.start();
    await expect(database.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    await expect(database.transaction((tx) => tx.query('SELECT 2 AS two'))).resolves.toEqual([{ two: 2 }]);
    expect(uncaught).toEqual([]);
  }, 30_000);

  it('listens again after a restart: notifications sent once the server is back arrive', async () => {
    const received: string[] = [];
    const unlisten = await database.listen('drill_channel', (payload) => received.push(payload));
    try {
      await database.query(`SELECT pg_notify('drill_channel', 'before')`);
      await waitFor(() => received.includes('before'));

      await cluster.stop('fast');
      await sleep(1_000);
      await cluster.start();

      // The listener reconnects on its own (every 500 ms); notify until one arrives.
      const deadline = Date.now() + 5_000;
      while (!received.includes('after') && Date.now() < deadline) {
        await database.query(`SELECT pg_notify('drill_channel', 'after')`).catch(() => undefined);
        await sleep(100);
      }
      expect(received).toContain('after');
      expect(uncaught).toEqual([]);
    } finally {
      await unlisten();
    }
  }, 30_000);

  it('tells the holder of an advisory lock that it lost it when the server stops, and grants it again after', async () => {
    let lost: Error | undefined;
    const lock = await database.tryExclusive(42, (error) => (lost = error));
    expect(lock).toBeDefined();

    await cluster.stop('fast');
    await waitFor(() => lost !== undefined);
    await expect(database.tryExclusive(42)).rejects.toBeInstanceOf(DatabaseUnavailableError);

    await cluster.start();
    const again = await database.tryExclusive(42);
    expect(again).toBeDefined();
    await again?.release();
    await lock?.release();
    expect(uncaught).toEqual([]);
  }, 30_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

describe('PostgreSQL transactions', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let database: PostgresDatabase;

  beforeEach(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL as string, 'ledger_tx_test');
    database = new PostgresDatabase({ connectionString: scratch.url, poolSize: 2 });
    await database.exec('CREATE TABLE items (id int PRIMARY KEY)');
  });

  afterEach(async () => {
    await database.close();
    await scratch.drop();
  });

  const itemsSeenElsewhere = async () =>
    withClient(scratch.url, async (client) =>
      (await client.query<{ id: number }>('SELECT id FROM items ORDER BY id')).rows.map((row) => row.id),
    );

  it('hands the work the rows of the last statement sent with BEGIN', async () => {
    const firstRows = await database.transaction(async (_tx, rows) => rows, 'SELECT 1 AS a; SELECT 2 AS b');

    expect(firstRows).toEqual([{ b: 2 }]);
  });

  it('queryAndCommit answers the statement once it is committed with everything before it', async () => {
    const answered = await database.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (1)');
      const rows = await tx.queryAndCommit!<{ id: number }>('INSERT INTO items VALUES (2) RETURNING id');
      // Committed by the time it answers: another session sees both rows.
      expect(await itemsSeenElsewhere()).toEqual([1, 2]);
      return rows;
    });

    expect(answered).toEqual([{ id: 2 }]);
  });

  it('a statement that fails in queryAndCommit rolls the whole transaction back and rejects with its own error', async () => {
    const outcome = database.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (1)');
      await tx.queryAndCommit!('INSERT INTO items VALUES (1)');
    });

    await expect(outcome).rejects.toMatchObject({ code: '23505' });
    expect(await itemsSeenElsewhere()).toEqual([]);
    // Both connections come back to the pool outside any transaction, and serve the next ones.
    await Promise.all(
      [3, 4].map((id) => database.transaction((tx) => tx.query('INSERT INTO items VALUES ($1)', [id]))),
    );
    expect(await itemsSeenElsewhere()).toEqual([3, 4]);
  });
});
