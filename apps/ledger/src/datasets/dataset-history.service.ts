import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  changesOf,
  DATASET_EVENT_TYPES,
  DatasetEvent,
  DatasetState,
  evolveDataset,
  initialDatasetState,
  StateChange,
  summarise,
} from '@ledger/domain';
import type { Actor, LedgerEntry, LegalBasis } from '@ledger/events';
import { CommandLoop, EVENT_STORE, LedgerMetrics, UnreadableEventError } from '@ledger/runtime';
import type { EventStore, StoredEntry } from '@ledger/store';
import { Problem } from '../http/problem';
import { datasetStreamId } from './dataset-commands.handler';
import { DatasetTimeline as Timeline } from './dataset-timeline';

/** A dataset's state after one of its events: which version of the stream, at which journal position. */
export interface DatasetAt {
  state: DatasetState;
  version: number;
  position: number;
}

/** Where to stop folding: a journal position, or a time compared with `recordedAt` (epoch ms). */
export type AsOf = { position: number } | { time: number };

export interface HistoryItem {
  globalPosition: number;
  streamVersion: number;
  type: DatasetEvent['type'];
  recordedAt: string;
  actor: Actor;
  legalBasis: LegalBasis;
  summary: string;
  changes: StateChange[];
}

export interface HistoryPage {
  items: HistoryItem[];
  /** The last streamVersion of this page, when later events exist. */
  next?: string;
}

export interface HistoryOptions {
  /** How many events apart the cached states lie: an as-of read folds fewer than this many events. */
  snapshotEvery: number;
  /** The cache's bound, in (estimated) bytes of all cached streams together. */
  maxCachedBytes: number;
}

export const HISTORY_OPTIONS = Symbol('HISTORY_OPTIONS');

/**
 * Every 50 events: an as-of read folds 25 events on average (measured: every 100 took three times the
 * time per read, every 25 twice the memory). What a timeline takes is counted as dataset-timeline.ts
 * measures it: about 1.8 kB for a short stream, about 0.5 MB for one of 10,000 releases (16 bytes an
 * event for its position and time, outside the heap; 22 a release; 250 a kept state). 32 MB then
 * keeps about 18,000 short streams, or some sixty long ones.
 */
const DEFAULT_OPTIONS: HistoryOptions = { snapshotEvery: 50, maxCachedBytes: 32 * 1024 * 1024 };

/** Entries read per statement while catching a stream up: bounds the memory one cold read takes. */
const PAGE = 1_000;

/**
 * A dataset's past (http-api.md, "Views"): its timeline, its state as of a time or position, and the
 * difference between two positions, all folded from the journal with the deciders' own `evolve` (through
 * the command loop's upcasting and checking `toDomainEvent`), so the view and the decisions cannot
 * disagree. A state as of any point starts from the nearest cached state at or before it and folds at
 * most `snapshotEvery - 1` events read for the purpose.
 */
@Injectable()
export class DatasetHistoryService {
  /** Least recently used first, each with the bytes it counted when last remembered. */
  private readonly timelines = new Map<string, { timeline: Timeline; bytes: number }>();
  private cachedBytes = 0;
  private readonly coldLoads = new Map<string, Promise<Timeline | undefined>>();
  private readonly options: HistoryOptions;

  constructor(
    private readonly loop: CommandLoop,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(HISTORY_OPTIONS) options?: Partial<HistoryOptions>,
    @Optional() metrics?: LedgerMetrics,
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    metrics?.watchCache('dataset_history', () => ({
      bytes: this.cachedBytes,
      boundBytes: this.options.maxCachedBytes,
    }));
  }

  /** The dataset now; undefined when it is not registered. */
  async current(datasetId: string): Promise<DatasetAt | undefined> {
    const timeline = await this.timelineOf(datasetId);
    if (!timeline || timeline.tip.status === 'unregistered') return undefined;
    const version = timeline.length - 1;
    return { state: timeline.tip, version, position: timeline.positionOf(version) };
  }

