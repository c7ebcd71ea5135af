import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { aNewEvent, someNewEvents } from '../../../test/builders/events';
import {
  createTestDatabase,
  openTestJournal,
  testBackend,
  withClient,
} from '../../../test/support/test-backend';
import { openJournal, Journal } from './open-journal';
import { SqlEventStore } from './sql-event-store';
import type { EventStore, StoredEntry } from './event-store.port';
import { EventIdConflictError, WrongExpectedVersionError } from './journal-errors';

/**
 * The journal's guarantees (architecture.md §1), run against the backend LEDGER_TEST_BACKEND names:
 * PGlite under `npm test`, PostgreSQL under `npm run test:services`.
 */
describe(`journal contract on ${testBackend()}`, () => {
  let journal: Awaited<ReturnType<typeof openTestJournal>>;
  let store: EventStore;

  beforeEach(async () => {
    journal = await openTestJournal();
    store = journal.store;
  });

  afterEach(async () => {
    await journal.dispose();
  });

  describe('global positions', () => {
    it('start at 0 and stream versions start at 0', async () => {
      const result = await store.append('usage-ds1', someNewEvents(2));

      expect(result.events.map((e) => [e.globalPosition, e.streamVersion])).toEqual([
        [0, 0],
        [1, 1],
      ]);
      expect(await store.head()).toBe(1);
    });

    it('are gapless and in commit order under 16 concurrent writers, so a follower sees every event exactly once, in order', async () => {
      // Writers on PostgreSQL are spread over several store instances, as several processes would be.
      const extraStores = testBackend() === 'postgres' ? await openMoreStores(journal, 3) : [];
      const writers = [store, ...extraStores.map((j) => j.store)];
      const seen: StoredEntry[] = [];
      const abort = new AbortController();
      const following = (async () => {
        for await (const entry of store.follow({
          fromPosition: 0,
          signal: abort.signal,
          batchSize: 37,
          pollIntervalMs: 50,
        })) {
          seen.push(entry);
        }
      })();

      const appendsPerWriter = 25;
      const acknowledged = await Promise.all(
        Array.from({ length: 16 }, async (_, writer) => {
          const ids: string[] = [];
          for (let i = 0; i < appendsPerWriter; i++) {
            const events = someNewEvents(1 + ((writer + i) % 4));
            const target = writers[(writer + i) % writers.length];
            const result = await target.append(`usage-w${writer % 5}`, events);
            ids.push(...result.events.map((e) => e.id));
          }
          return ids;
        }),
      );
      const allIds = acknowledged.flat();
      const head = await store.head();
      await waitUntil(() => seen.length >= allIds.length);
      abort.abort();
      await following;
      await Promise.all(extraStores.map((j) => j.close()));

      expect(head).toBe(allIds.length - 1);
      expect(seen.map((entry) => entry.globalPosition)).toEqual(allIds.map((_, position) => position));
      expect(new Set(seen.map((entry) => entry.eventId))).toEqual(new Set(allIds));
      const readBack = await store.readAll({ fromPosition: 0, limit: 10_000 });
      expect(readBack.map((entry) => entry.eventId)).toEqual(seen.map((entry) => entry.eventId));
      expectStreamVersionsContiguous(readBack);
    });

    it('a follower that waits for new events is woken by an append, long before its poll interval', async () => {
      const abort = new AbortController();
      const first = (async () => {
        for await (const entry of store.follow({
          fromPosition: 0,
          signal: abort.signal,
          pollIntervalMs: 60_000,
        })) {
          return entry;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();

      const [appended] = (await store.append('usage-ds1', [aNewEvent()])).events;

      expect((await first)?.eventId).toBe(appended.id);
      expect(Date.now() - started).toBeLessThan(5_000);
      abort.abort();
    });
  });

  describe('expected version', () => {
    it('a number accepts only the stream at exactly that version', async () => {
      await store.append('usage-ds1', someNewEvents(2));

      await expect(store.append('usage-ds1', [aNewEvent()], { expectedVersion: 1 })).resolves.toMatchObject({
        events: [{ streamVersion: 2 }],
      });
      await expectWrongVersion(store.append('usage-ds1', [aNewEvent()], { expectedVersion: 1 }), 1, 2);
      await expectWrongVersion(store.append('usage-new', [aNewEvent()], { expectedVersion: 0 }), 0, null);
    });

    it('no_stream accepts only a stream that does not exist yet', async () => {
      await expect(
        store.append('usage-ds1', [aNewEvent()], { expectedVersion: 'no_stream' }),
      ).resolves.toBeDefined();

      await expectWrongVersion(
        store.append('usage-ds1', [aNewEvent()], { expectedVersion: 'no_stream' }),
        'no_stream',
        0,
      );
    });

    it('stream_exists accepts only a stream with events', async () => {
      await expectWrongVersion(
        store.append('usage-ds1', [aNewEvent()], { expectedVersion: 'stream_exists' }),
        'stream_exists',
        null,
      );
      await store.append('usage-ds1', [aNewEvent()]);

      await expect(
        store.append('usage-ds1', [aNewEvent()], { expectedVersion: 'stream_exists' }),
      ).resolves.toBeDefined();
    });

    it('any accepts the stream in whatever state', async () => {
      await expect(
        store.append('usage-ds1', [aNewEvent()], { expectedVersion: 'any' }),
      ).resolves.toBeDefined();
      await expect(
        store.append('usage-ds1', [aNewEvent()], { expectedVersion: 'any' }),
      ).resolves.toBeDefined();
    });

    it('of two racing appends with the same expected version, one wins and the loser learns the actual version', async () => {
      await store.append('usage-race', [aNewEvent()]);
      const racers = testBackend() === 'postgres' ? await openMoreStores(journal, 1) : [];
      const other = racers[0]?.store ?? store;

      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : store).append('usage-race', [aNewEvent()], { expectedVersion: 0 }),
        ),
      );
      await Promise.all(racers.map((j) => j.close()));

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(losers).toHaveLength(7);
      for (const loser of losers) {
        expect(loser.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(loser.reason).toMatchObject({ streamId: 'usage-race', expectedVersion: 0, actualVersion: 1 });
      }
    });

    it('holds against what another writer appended since this one last wrote (its remembered versions do not outlive that)', async () => {
      // Given a stream this store wrote last at version 0 (its writer remembers that)
      await store.append('usage-shared', [aNewEvent()]);
      const [other] =
        testBackend() === 'postgres'
          ? await openMoreStores(journal, 1)
          : // PGlite serves one process: a second writer on the same database stands in for another.
            [await anotherWriterOn(journal)];

      // When another writer (another process, on PostgreSQL) appends version 1
      await other.store.append('usage-shared', [aNewEvent()], { expectedVersion: 0 });
      await other.close();

      // Then this store refuses an append expecting version 0, and takes one expecting 1 at the next position
      await expect(store.append('usage-shared', [aNewEvent()], { expectedVersion: 0 })).rejects.toMatchObject(
        { streamId: 'usage-shared', expectedVersion: 0, actualVersion: 1 },
      );
      const appended = await store.append('usage-shared', [aNewEvent()], { expectedVersion: 1 });
      expect(appended.events[0]).toMatchObject({ streamVersion: 2, globalPosition: 2 });
    });

    it('appends to several streams atomically: one wrong expected version records nothing at all', async () => {
      await store.append('usage-a', [aNewEvent()]);

      await expect(
        store.appendMany([
          { streamId: 'usage-b', expectedVersion: 'no_stream', events: someNewEvents(2) },
          { streamId: 'usage-a', expectedVersion: 5, events: [aNewEvent()] },
        ]),
      ).rejects.toBeInstanceOf(WrongExpectedVersionError);

      expect(await store.head()).toBe(0);
      expect((await store.readStream('usage-b')).version).toBeNull();
    });

    it('checks several appends to one stream in order within one atomic call', async () => {
      const result = await store.appendMany([
        { streamId: 'usage-a', expectedVersion: 'no_stream', events: [aNewEvent()] },
        { streamId: 'usage-a', expectedVersion: 0, events: [aNewEvent()] },
        { streamId: 'usage-b', expectedVersion: 'no_stream', events: [aNewEvent()] },
      ]);

      expect(result.events.map((e) => `${e.streamId}@${e.streamVersion}#${e.globalPosition}`)).toEqual([
        'usage-a@0#0',
        'usage-a@1#1',
        'usage-b@0#2',
      ]);
    });
  });

  describe('idempotency by event id', () => {
    it('the same id and content again returns the original result and writes nothing', async () => {
      const event = aNewEvent();
      await store.append('usage-ds1', [aNewEvent()]);
      const original = await store.append('usage-ds1', [event], { expectedVersion: 0 });

      const retry = await store.append('usage-ds1', [event], { expectedVersion: 0 });

      expect(retry).toEqual({ events: original.events, alreadyRecorded: true });
      expect(original.alreadyRecorded).toBe(false);
      expect(await store.head()).toBe(1);
    });

    it('the same id with other content is a conflict and writes nothing', async () => {
      const event = aNewEvent();
      await store.append('usage-ds1', [event]);

      await expect(
        store.append('usage-ds1', [{ ...event, data: { ...event.data, recordCount: 11 } }]),
      ).rejects.toBeInstanceOf(EventIdConflictError);
      await expect(store.append('usage-other', [event])).rejects.toBeInstanceOf(EventIdConflictError);
      expect(await store.head()).toBe(0);
    });

    it('retries that race with their original are recorded once', async () => {
      const event = aNewEvent();

      const results = await Promise.all(Array.from({ length: 6 }, () => store.append('usage-ds1', [event])));

      expect(new Set(results.map((r) => r.events[0].globalPosition))).toEqual(new Set([0]));
      expect(results.filter((r) => !r.alreadyRecorded)).toHaveLength(1);
      expect(await store.head()).toBe(0);
    });

    it('a retry and a reused id submitted together with new events answer for themselves only', async () => {
      // given an event recorded earlier
      const recorded = aNewEvent();
      const original = await store.append('usage-ds1', [recorded]);

      // when new events, its retry and its id with other content arrive in the same moment
      const newAppends = Array.from({ length: 8 }, (_, index) =>
        store.append(`usage-new${index}`, [aNewEvent()]),
      );
      const retry = store.append('usage-ds1', [recorded]);
      const reuse = store.append('usage-ds2', [{ ...recorded, data: { ...recorded.data, recordCount: 11 } }]);
      const [written, retried, reused] = await Promise.all([
        Promise.all(newAppends),
        retry,
        reuse.then(
          () => undefined,
          (error: unknown) => error,
        ),
      ]);

      // then the new events take the next positions once each, the retry answers as recorded, the reuse is refused
      expect(written.map((result) => result.events[0].globalPosition).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ]);
      expect(retried).toEqual({ events: original.events, alreadyRecorded: true });
      expect(reused).toBeInstanceOf(EventIdConflictError);
      expect(await store.head()).toBe(8);
    });
  });

  describe('immutability', () => {
    it.each([
      'UPDATE ledger.events SET type = $$Forged$$',
      'DELETE FROM ledger.events',
      'TRUNCATE ledger.events',
    ])('the service role cannot run %s', async (statement) => {
      await store.append('usage-ds1', [aNewEvent()]);

      await expect(journal.database.exec(statement)).rejects.toThrow(/permission denied/);

      expect((await store.readAll({ fromPosition: 0, limit: 10 })).map((e) => e.type)).toEqual([
        'DataAccessed',
      ]);
    });

    it.each([
      'UPDATE ledger.events SET type = $$Forged$$',
      'DELETE FROM ledger.events',
      'TRUNCATE ledger.events',
    ])('even the owner is refused %s by the journal triggers', async (statement) => {
      await store.append('usage-ds1', [aNewEvent()]);

      await expect(asOwner(journal, statement)).rejects.toThrow(/append-only/);

      expect(await store.head()).toBe(0);
    });
  });

  describe('canonical entries', () => {
    it('are stored as their RFC 8785 text with leaf hash SHA-256(0x00 ‖ bytes), and read back exactly as hashed', async () => {
      const event = aNewEvent({
        data: {
          datasetId: 'ds-1',
          principal: 'user-1',
          channel: 'api',
          recordCount: 1e15,
          fields: ['名称', 'é\u2028', '😀', 'z', 'A'],
          '\u20ac': -0,
          '\r': 0.1,
          '1': 1e-7,
        } as never,
      });
      const [appended] = (await store.append('usage-ds1', [event])).events;

      const [stored] = await store.readAll({ fromPosition: 0, limit: 1 });
      const [fromStream] = (await store.readStream('usage-ds1')).entries;

      expect(stored.canonical).toBe(canonicalize(JSON.parse(stored.canonical)));
      expect(stored.leafHash).toBe(appended.leafHash);
      expect(fromStream).toEqual(stored);
      expect(stored.leafHash).toBe(
        createHash('sha256')
          .update(Buffer.from([0]))
          .update(Buffer.from(stored.canonical, 'utf8'))
          .digest('base64'),
      );
      expect(JSON.parse(stored.canonical)).toEqual({
        id: event.id,
        type: 'DataAccessed',
        streamId: 'usage-ds1',
        streamVersion: 0,
        globalPosition: 0,
        recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        occurredAt: event.occurredAt,
        source: event.source,
        data: { ...event.data, '\u20ac': 0 },
        metadata: event.metadata,
        schemaVersion: 1,
      });
    });

    it('recordedAt never decreases with position, even when the clock goes back', async () => {
      const times = [Date.parse('2026-11-29T10:00:00.000Z'), Date.parse('2026-11-29T09:00:00.000Z')];
      const database = await createTestDatabase();
      const clocked = await openJournal({ ...database.journalOptions, clock: () => times.shift() ?? 0 });
      try {
        await clocked.store.append('usage-ds1', [aNewEvent()]);
        await clocked.store.append('usage-ds1', [aNewEvent()]);

        const recordedAt = (await clocked.store.readAll({ fromPosition: 0, limit: 2 })).map(
          (entry) => JSON.parse(entry.canonical).recordedAt,
        );
        expect(recordedAt).toEqual(['2026-11-29T10:00:00.000Z', '2026-11-29T10:00:00.000Z']);
      } finally {
        await clocked.close();
        await database.dispose();
      }
    });
  });

  describe('reading', () => {
    it('reads a stream from a version, with its current version, and an unknown stream as version null', async () => {
      await store.append('usage-a', someNewEvents(3));
      await store.append('usage-b', someNewEvents(1));

      const slice = await store.readStream('usage-a', { fromVersion: 1, limit: 1 });

      expect(slice.version).toBe(2);
      expect(slice.entries.map((e) => e.streamVersion)).toEqual([1]);
      expect(await store.readStream('usage-none')).toEqual({
        streamId: 'usage-none',
        version: null,
        entries: [],
      });
    });

    it('reads all from a position, filtered by type, stream and scope', async () => {
      await store.append('usage-a', someNewEvents(2));
      await store.append('usage_x-b', someNewEvents(1));
      await store.append('usagex-c', someNewEvents(1));

      expect((await store.readAll({ fromPosition: 1, limit: 10 })).map((e) => e.globalPosition)).toEqual([
        1, 2, 3,
      ]);
      expect(
        (await store.readAll({ fromPosition: 0, limit: 10, toPosition: 1 })).map((e) => e.globalPosition),
      ).toEqual([0, 1]);
      expect(
        (await store.readAll({ fromPosition: 0, limit: 10, streamId: 'usage_x-b' })).map(
          (e) => e.globalPosition,
        ),
      ).toEqual([2]);
      expect(
        (
          await store.readAll({
            fromPosition: 0,
            limit: 10,
            scope: { categories: ['usage_x'], streamIds: [] },
          })
        ).map((e) => e.streamId),
      ).toEqual(['usage_x-b']);
      expect(
        (
          await store.readAll({
            fromPosition: 0,
            limit: 10,
            scope: { categories: [], streamIds: ['usagex-c'] },
          })
        ).map((e) => e.streamId),
      ).toEqual(['usagex-c']);
      expect(await store.readAll({ fromPosition: 0, limit: 10, types: ['ApiKeyIssued'] })).toEqual([]);
    });
  });
});

