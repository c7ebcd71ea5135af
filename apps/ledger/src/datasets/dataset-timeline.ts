import type { DatasetState } from '@ledger/domain';

/**
 * A growing column of numbers in a typed array: 8 bytes a value outside the JavaScript heap, so a
 * long timeline is neither scanned by the collector nor multiplied by the room V8 keeps to grow into.
 */
export class NumberColumn {
  private values = new Float64Array(16);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  at(index: number): number {
    return this.values[index];
  }

  /** The last value, or undefined when empty. */
  last(): number | undefined {
    return this.length === 0 ? undefined : this.values[this.length - 1];
  }

  /** The index of the last value at or below `bound` (the column ascends), or -1. */
  lastAtOrBefore(bound: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.values[middle] <= bound) low = middle + 1;
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

/** A snapshot object's own memory besides its releases (its other members are shared with the state it came from). */
const SNAPSHOT_BYTES = 256;
const NO_RELEASES: number[] = [];

/**
 * What is known of one dataset stream: each version's position and recorded time, for finding where an
 * as-of point falls, and the folded state every `snapshotEvery` events. The journal is append-only, so
 * nothing known ever goes stale; a read only has to add what was appended since.
 *
 * A dataset's release list only ever grows (a registration starts it anew), so the kept states share
 * one log of it instead of each holding a copy: a stream of n releases costs n numbers, not n²/100.
 */
export class DatasetTimeline {
  readonly positions = new NumberColumn();
  /** Each version's recordedAt, epoch ms. */
  readonly recordedAt = new NumberColumn();
  /** The state after every known event. */
  tip: DatasetState;
  private readonly snapshots: CompactSnapshot[];
  /** The tip's releases, shared by the snapshots taken since the stream's last registration. */
  private releaseLog: number[] = [];
  private snapshotBytes = 0;

  constructor(
    initial: DatasetState,
    private readonly snapshotEvery: number,
  ) {
    this.tip = initial;
    this.snapshots = [{ state: initial, count: 0 }];
  }

  get length(): number {
    return this.positions.length;
  }

  /** Adds the stream's next event: where it was recorded, and the state after it. */
  add(globalPosition: number, recordedAtMs: number, state: DatasetState): void {
    this.tip = state;
    this.positions.push(globalPosition);
    this.recordedAt.push(recordedAtMs);
    this.followReleases(state);
    if (this.positions.length % this.snapshotEvery === 0) {
      this.snapshots.push(
        state.status === 'unregistered'
          ? { state, count: 0 }
          : {
              state: { ...state, releases: NO_RELEASES },
              log: this.releaseLog,
              count: state.releases.length,
            },
      );
      this.snapshotBytes += SNAPSHOT_BYTES;
    }
  }

  /** The state after the first `index * snapshotEvery` events. */
  snapshot(index: number): DatasetState {
    const { state, log, count } = this.snapshots[index];
    if (state.status === 'unregistered' || log === undefined) return state;
    return { ...state, releases: log.slice(0, count) };
  }

  /** What it holds, roughly: what the cache's bound counts. */
  get bytes(): number {
    const tipReleases = this.tip.status === 'unregistered' ? 0 : this.tip.releases.length;
    return (
      this.positions.bytes +
      this.recordedAt.bytes +
      this.snapshotBytes +
      8 * (this.releaseLog.length + tipReleases)
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
