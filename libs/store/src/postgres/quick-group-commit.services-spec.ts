import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { aNewEvent } from '../../../../test/builders/events';
import { createScratchDatabase, withClient } from '../../../../test/support/test-backend';
import type { AppendResult } from '../event-store.port';
import { APPEND_AFTER_HEAD } from '../journal.sql';
import { SERVICE_ROLE } from '../migrations.sql';
import { Journal, openJournal } from '../open-journal';
import type { SqlTransaction } from '../sql-database';
import { SqlEventStore } from '../sql-event-store';
import { PostgresDatabase, PostgresOptions } from './postgres-database';

/** The key journal.sql.ts locks appends with (LOCK_JOURNAL_AND_READ_HEAD, 0009_append_after_head.sql). */
const APPEND_LOCK = 5194828001;

/**
 * The writer's quick batches (group-commit-writer.ts, writeQuick) are decided against the head the
 * batch before them will leave, before that one has committed, and each is sent as one statement
 * that checks the head under the journal's lock. These tests hold that lock from a session of their
 * own, so that two quick batches wait in the database one on top of the other, and append as another
 * process would while they wait.
 */
describe('quick group commits on PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let journal: Journal;
  let lockHolder: Client;

  beforeEach(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL as string, 'ledger_quick');
    journal = await openJournal({ databaseUrl: scratch.url, dataDir: 'unused' });
    lockHolder = new Client({ connectionString: scratch.url });
    await lockHolder.connect();
  });

  afterEach(async () => {
    await lockHolder?.end();
    await journal?.close();
    await scratch?.drop();
  });

  it('a batch decided on top of one that failed is decided again, never written against versions that never were', async () => {
    // given a stream this writer knows at version 0, and the journal's lock held by another session
    await journal.store.append('usage-shared', [aNewEvent()]);
    await lockHolder.query('BEGIN');
    await lockHolder.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);

    // when the writer sends two quick batches, the second decided on top of the first (version 2 after 1)
    const first = journal.store.append('usage-shared', [aNewEvent()]);
    await statementsWaitingForTheLock(scratch.url, 1);
    const second = journal.store.append('usage-shared', [aNewEvent()]);
    await statementsWaitingForTheLock(scratch.url, 2);
    // and another process appends one entry first, as many as the first batch holds
    await appendAsAnotherProcess(lockHolder, { position: 1, streamId: 'usage-elsewhere', version: 0 });
    await lockHolder.query('COMMIT');
    const [firstResult, secondResult] = await Promise.all([first, second]);

    // then both were decided again after that entry (in either order): the stream's versions have no gap
    expect(
      [...positionsAndVersions(firstResult), ...positionsAndVersions(secondResult)].sort(
        (a, b) => a.globalPosition - b.globalPosition,
      ),
    ).toEqual([
      { globalPosition: 2, streamVersion: 1 },
      { globalPosition: 3, streamVersion: 2 },
    ]);
    const versions = await withClient(scratch.url, async (client) =>
      (
        await client.query<{ stream_version: number }>(
          `SELECT stream_version FROM ledger.events WHERE stream_id = 'usage-shared' ORDER BY global_position`,
        )
      ).rows.map((row) => row.stream_version),
    );
    expect(versions).toEqual([0, 1, 2]);
  });

  it('an expected version another process made wrong while a quick batch waited is refused with the actual version', async () => {
    // given a stream this writer knows at version 0, and the lock held by another session
    await journal.store.append('usage-shared', [aNewEvent()]);
    await lockHolder.query('BEGIN');
    await lockHolder.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);

    // when the writer sends a quick batch expecting version 0, and another process appends version 1 first
    const append = journal.store.append('usage-shared', [aNewEvent()], { expectedVersion: 0 });
    await statementsWaitingForTheLock(scratch.url, 1);
    await appendAsAnotherProcess(lockHolder, { position: 1, streamId: 'usage-shared', version: 1 });
    await lockHolder.query('COMMIT');

    // then the append is refused, knowing the version the other process left
    await expect(append).rejects.toMatchObject({
      streamId: 'usage-shared',
      expectedVersion: 0,
      actualVersion: 1,
    });
    expect(await journal.store.head()).toBe(1);
  });

  it('a quick batch whose statement overtook the one it was decided on top of sends it again once that one committed', async () => {
    // given a writer that knows the stream, whose next quick statement this process holds back
    const database = new StatementsHeldBack({
      connectionString: scratch.url,
      role: SERVICE_ROLE,
      poolSize: 4,
    });
    const store = await SqlEventStore.open(database);
    try {
      await store.append('usage-shared', [aNewEvent()]);
      const first = store.append('usage-shared', [aNewEvent()]);
      await database.firstQuickStatementHeld;

      // when the batch decided on top of it reaches the database first, and fails its check there
      const second = store.append('usage-shared', [aNewEvent()]);
      await database.firstQuickAnswerCame;
      expect(database.quickStatementsWritten).toEqual([false]);
      // and only then the first statement is sent
      database.sendHeldStatement();
      const [firstResult, secondResult] = await Promise.all([first, second]);

      // then the second batch's statement was sent again after the first had committed, and wrote
      expect(positionsAndVersions(firstResult)).toEqual([{ globalPosition: 1, streamVersion: 1 }]);
      expect(positionsAndVersions(secondResult)).toEqual([{ globalPosition: 2, streamVersion: 2 }]);
      expect(database.quickStatementsWritten).toEqual([false, true, true]);
      // without taking the journal's lock in a transaction of its own, which waits for every quick batch
      expect(database.transactionsAfterHolding).toBe(0);
    } finally {
      await store.close();
      await database.close();
    }
  });
});

