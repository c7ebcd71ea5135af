import type { DatasetState } from '@ledger/domain';

/**
 * Rows of a fixed number of numbers in one typed array: 8 bytes a number outside the JavaScript heap,
 * so a long timeline is neither scanned by the collector nor multiplied by the room V8 keeps to grow
 * into, and one buffer a timeline however short (a buffer costs about 200 bytes of objects besides
 * its contents).
 */
export class NumberColumns {
  private values: Float64Array;
  rows = 0;

  constructor(
    private readonly width: number,
    initialRows = 4,
  ) {
    this.values = new Float64Array(width * initialRows);
  }

  push(...row: number[]): void {
    if ((this.rows + 1) * this.width > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const at = this.rows * this.width;
    for (let column = 0; column < this.width; column++) this.values[at + column] = row[column];
    this.rows++;
  }

  at(row: number, column: number): number {
    return this.values[row * this.width + column];
  }

  /** The last row whose value in `column` is at or below `bound` (that column ascends), or -1. */
  lastRowAtOrBefore(column: number, bound: number): number {
    let low = 0;
    let high = this.rows;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.values[middle * this.width + column] <= bound) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }

  get bytes(): number {
    return this.values.byteLength;
  }
}

/** A kept state without its own copy of the release list: `count` versions of the timeline's release log. */
interface CompactSnapshot {
  state: DatasetState;
  log?: number[];
  count: number;
}

const POSITION = 0;
const RECORDED_AT = 1;
const NO_RELEASES: number[] = [];

/**
 * What the cache's bound counts, in bytes of memory actually taken, as measured by
 * dataset-timeline.spec.ts (heap and buffers after a full collection, over thousands of timelines):
 * - every timeline: its own object, its columns' object, typed array and buffer, the snapshot list,
 *   the tip's object and the cache's entry with its stream id;
 * - every kept state: its object and its copy of the state's members;
 * - every release: 8 bytes in the tip's list and about 14 in the log (which grows by half again);
 * - every registration: its strings and objects, walked once (`roughHeapBytes`).
 */
const TIMELINE_BYTES = 1200;
const SNAPSHOT_BYTES = 250;
const RELEASE_BYTES = 22;

/**
 * What is known of one dataset stream: each version's position and recorded time, for finding where an
 * as-of point falls, and the folded state every `snapshotEvery` events. The journal is append-only, so
 * nothing known ever goes stale; a read only has to add what was appended since.
 *
 * A dataset's release list only ever grows (a registration starts it anew), so the kept states share
 * one log of it instead of each holding a copy: a stream of n releases costs n numbers, not n²/100.
 */
export class DatasetTimeline {
  /** Each version's journal position and recordedAt (epoch ms); both ascend. */
  private readonly versions = new NumberColumns(2);
  /** The state after every known event. */
  tip: DatasetState;
  /** The kept states after the first 50, 100, … events (index 0, the state before any, is the initial one). */
  private readonly snapshots: CompactSnapshot[] = [];
  /** The tip's releases, shared by the snapshots taken since the stream's last registration. */
  private releaseLog: number[] = [];
  private lastRegistration: object | undefined;
  private registrationBytes = 0;

  constructor(
    private readonly initial: DatasetState,
    private readonly snapshotEvery: number,
  ) {
    this.tip = initial;
  }

  get length(): number {
    return this.versions.rows;
  }

  /** Adds the stream's next event: where it was recorded, and the state after it. */
  add(globalPosition: number, recordedAtMs: number, state: DatasetState): void {
    this.tip = state;
    this.versions.push(globalPosition, recordedAtMs);
    this.followReleases(state);
    if (state.status !== 'unregistered' && state.registration !== this.lastRegistration) {
      this.lastRegistration = state.registration;
      this.registrationBytes += roughHeapBytes(state.registration);
    }
    if (this.length % this.snapshotEvery === 0) {
      this.snapshots.push(
        state.status === 'unregistered'
          ? { state, count: 0 }
          : {
              state: { ...state, releases: NO_RELEASES },
              log: this.releaseLog,
              count: state.releases.length,
            },
      );
    }
  }

  positionOf(version: number): number {
    return this.versions.at(version, POSITION);
  }

  /** The position of the last known event, or -1 when none is known. */
  lastPosition(): number {
    return this.length === 0 ? -1 : this.positionOf(this.length - 1);
  }

  /** The last version written at or before this journal position, or -1. */
  versionAtPosition(position: number): number {
    return this.versions.lastRowAtOrBefore(POSITION, position);
  }

  /** The last version recorded at or before this time (epoch ms), or -1. */
  versionAtTime(time: number): number {
    return this.versions.lastRowAtOrBefore(RECORDED_AT, time);
  }

  /** The state after the first `index * snapshotEvery` events. */
  snapshot(index: number): DatasetState {
    if (index === 0) return this.initial;
    const { state, log, count } = this.snapshots[index - 1];
    if (state.status === 'unregistered' || log === undefined) return state;
    return { ...state, releases: log.slice(0, count) };
  }

  /** The part of `bytes` outside V8's heap, exactly: its typed array's buffer. */
  get bufferBytes(): number {
    return this.versions.bytes;
  }

  /** The memory it takes, in bytes: what the cache's bound counts. */
  get bytes(): number {
    const tipReleases = this.tip.status === 'unregistered' ? 0 : this.tip.releases.length;
    return (
      TIMELINE_BYTES +
      this.versions.bytes +
      SNAPSHOT_BYTES * this.snapshots.length +
      RELEASE_BYTES * Math.max(this.releaseLog.length, tipReleases) +
      this.registrationBytes
    );
  }

  /** Keeps the release log equal to the tip's releases: one more version, or a fresh list after a registration. */
  private followReleases(state: DatasetState): void {
    const releases = state.status === 'unregistered' ? NO_RELEASES : state.releases;
    const log = this.releaseLog;
    if (releases.length === log.length && releases[log.length - 1] === log[log.length - 1]) return;
    if (
      releases.length === log.length + 1 &&
      (log.length === 0 || releases[log.length - 1] === log[log.length - 1])
    ) {
      log.push(releases[releases.length - 1]);
      return;
    }
    // A new registration (or anything else that is not one more release): earlier snapshots keep the old log.
    this.releaseLog = releases.slice();
  }
}

/**
 * About what a value parsed from JSON takes on V8's heap: 16 bytes of header a string plus one byte a
 * character (two when any is beyond Latin-1), 32 an array plus 8 an element, 24 an object plus 16 a
 * member, 16 a number that is not a small integer. Close enough to bound a cache by; not exact.
 */
export function roughHeapBytes(value: unknown): number {
  if (typeof value === 'string') return 16 + value.length * (/[\u0100-\uffff]/.test(value) ? 2 : 1);
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 30 ? 0 : 16;
  if (Array.isArray(value)) {
    return value.reduce((sum: number, element) => sum + 8 + roughHeapBytes(element), 32);
  }
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce((sum: number, member) => sum + 16 + roughHeapBytes(member), 24);
  }
  return 0;
}
