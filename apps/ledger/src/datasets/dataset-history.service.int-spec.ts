import { changesOf, DatasetEvent, DatasetState, evolveDataset, initialDatasetState } from '@ledger/domain';
import type { LedgerEntry } from '@ledger/events';
import { CommandLoop, EventDataValidator, loadRulebooks, Rulebooks } from '@ledger/runtime';
import type { StoredEntry } from '@ledger/store';
import { aLongDatasetHistory, seededRandom } from '../../../../test/builders/dataset-history';
import { aNewEvent } from '../../../../test/builders/events';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { DatasetHistoryService } from './dataset-history.service';

const STREAM = 'dataset-long';

/** Every state of the stream, folded from scratch: `states[v]` is the state after version v. */
function fullFold(entries: StoredEntry[]): DatasetState[] {
  const states: DatasetState[] = [];
  let state = initialDatasetState;
  for (const stored of entries) {
    const entry = JSON.parse(stored.canonical) as LedgerEntry;
    state = evolveDataset(state, { type: entry.type, data: entry.data } as unknown as DatasetEvent);
    states.push(state);
  }
  return states;
}

describe(`a dataset's history from cached snapshots on ${testBackend()}`, () => {
  let journal: Awaited<ReturnType<typeof openTestJournal>>;
  let loop: CommandLoop;

  beforeAll(async () => {
    journal = await openTestJournal();
    loop = new CommandLoop(journal.store, new Rulebooks(loadRulebooks()), new EventDataValidator());
    const history = aLongDatasetHistory(230, { random: seededRandom(7) });
    // Other streams' events in between, so the dataset's positions are not its versions.
    for (let i = 0; i < history.length; i += 10) {
      await journal.store.append(STREAM, history.slice(i, i + 10));
      await journal.store.append('usage-long', [aNewEvent()]);
    }
  });

  afterAll(async () => {
    await journal.dispose();
  });

  const service = (snapshotEvery: number, maxCachedBytes = 64 * 1024 * 1024) =>
    new DatasetHistoryService(loop, journal.store, { snapshotEvery, maxCachedBytes });

  it.each([1, 7, 100, 1000])(
    'answers the full fold at every position, with a snapshot every %i events',
    async (snapshotEvery) => {
      const history = service(snapshotEvery);
      const { entries } = await journal.store.readStream(STREAM);
      const states = fullFold(entries);
      const head = await journal.store.head();
      for (let position = 0; position <= head; position++) {
        const version = entries.filter((entry) => entry.globalPosition <= position).length - 1;
        const then = await history.asOf('long', { position });
        if (version < 0) expect(then).toBeUndefined();
        else
          expect(then).toEqual({
            state: states[version],
            version,
            position: entries[version].globalPosition,
          });
      }
    },
  );

  it('answers the full fold at every recorded time', async () => {
    const history = service(7);
    const { entries } = await journal.store.readStream(STREAM);
    const states = fullFold(entries);
    const times = entries.map((stored) =>
      Date.parse((JSON.parse(stored.canonical) as LedgerEntry).recordedAt),
    );
    for (const time of new Set(times.flatMap((t) => [t - 1, t]))) {
      const version = times.filter((t) => t <= time).length - 1;
      const then = await history.asOf('long', { time });
      expect(then?.state).toEqual(version < 0 ? undefined : states[version]);
      expect(then?.version).toEqual(version < 0 ? undefined : version);
    }
  });

  it('pages the timeline with each event’s changes against the full fold, from any cursor', async () => {
    const history = service(7);
    const { entries } = await journal.store.readStream(STREAM);
    const states = fullFold(entries);
    const items = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await history.history('long', { cursor, limit: 13 });
      items.push(...(page?.items ?? []));
      if (page?.next === undefined) break;
      cursor = Number(page.next);
    }
    expect(items.map((item) => item.streamVersion)).toEqual(entries.map((entry) => entry.streamVersion));
    items.forEach((item, version) => {
      expect(item.changes).toEqual(changesOf(states[version - 1] ?? initialDatasetState, states[version]));
    });
  });

  it('keeps up with appends after its cache was filled, and stays right after evicting', async () => {
    // A bound of 2 kB holds one of these streams at most.
    const history = service(7, 2048);
    await history.current('long');
    expect(await history.current('other')).toBeUndefined();
    const more = aLongDatasetHistory(30, { random: seededRandom(8) });
    await journal.store.append('dataset-other', more);
    // Caching the other stream evicts this one.
    expect((await history.current('other'))?.version).toBe(29);
    const { entries } = await journal.store.readStream('dataset-other');
    const states = fullFold(entries);
    for (const [index, stored] of entries.entries()) {
      expect((await history.asOf('other', { position: stored.globalPosition }))?.state).toEqual(
        states[index],
      );
    }
    const longStates = fullFold((await journal.store.readStream(STREAM)).entries);
    expect((await history.current('long'))?.state).toEqual(longStates[longStates.length - 1]);
  });
});
