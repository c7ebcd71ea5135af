/**
 * Weighs dataset timelines as the history cache holds them, in a process of its own: builds each shape
 * of dataset-timeline.spec.ts between two settled full collections and prints, as JSON, what the
 * timelines count (`bytes`) beside the memory they took (heap, plus their buffers, exact by
 * construction). A Jest worker shares its heap with earlier suites, whose leftovers are freed at times
 * no test controls; a fresh process has none.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DatasetEvent, evolveDataset, initialDatasetState } from '@ledger/domain';
import { DatasetTimeline } from '../dataset-timeline';

/** Full collections, made possible only when weighing: the spec imports the shapes from here too. */
let gc: (() => void) | undefined;
const collectGarbage = (): void => {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
};
const settledHeap = async (): Promise<number> => {
  let previous = Number.NaN;
  for (let attempt = 0; attempt < 40; attempt++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = process.memoryUsage().heapUsed;
    if (Math.abs(now - previous) < 32 * 1024) return now;
    previous = now;
  }
  return previous;
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
function cacheOf(count: number, releases: number, registeredAgainAt?: number): Map<string, DatasetTimeline> {
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

export const TIMELINE_SHAPES: [string, number, number, number | undefined][] = [
  ['5,000 short timelines (registered, released once)', 5_000, 1, undefined],
  ['2,000 timelines of 10 releases', 2_000, 10, undefined],
  ['200 timelines of 200 releases', 200, 200, undefined],
  ['100 timelines registered again halfway through 600 releases', 100, 600, 300],
  ['20 timelines of 3,000 releases', 20, 3_000, undefined],
];

/** One shape, in a call of its own: its timelines are garbage once it returns, before the next is weighed. */
async function weigh(
  count: number,
  releases: number,
  registeredAgainAt: number | undefined,
): Promise<{ counted: number; taken: number }> {
  const before = await settledHeap();
  const cache = cacheOf(count, releases, registeredAgainAt);
  const heapTaken = (await settledHeap()) - before;
  let counted = 0;
  let buffers = 0;
  for (const timeline of cache.values()) {
    counted += timeline.bytes;
    buffers += timeline.bufferBytes;
  }
  return { counted, taken: heapTaken + buffers };
}

async function main(): Promise<void> {
  const weighed: { shape: string; counted: number; taken: number }[] = [];
  for (const [shape, count, releases, registeredAgainAt] of TIMELINE_SHAPES) {
    weighed.push({ shape, ...(await weigh(count, releases, registeredAgainAt)) });
  }
  process.stdout.write(JSON.stringify(weighed));
}

if (require.main === module) void main();
