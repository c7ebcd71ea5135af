import { openTestJournal, testBackend } from '../../../test/support/test-backend';
import { migrate } from './migrator';
import { PostgresDatabase } from './postgres/postgres-database';
import type { SqlDatabase } from './sql-database';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

const CAN_CREATE = `SELECT has_database_privilege('ledger_app', current_database(), 'CREATE') AS allowed`;
const REVOKE_CREATE = `DO $$
BEGIN
  EXECUTE format('REVOKE CREATE ON DATABASE %I FROM ledger_app', current_database());
END
$$`;

/**
 * Migrations as every start applies them, on the backend LEDGER_TEST_BACKEND names. A database
 * restored from `pg_dump` into a new database (the backup procedure of the README) comes back without
 * its database-level grants — pg_dump writes those only with --create — so what the service role
 * needs of the database itself is granted again at every start, not only by the migration that
 * first granted it.
 */
describe(`migrations on ${testBackend()}`, () => {
  let journal: TestJournal;

  beforeEach(async () => {
    journal = await openTestJournal();
  });

  afterEach(async () => {
    await journal.dispose();
  });

  /** The database as its owner: a connection of the owner's URL on PostgreSQL; PGlite's one connection with its role reset. */
  async function asOwner<T>(work: (owner: SqlDatabase) => Promise<T>): Promise<T> {
    const ownerUrl = journal.testDatabase.ownerUrl;
    if (ownerUrl !== undefined) {
      const owner = new PostgresDatabase({ connectionString: ownerUrl, poolSize: 1 });
      try {
        return await work(owner);
      } finally {
        await owner.close();
      }
    }
    await journal.database.exec('RESET ROLE');
    try {
      return await work(journal.database);
    } finally {
      await journal.database.exec('SET ROLE ledger_app');
    }
  }

  it('grant the service role CREATE on the database again when it lacks it, as after a restore from pg_dump', async () => {
    await asOwner(async (owner) => {
      await owner.exec(REVOKE_CREATE);
      expect(await owner.query(CAN_CREATE)).toEqual([{ allowed: false }]);

      // Nothing left to migrate: what a restored ledger's start-up does.
      expect(await migrate(owner)).toEqual([]);

      expect(await owner.query(CAN_CREATE)).toEqual([{ allowed: true }]);
    });
    // What needs it: a projection's next generation is a schema the service role creates.
    await expect(journal.database.exec('CREATE SCHEMA view_restore_check_2')).resolves.toBeUndefined();
  });
});
