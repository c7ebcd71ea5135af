import { DatasetState, initialDatasetState } from '@ledger/domain';
import { DatasetTimeline, NumberColumn } from './dataset-timeline';

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

describe('a number column', () => {
  it('given more values than its first capacity, when searched, then it finds the last at or before a bound', () => {
    const column = new NumberColumn();
    for (let value = 0; value < 100; value++) column.push(value * 10);

    expect([column.length, column.at(99), column.last()]).toEqual([100, 990, 990]);
    expect(column.lastAtOrBefore(-1)).toBe(-1);
    expect(column.lastAtOrBefore(0)).toBe(0);
    expect(column.lastAtOrBefore(15)).toBe(1);
    expect(column.lastAtOrBefore(5_000)).toBe(99);
    expect(new NumberColumn().last()).toBeUndefined();
  });
});
