import { aNewEvent, someNewEvents } from '../../../test/builders/events';
import {
  createTestDatabase,
  pgliteTemplate,
  temporaryDirectory,
  testBackend,
  TestDatabase,
} from '../../../test/support/test-backend';
import { Journal, openJournal } from './open-journal';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-29T10:00:00.000Z');

/** A clock the test moves: the system clock jumping back is `clock.now -= HOUR`. */
class SteppedClock {
  constructor(public now: number) {}
  readonly read = () => this.now;
}

/** Every entry's recordedAt (canonical entry and row column) in position order. */
async function recordedTimes(journal: Journal): Promise<{ position: number; entry: string; row: string }[]> {
  const rows = await journal.database.query<{ position: string; entry: string; row_ms: string }>(
    `SELECT global_position::text AS position, entry,
            floor(extract(epoch FROM recorded_at) * 1000)::text AS row_ms
       FROM ledger.events ORDER BY global_position`,
  );
  return rows.map((row) => ({
    position: Number(row.position),
    entry: (JSON.parse(row.entry) as { recordedAt: string }).recordedAt,
    row: new Date(Number(row.row_ms)).toISOString(),
  }));
}

function expectNonDecreasing(times: { position: number; entry: string; row: string }[]): void {
  // Positions gapless from 0, the row's column equal to the entry's field, and never earlier than the one before.
  expect(times.map((t) => t.position)).toEqual(times.map((_, i) => i));
  for (const t of times) expect(t.row).toBe(t.entry);
  const backwards = times.filter((t, i) => i > 0 && t.entry < times[i - 1].entry);
  expect(backwards).toEqual([]);
}

/**
 * recordedAt is taken under the append lock, from the injected clock (JournalOptions.clock), as
 * max(clock, the head's recordedAt): it never decreases with position, even when the system clock
 * steps back (NTP, a VM restored) — the audit trail's time bounds bisect on it. Against the backend
 * LEDGER_TEST_BACKEND names.
 */
describe(`recordedAt when the clock goes back, on ${testBackend()}`, () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await database.dispose();
  });

  it('stays at the last recorded time while the clock is an hour behind, and follows the clock once it has caught up', async () => {
    const clock = new SteppedClock(T0);
    const journal = await openJournal({ ...database.journalOptions, clock: clock.read });
    try {
      await journal.store.append('usage-ds1', someNewEvents(3));
      clock.now = T0 + 1_500;
      await journal.store.append('usage-ds2', [aNewEvent()]);

      clock.now -= HOUR;
      // Concurrent requests share group commits: single events and a batch, several streams.
      await Promise.all([
        journal.store.append('usage-ds1', [aNewEvent()]),
        journal.store.append('usage-ds2', someNewEvents(4)),
        journal.store.append('usage-ds3', [aNewEvent()]),
      ]);
      clock.now += 30 * 60_000; // still half an hour behind
      await journal.store.append('usage-ds1', [aNewEvent()]);
      clock.now = T0 + 2_000; // past the last recorded time again
      await journal.store.append('usage-ds1', [aNewEvent()]);

      const times = await recordedTimes(journal);
      expectNonDecreasing(times);
      expect(times.map((t) => t.entry)).toEqual([
        ...Array(3).fill('2026-11-29T10:00:00.000Z'),
        '2026-11-29T10:00:01.500Z',
        // the clock an hour, then half an hour, behind: the head's time, not the clock's
        ...Array(7).fill('2026-11-29T10:00:01.500Z'),
        '2026-11-29T10:00:02.000Z',
      ]);
    } finally {
      await journal.close();
    }
  });

  it('never decreases across writers whose clocks disagree by an hour (another process, or a restart after the clock stepped back)', async () => {
    const ahead = new SteppedClock(T0);
    const behind = new SteppedClock(T0 - HOUR);
    if (testBackend() === 'postgres') {
      // Two processes on one database: the lock orders them and each reads the head's time under it.
      const first = await openJournal({ ...database.journalOptions, clock: ahead.read });
      const second = await openJournal({ ...database.journalOptions, clock: behind.read });
      try {
        for (let round = 0; round < 5; round++) {
          ahead.now += 100;
          behind.now += 100;
          await Promise.all([
            first.store.append(`usage-a${round}`, someNewEvents(2)),
            second.store.append(`usage-b${round}`, someNewEvents(2)),
            second.store.append(`usage-c${round}`, [aNewEvent()]),
          ]);
        }
        const times = await recordedTimes(first);
        expectNonDecreasing(times);
        expect(times).toHaveLength(25);
        // Nothing is recorded at the lagging clock's time once the leading one has written.
        const firstAhead = times.findIndex((t) => t.entry >= '2026-11-29T10:00:00.000Z');
        expect(times.slice(firstAhead).every((t) => t.entry >= '2026-11-29T10:00:00.100Z')).toBe(true);
      } finally {
        await first.close();
        await second.close();
      }
      return;
    }
    // PGlite: one process at a time; the ledger restarted on its directory with the clock an hour back.
    const directory = temporaryDirectory('recorded-at-clock');
    try {
      const before = await openJournal({
        dataDir: directory.path,
        pgliteSnapshot: pgliteTemplate(),
        clock: ahead.read,
      });
      await before.store.append('usage-ds1', someNewEvents(2));
      await before.close();
      const after = await openJournal({ dataDir: directory.path, clock: behind.read });
      try {
        await after.store.append('usage-ds1', someNewEvents(2));
        behind.now = T0 + 5_000;
        await after.store.append('usage-ds1', [aNewEvent()]);
        const times = await recordedTimes(after);
        expectNonDecreasing(times);
        expect(times.map((t) => t.entry)).toEqual([
          ...Array(4).fill('2026-11-29T10:00:00.000Z'),
          '2026-11-29T10:00:05.000Z',
        ]);
      } finally {
        await after.close();
      }
    } finally {
      directory.remove();
    }
  });
});