async function expectWrongVersion(
  append: Promise<unknown>,
  expectedVersion: unknown,
  actualVersion: number | null,
) {
  await expect(append).rejects.toBeInstanceOf(WrongExpectedVersionError);
  await expect(append).rejects.toMatchObject({ expectedVersion, actualVersion });
}

function expectStreamVersionsContiguous(entries: StoredEntry[]): void {
  const next = new Map<string, number>();
  for (const entry of entries) {
    expect(entry.streamVersion).toBe(next.get(entry.streamId) ?? 0);
    next.set(entry.streamId, entry.streamVersion + 1);
  }
}

async function openMoreStores(
  journal: { testDatabase: { journalOptions: object } },
  count: number,
): Promise<Journal[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      openJournal({ ...journal.testDatabase.journalOptions, dataDir: 'unused' }),
    ),
  );
}

/** A second store, with a writer of its own, over the same database connection. */
async function anotherWriterOn(journal: Journal): Promise<Pick<Journal, 'store' | 'close'>> {
  const store = await SqlEventStore.open(journal.database);
  return { store, close: () => store.close() };
}

async function asOwner(
  journal: Journal & { testDatabase: { ownerUrl?: string } },
  statement: string,
): Promise<void> {
  if (journal.testDatabase.ownerUrl) {
    await withClient(journal.testDatabase.ownerUrl, (client) => client.query(statement));
    return;
  }
  await journal.database.exec('RESET ROLE');
  try {
    await journal.database.exec(statement);
  } finally {
    await journal.database.exec('SET ROLE ledger_app');
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
