import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DatasetEvent, DatasetState, evolveDataset, initialDatasetState } from '@ledger/domain';
import { DatasetTimeline, NumberColumns } from './dataset-timeline';

const registered = (releases: number[], title = 'Bus stops'): DatasetState =>
  ({
    status: releases.length > 0 ? 'open' : 'registered',
    title,
    organizationId: 'city-bureau',
    classification: 'unconditional',
    fields: ['stop'],
    updateFrequency: 'daily',
    releases,
  }) as unknown as DatasetState;

describe('a dataset timeline', () => {
  it('given states with growing releases, when its snapshots are read, then each equals the state it kept', () => {
    const timeline = new DatasetTimeline(initialDatasetState, 2);
    const states = [
      registered([]),
      registered([1]),
      registered([1, 2]),
      registered([1, 2]),
      registered([1, 2, 5]),
    ];
    states.forEach((state, version) => timeline.add(100 + version, 1_000 + version, state));

    expect(timeline.snapshot(0)).toEqual(initialDatasetState);
    expect(timeline.snapshot(1)).toEqual(states[1]);
    expect(timeline.snapshot(2)).toEqual(states[3]);
  });

  it('given a registration that starts the releases anew, when earlier snapshots are read, then they keep their own releases', () => {
    const timeline = new DatasetTimeline(initialDatasetState, 1);
    const states = [
      registered([]),
      registered([1]),
      registered([1, 2]),
      registered([], 'Again'),
      registered([7], 'Again'),
    ];
    states.forEach((state, version) => timeline.add(version, version, state));

    expect([1, 2, 3, 4, 5].map((index) => timeline.snapshot(index))).toEqual(states);
  });

  it('given a snapshot was read, when its releases are changed by the reader, then the timeline is not', () => {
    const timeline = new DatasetTimeline(initialDatasetState, 1);
    timeline.add(0, 0, registered([1, 2]));

    const read = timeline.snapshot(1) as { releases: number[] };
    read.releases.push(99);

    expect(timeline.snapshot(1)).toEqual(registered([1, 2]));
  });
});

describe('a number column table', () => {
  it('given more rows than its first capacity, when searched by a column, then it finds the last row at or below a bound', () => {
    const columns = new NumberColumns(2);
    for (let row = 0; row < 100; row++) columns.push(row * 10, 5_000 + row);

    expect([columns.rows, columns.at(99, 0), columns.at(99, 1)]).toEqual([100, 990, 5_099]);
    expect(columns.lastRowAtOrBefore(0, -1)).toBe(-1);
    expect(columns.lastRowAtOrBefore(0, 0)).toBe(0);
    expect(columns.lastRowAtOrBefore(0, 15)).toBe(1);
    expect(columns.lastRowAtOrBefore(0, 5_000)).toBe(99);
    expect(columns.lastRowAtOrBefore(1, 5_010)).toBe(10);
  });
});

describe('what a timeline says it takes', () => {
  // Heap and buffers after full collections: only the timelines built in between can account for the difference.
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;
  const memoryInUse = (): number => {
    collectGarbage();
    collectGarbage();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };

  const registration = (n: number) =>
    // Parsed from JSON, as the history service's events are, so that every string is the dataset's own.
    JSON.parse(
      JSON.stringify({
        title: n % 3 === 0 ? `上海市公共交通站点数据 ${n}` : `Bus stops of district ${n}`,
        organizationId: `bureau-${n % 7}`,
        classification: 'unconditional',
        classificationBasis: 'Measures art. 11: no personal information, no state secrets',
        fields: ['stop_id', 'name', 'latitude', 'longitude', 'district'],
        updateFrequency: 'daily',
      }),
    );
  const registeredEvent = (n: number): DatasetEvent =>
    ({ type: 'DatasetRegistered', data: registration(n) }) as unknown as DatasetEvent;
  const releasedEvent = (version: number): DatasetEvent =>
    ({ type: 'DatasetReleased', data: { version, checksum: 'sha256:00' } }) as unknown as DatasetEvent;

  /** Timelines as the history cache holds them: by stream id, each registered, released, perhaps registered again. */
  function cacheOf(
    count: number,
    releases: number,
    registeredAgainAt?: number,
  ): Map<string, DatasetTimeline> {
    const cache = new Map<string, DatasetTimeline>();
    let position = 0;
    for (let n = 0; n < count; n++) {
      const timeline = new DatasetTimeline(initialDatasetState, 50);
      let state = evolveDataset(initialDatasetState, registeredEvent(n));
      timeline.add(position++, 1.7e12 + position, state);
      for (let version = 1; version <= releases; version++) {
        state =
          version === registeredAgainAt
            ? evolveDataset(initialDatasetState, registeredEvent(count + n))
            : evolveDataset(state, releasedEvent(version));
        timeline.add(position++, 1.7e12 + position, state);
      }
      cache.set(`dataset-${randomUUID()}`, timeline);
    }
    return cache;
  }

  it.each([
    ['5,000 short timelines (registered, released once)', 5_000, 1, undefined],
    ['2,000 timelines of 10 releases', 2_000, 10, undefined],
    ['200 timelines of 200 releases', 200, 200, undefined],
    ['100 timelines registered again halfway through 600 releases', 100, 600, 300],
    ['20 timelines of 3,000 releases', 20, 3_000, undefined],
  ])(
    'given %s, when their bytes are summed, then the sum is within a quarter of the memory they take',
    (_, count, releases, registeredAgainAt) => {
      const before = memoryInUse();
      const cache = cacheOf(count, releases, registeredAgainAt);
      const taken = memoryInUse() - before;

      let counted = 0;
      for (const timeline of cache.values()) counted += timeline.bytes;

      expect(counted / taken).toBeGreaterThan(0.8);
      expect(counted / taken).toBeLessThan(1.25);
    },
  );
});