  /**
   * The dataset after its last event at or before `point`; undefined when it did not exist yet.
   * A position beyond the journal's head is refused: it names a moment that has not happened.
   */
  async asOf(datasetId: string, point: AsOf): Promise<DatasetAt | undefined> {
    const timeline = await this.timelineOf(datasetId);
    if ('position' in point) await this.mustBeWritten(point.position, '/asOf', timeline);
    if (!timeline) return undefined;
    const version =
      'position' in point ? timeline.versionAtPosition(point.position) : timeline.versionAtTime(point.time);
    if (version < 0) return undefined;
    const state = await this.stateAfter(datasetId, timeline, version);
    if (state.status === 'unregistered') return undefined;
    return { state, version, position: timeline.positionOf(version) };
  }

  /**
   * The dataset as of two positions and what changed between them; `from` is undefined when the dataset
   * did not exist yet then, and the whole answer is undefined when it did not exist at `to` either.
   */
  async diff(
    datasetId: string,
    from: number,
    to: number,
  ): Promise<{ from?: DatasetAt; to: DatasetAt; changes: StateChange[] } | undefined> {
    const timeline = await this.timelineOf(datasetId);
    await this.mustBeWritten(to, '/to', timeline);
    if (!timeline) return undefined;
    const [before, after] = await Promise.all([
      this.asOfPosition(datasetId, timeline, from),
      this.asOfPosition(datasetId, timeline, to),
    ]);
    if (!after) return undefined;
    return {
      ...(before && { from: before }),
      to: after,
      changes: changesOf(before?.state ?? initialDatasetState, after.state),
    };
  }

  /** A page of the dataset's events after stream version `cursor`, each with what it changed; undefined for an unknown dataset. */
  async history(
    datasetId: string,
    page: { cursor?: number; limit: number },
  ): Promise<HistoryPage | undefined> {
    const timeline = await this.timelineOf(datasetId);
    if (!timeline) return undefined;
    const start = page.cursor === undefined ? 0 : page.cursor + 1;
    if (start >= timeline.length) return { items: [] };
    const base = Math.floor(start / this.options.snapshotEvery);
    const first = base * this.options.snapshotEvery;
    const slice = await this.store.readStream(datasetStreamId(datasetId), {
      fromVersion: first,
      limit: start - first + page.limit,
    });
    let state = timeline.snapshot(base);
    const items: HistoryItem[] = [];
    for (const stored of slice.entries) {
      const event = this.domainEventOf(stored);
      const before = state;
      state = evolveDataset(state, event);
      if (stored.streamVersion < start) continue;
      const entry = JSON.parse(stored.canonical) as LedgerEntry;
      items.push({
        globalPosition: stored.globalPosition,
        streamVersion: stored.streamVersion,
        type: event.type,
        recordedAt: entry.recordedAt,
        actor: entry.metadata.actor,
        legalBasis: entry.metadata.legalBasis,
        summary: summarise(event),
        changes: changesOf(before, state),
      });
    }
    const last = items[items.length - 1];
    const more = last !== undefined && slice.version !== null && last.streamVersion < slice.version;
    return more ? { items, next: String(last.streamVersion) } : { items };
  }

  /**
   * `minPosition` on these views: they read the journal itself, so every written position is already
   * applied; one the journal has not reached is refused (400), as on every view.
   */
  async ensureWritten(minPosition: number | undefined): Promise<void> {
    if (minPosition !== undefined) await this.mustBeWritten(minPosition, '/minPosition');
  }

  /** Refuses a position the journal has not reached (400), asking for the head only when the stream cannot tell. */
  private async mustBeWritten(position: number, field: string, timeline?: Timeline): Promise<void> {
    const known = timeline?.lastPosition() ?? -1;
    if (position <= known) return;
    const head = await this.store.head();
    if (position > head) {
      throw Problem.badRequest(
        'PositionBeyondHead',
        `the journal ends at position ${head}; position ${position} has not been written`,
        [{ field, message: `must be at most ${head}` }],
      );
    }
  }

