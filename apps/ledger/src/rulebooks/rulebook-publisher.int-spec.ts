import type { LedgerEntry } from '@ledger/events';
import {
  CommandLoop,
  createLogger,
  EventDataValidator,
  loadRulebooks,
  Rulebook,
  RulebookError,
  Rulebooks,
} from '@ledger/runtime';
import { EventStore, openJournal } from '@ledger/store';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { RulebookPublisher } from './rulebook-publisher';

const STREAM = 'rulebook-shanghai-public-data-2019';
const [shipped] = loadRulebooks();
const nextVersion: Rulebook = {
  ...shipped,
  version: 2,
  inForceFrom: '2030-01-01',
  title: `${shipped.title} (2030)`,
};
const editedInPlace: Rulebook = { ...shipped, title: `${shipped.title}, quietly edited` };

const publisherOver = (store: EventStore, versions: Rulebook[]) => {
  const rulebooks = new Rulebooks(versions);
  return new RulebookPublisher(
    new CommandLoop(store, rulebooks, new EventDataValidator()),
    rulebooks,
    createLogger('silent'),
  );
};

describe(`recording rulebook versions on ${testBackend()}`, () => {
  let journal: Awaited<ReturnType<typeof openTestJournal>>;

  beforeEach(async () => {
    journal = await openTestJournal();
  });

  afterEach(async () => {
    await journal.dispose();
  });

  const recorded = async () =>
    (await journal.store.readStream(STREAM)).entries.map(
      (stored) => JSON.parse(stored.canonical) as LedgerEntry,
    );

  it('records each version once its inForceFrom day has begun in Shanghai, and nothing before', async () => {
    const publisher = publisherOver(journal.store, [shipped, nextVersion]);

    await publisher.publishInForce(new Date('2029-12-31T15:59:59Z'));
    expect((await recorded()).map((entry) => entry.data.version)).toEqual([1]);

    const later = await publisher.publishInForce(new Date('2029-12-31T16:00:00Z'));
    expect(later.map((rulebook) => rulebook.version)).toEqual([2]);
    const entries = await recorded();
    expect(entries.map((entry) => entry.data.version)).toEqual([1, 2]);
    expect(entries[1].metadata.legalBasis.rulebook).toBe('shanghai-public-data-2019/v2');
  });

  it('records nothing when every version in force is already recorded', async () => {
    await publisherOver(journal.store, [shipped]).publishInForce(new Date());
    const head = await journal.store.head();

    expect(await publisherOver(journal.store, [shipped]).publishInForce(new Date())).toEqual([]);

    expect(await journal.store.head()).toBe(head);
  });

  it('refuses to go on when the file of a recorded version has changed since', async () => {
    await publisherOver(journal.store, [shipped]).publishInForce(new Date());

    const publishing = publisherOver(journal.store, [editedInPlace]).publishInForce(new Date());

    await expect(publishing).rejects.toThrow(RulebookError);
    await expect(publishing).rejects.toThrow(
      /^rulebooks\/shanghai-public-data-2019\.v1\.json has changed since shanghai-public-data-2019\/v1 was recorded in the journal .*publish the change as a new version, rulebooks\/shanghai-public-data-2019\.v2\.json/,
    );
    expect(await recorded()).toHaveLength(1);
  });

  it('refuses to go on when the file of a recorded version is gone', async () => {
    await publisherOver(journal.store, [shipped, nextVersion]).publishInForce(
      new Date('2030-06-01T00:00:00Z'),
    );

    await expect(publisherOver(journal.store, [shipped]).publishInForce(new Date())).rejects.toThrow(
      /^rulebooks\/shanghai-public-data-2019\.v2\.json is missing, but the journal records shanghai-public-data-2019\/v2/,
    );
  });

  it('records a version once when several instances start at the same moment', async () => {
    // On PostgreSQL each instance has its own connections to the same database, as separate processes would.
    const others =
      testBackend() === 'postgres'
        ? await Promise.all([1, 2].map(() => openJournal(journal.testDatabase.journalOptions)))
        : [];
    try {
      const stores = [journal.store, journal.store, ...others.map((other) => other.store)];
      const outcomes = await Promise.all(
        stores.map((store) => publisherOver(store, [shipped]).publishInForce(new Date())),
      );

      expect(outcomes.flat()).toHaveLength(1);
      expect(await recorded()).toHaveLength(1);
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
  });
});
