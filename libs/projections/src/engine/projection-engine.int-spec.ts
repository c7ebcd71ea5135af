import type { SqlQueryable } from '@ledger/store';
import { someNewEvents } from '../../../../test/builders/events';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import type { ProjectedEvent, Projection } from './projection';
import { ProjectionEngine } from './projection-engine';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

/** A projection that remembers every DataAccessed it saw, by position (idempotent by construction). */
const accesses = (version = 1): Projection => ({
  name: 'accesses',
  version,
  eventTypes: ['DataAccessed'],
  tables: ['accesses'],
  createTables: (schema) =>
    `CREATE TABLE ${schema}.accesses (position bigint PRIMARY KEY, dataset_id text NOT NULL, version int NOT NULL DEFAULT ${version})`,
  apply: async (tx: SqlQueryable, events: readonly ProjectedEvent[], schema: string) => {
    for (const event of events) {
      await tx.query(
        `INSERT INTO ${schema}.accesses (position, dataset_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [event.globalPosition, event.data.datasetId],
      );
    }
  },
});

describe(`the projection engine on ${testBackend()}`, () => {
  let journal: TestJournal;

  beforeEach(async () => {
    journal = await openTestJournal();
  });

  afterEach(async () => {
    await journal.dispose();
  });

  const count = async () =>
    Number(
      (await journal.database.query<{ n: string }>('SELECT count(*) AS n FROM ledger_views.accesses'))[0].n,
    );

  it('applies every event once, in batches, and keeps its checkpoint at the head it scanned', async () => {
    await journal.store.append('usage-ds-1', someNewEvents(1234), { expectedVersion: 'any' });
    const engine = new ProjectionEngine(journal.database, journal.store, { batchSize: 100 });
    engine.register(accesses());

    expect(await engine.catchUp('accesses')).toBe(1233);
    expect(await count()).toBe(1234);
    expect((await engine.checkpoints()).get('accesses')).toBe(1233);
  });

  it('lets two engines race over one projection without applying anything twice (compare-and-set)', async () => {
    await journal.store.append('usage-ds-1', someNewEvents(2000), { expectedVersion: 'any' });
    const first = new ProjectionEngine(journal.database, journal.store, { batchSize: 50 });
    const second = new ProjectionEngine(journal.database, journal.store, { batchSize: 70 });
    first.register(accesses());
    second.register(accesses());
    await first.catchUp('accesses');
    await journal.store.append('usage-ds-1', someNewEvents(500), { expectedVersion: 'any' });

    const outcomes = await Promise.allSettled([first.catchUp('accesses'), second.catchUp('accesses')]);

    expect(outcomes.some((outcome) => outcome.status === 'fulfilled')).toBe(true);
    await first.catchUp('accesses');
    expect(await count()).toBe(2500);
    expect((await first.checkpoints()).get('accesses')).toBe(2499);
  });

  it('follows the journal live: a runner applies new events soon after they are appended', async () => {
    const engine = new ProjectionEngine(journal.database, journal.store, { pollIntervalMs: 50 });
    engine.register(accesses());
    await engine.start();
    try {
      await journal.store.append('usage-ds-1', someNewEvents(10), { expectedVersion: 'any' });
      await waitFor(async () => (await count()) === 10);
    } finally {
      await engine.stop();
    }
  });

  it('rebuilds into a fresh generation and swaps the views to it, with the same rows', async () => {
    await journal.store.append('usage-ds-1', someNewEvents(300), { expectedVersion: 'any' });
    const engine = new ProjectionEngine(journal.database, journal.store, { batchSize: 64 });
    engine.register(accesses());
    await engine.catchUp('accesses');
    const progress: number[] = [];

    await engine.rebuild('accesses', ({ position }) => progress.push(position));

    expect(await count()).toBe(300);
    expect(progress[progress.length - 1]).toBe(299);
    const [{ active_generation }] = await journal.database.query<{ active_generation: number }>(
      "SELECT active_generation FROM ledger_views.projections WHERE name = 'accesses'",
    );
    expect(active_generation).toBe(2);
  });

  it('rebuilds by itself when the projection’s version changes', async () => {
    await journal.store.append('usage-ds-1', someNewEvents(20), { expectedVersion: 'any' });
    const before = new ProjectionEngine(journal.database, journal.store);
    before.register(accesses(1));
    await before.catchUp('accesses');

    const after = new ProjectionEngine(journal.database, journal.store);
    after.register(accesses(2));
    await after.catchUp('accesses');

    const versions = await journal.database.query<{ version: number }>(
      'SELECT DISTINCT version FROM ledger_views.accesses',
    );
    expect(versions).toEqual([{ version: 2 }]);
    expect(await count()).toBe(20);
  });

  describe('a reactor', () => {
    const reactor = (version = 1): Projection => ({ ...accesses(version), reactor: true });

    it('refuses a rebuild, which would replay its side effects', async () => {
      await journal.store.append('usage-ds-1', someNewEvents(5), { expectedVersion: 'any' });
      const engine = new ProjectionEngine(journal.database, journal.store);
      engine.register(reactor());
      await engine.catchUp('accesses');

      await expect(engine.rebuild('accesses')).rejects.toThrow(/accesses is a reactor/);
      const [{ active_generation }] = await journal.database.query<{ active_generation: number }>(
        "SELECT active_generation FROM ledger_views.projections WHERE name = 'accesses'",
      );
      expect(active_generation).toBe(1);
    });

    it('keeps its checkpoint when its version changes: only what is new reaches the new version', async () => {
      await journal.store.append('usage-ds-1', someNewEvents(20), { expectedVersion: 'any' });
      const before = new ProjectionEngine(journal.database, journal.store);
      before.register(reactor(1));
      await before.catchUp('accesses');
      await journal.store.append('usage-ds-1', someNewEvents(3), { expectedVersion: 'any' });

      const after = new ProjectionEngine(journal.database, journal.store);
      after.register(reactor(2));
      expect(await after.catchUp('accesses')).toBe(22);

      // The table of its first generation stays (its DEFAULT says 1); no row was applied twice.
      expect(await count()).toBe(23);
      const [projection] = await journal.database.query<{ active_generation: number; version: number }>(
        "SELECT active_generation, version FROM ledger_views.projections WHERE name = 'accesses'",
      );
      expect(projection).toEqual({ active_generation: 1, version: 2 });
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
