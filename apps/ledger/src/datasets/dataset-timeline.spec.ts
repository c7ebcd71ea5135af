import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectPath } from '@ledger/store';
import { DatasetState, initialDatasetState } from '@ledger/domain';
import { DatasetTimeline, NumberColumns } from './dataset-timeline';
import { TIMELINE_SHAPES } from './testing/weigh-timelines';

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
  it('given thousands of timelines of each shape, weighed in a process of their own, when their bytes are summed, then each sum is within a quarter of the memory they take', () => {
    const output = execFileSync(
      projectPath('node_modules', '.bin', 'ts-node'),
      ['--swc', '-r', 'tsconfig-paths/register', join(__dirname, 'testing', 'weigh-timelines.ts')],
      {
        cwd: join(projectPath('tsconfig.json'), '..'),
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    const weighed = JSON.parse(output) as { shape: string; counted: number; taken: number }[];

    // Each shape with its ratio rounded to a tenth, so that a failure shows how far off it is.
    const ratios = weighed.map(({ shape, counted, taken }): [string, number] => [
      shape,
      Math.round((10 * counted) / taken) / 10,
    ]);
    expect(ratios.map(([shape]) => shape)).toEqual(TIMELINE_SHAPES.map(([shape]) => shape));
    expect(ratios.filter(([, ratio]) => !(ratio >= 0.8 && ratio <= 1.25))).toEqual([]);
  }, 120_000);
});