  private async asOfPosition(
    datasetId: string,
    timeline: Timeline,
    position: number,
  ): Promise<DatasetAt | undefined> {
    const version = timeline.versionAtPosition(position);
    if (version < 0) return undefined;
    const state = await this.stateAfter(datasetId, timeline, version);
    return state.status === 'unregistered'
      ? undefined
      : { state, version, position: timeline.positionOf(version) };
  }

  /** The state after stream version `version`: the cached state before it, plus the few events in between. */
  private async stateAfter(datasetId: string, timeline: Timeline, version: number): Promise<DatasetState> {
    const count = version + 1;
    if (count === timeline.length) return timeline.tip;
    const base = Math.floor(count / this.options.snapshotEvery);
    const first = base * this.options.snapshotEvery;
    let state = timeline.snapshot(base);
    if (count === first) return state;
    const slice = await this.store.readStream(datasetStreamId(datasetId), {
      fromVersion: first,
      limit: count - first,
    });
    for (const stored of slice.entries) state = evolveDataset(state, this.domainEventOf(stored));
    return state;
  }

  /** The stream's timeline, caught up with the journal as of this call; undefined when the stream has no events. */
  private async timelineOf(datasetId: string): Promise<Timeline | undefined> {
    const streamId = datasetStreamId(datasetId);
    let timeline = this.timelines.get(streamId)?.timeline;
    if (!timeline) {
      // Concurrent first reads of a long stream share one load instead of each holding the whole stream.
      let load = this.coldLoads.get(streamId);
      if (!load) {
        load = this.load(streamId).finally(() => this.coldLoads.delete(streamId));
        this.coldLoads.set(streamId, load);
      }
      timeline = await load;
      if (!timeline) return undefined;
    }
    // Always read what was appended since, even after a shared load: a read sees every write before it.
    await this.catchUp(streamId, timeline);
    this.remember(streamId, timeline);
    return timeline;
  }

  private async load(streamId: string): Promise<Timeline | undefined> {
    const timeline = new Timeline(initialDatasetState, this.options.snapshotEvery);
    await this.catchUp(streamId, timeline);
    if (timeline.length === 0) return undefined;
    this.remember(streamId, timeline);
    return timeline;
  }

  private async catchUp(streamId: string, timeline: Timeline): Promise<void> {
    for (;;) {
      const slice = await this.store.readStream(streamId, {
        fromVersion: timeline.length,
        limit: PAGE,
      });
      for (const stored of slice.entries) {
        // Another read may have caught this timeline up meanwhile; versions it already holds are skipped.
        if (stored.streamVersion < timeline.length) continue;
        if (stored.streamVersion > timeline.length) {
          throw new UnreadableEventError(`${streamId} skips from version ${timeline.length - 1}`);
        }
        const entry = JSON.parse(stored.canonical) as LedgerEntry;
        timeline.add(
          stored.globalPosition,
          Date.parse(entry.recordedAt),
          evolveDataset(timeline.tip, this.domainEventOf(stored)),
        );
      }
      if (slice.entries.length < PAGE) return;
    }
  }

  /** Keeps the timeline as most recently used, and forgets the least recently used beyond the bound. */
  private remember(streamId: string, timeline: Timeline): void {
    const counted = this.timelines.get(streamId);
    if (counted) {
      this.timelines.delete(streamId);
      this.cachedBytes -= counted.bytes;
    }
    const bytes = timeline.bytes;
    this.timelines.set(streamId, { timeline, bytes });
    this.cachedBytes += bytes;
    for (const [oldest, kept] of this.timelines) {
      if (this.cachedBytes <= this.options.maxCachedBytes || oldest === streamId) break;
      this.timelines.delete(oldest);
      this.cachedBytes -= kept.bytes;
    }
  }

  private domainEventOf(stored: StoredEntry): DatasetEvent {
    const event = this.loop.toDomainEvent(stored);
    if (!(DATASET_EVENT_TYPES as readonly string[]).includes(event.type)) {
      throw new UnreadableEventError(
        `position ${stored.globalPosition}: ${event.type} does not belong in ${stored.streamId}`,
      );
    }
    return event as unknown as DatasetEvent;
  }
}