function positionsAndVersions(result: AppendResult): { globalPosition: number; streamVersion: number }[] {
  return result.events.map(({ globalPosition, streamVersion }) => ({ globalPosition, streamVersion }));
}

/** Inserts an entry as another ledger process would, on a session that holds the journal's lock. */
async function appendAsAnotherProcess(
  session: Client,
  entry: { position: number; streamId: string; version: number },
): Promise<void> {
  await session.query(
    `INSERT INTO ledger.events (global_position, event_id, stream_id, stream_version, type, recorded_at,
                                actor_id, entry, leaf_hash, fingerprint)
     VALUES ($1, $2, $3, $4, 'DataAccessed', now(), 'another-process', '{}', $5, $5)`,
    [entry.position, `elsewhere-${randomUUID()}`, entry.streamId, entry.version, randomBytes(32)],
  );
}

/** Waits until `count` sessions wait in ledger.append_after_head for the journal's lock. */
async function statementsWaitingForTheLock(url: string, count: number): Promise<void> {
  await withClient(url, async (client) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { rows } = await client.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND query LIKE '%ledger.append_after_head%'`,
      );
      if (rows[0].waiting >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${count} quick batches never waited for the journal's lock`);
  });
}

/**
 * PostgreSQL, except that the first quick statement (APPEND_AFTER_HEAD) is held back in this process
 * until the test sends it, as a busy connection or event loop now and then holds one back.
 */
class StatementsHeldBack extends PostgresDatabase {
  /** What each quick statement answered, in the order the answers came. */
  readonly quickStatementsWritten: boolean[] = [];
  transactionsAfterHolding = 0;
  readonly firstQuickStatementHeld: Promise<void>;
  readonly firstQuickAnswerCame: Promise<void>;
  /** Set once the first quick statement is held; later ones go straight through. */
  private holding = false;
  private noticeHeld!: () => void;
  private noticeAnswer!: () => void;
  private release!: () => void;
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));

  constructor(options: PostgresOptions) {
    super(options);
    this.firstQuickStatementHeld = new Promise((resolve) => (this.noticeHeld = resolve));
    this.firstQuickAnswerCame = new Promise((resolve) => (this.noticeAnswer = resolve));
  }

  override async query<TRow>(sql: string, params?: unknown[]): Promise<TRow[]> {
    if (sql !== APPEND_AFTER_HEAD) return super.query<TRow>(sql, params);
    if (!this.holding) {
      this.holding = true;
      this.noticeHeld();
      await this.held;
    }
    const rows = await super.query<TRow>(sql, params);
    this.quickStatementsWritten.push((rows[0] as { written?: boolean } | undefined)?.written === true);
    this.noticeAnswer();
    return rows;
  }

  override transaction<T>(
    work: (tx: SqlTransaction, firstRows: Record<string, unknown>[]) => Promise<T>,
    firstStatement?: string,
  ): Promise<T> {
    if (this.holding) this.transactionsAfterHolding++;
    return super.transaction(work, firstStatement);
  }

  sendHeldStatement(): void {
    this.release();
  }
}
