import type { JsonObject } from '@ledger/events';
import { BatchPlan, encodeRow, LockedContext, planBatch, PreparedAppend, RecordedEvent } from './batch-plan';
import { encodeEntry, leafHashOf, prepareEvent, PreparedEvent } from './entry-codec';
import type { AppendedEvent, AppendResult, ExpectedVersion } from './event-store.port';
import { EventIdConflictError, WrongExpectedVersionError } from './journal-errors';

const NOW = Date.parse('2026-11-29T08:00:00.000Z');

const event = (streamId: string, id: string, data: JsonObject = { n: 1 }): PreparedEvent =>
  prepareEvent(streamId, {
    id,
    type: 'DataAccessed',
    data,
    metadata: {
      actor: { id: 'gateway', role: 'publisher' },
      legalBasis: { rulebook: 'shanghai-public-data-2019/v1', article: 'ch. 4' },
    },
    source: 'urn:gateway:download',
    schemaVersion: 1,
  });

const append = (streamId: string, expectedVersion: ExpectedVersion, ...ids: string[]): PreparedAppend => ({
  streamId,
  expectedVersion,
  events: ids.map((id) => event(streamId, id)),
});

/** An event recorded before the batch, as the locked context reports it. */
const recorded = (prepared: PreparedEvent, globalPosition: number, streamVersion: number): RecordedEvent => ({
  fingerprint: prepared.fingerprint,
  appended: {
    id: prepared.id,
    type: prepared.type,
    streamId: prepared.streamId,
    streamVersion,
    globalPosition,
    leafHash: 'recorded-leaf-hash',
  },
});

const context = ({
  head = -1,
  lastRecordedAtMs = 0,
  streams = {},
  recordedEvents = [],
}: {
  head?: number;
  lastRecordedAtMs?: number;
  streams?: Record<string, number>;
  recordedEvents?: RecordedEvent[];
} = {}): LockedContext => ({
  head,
  lastRecordedAtMs,
  streamVersions: new Map(Object.entries(streams)),
  recordedEvents: new Map(recordedEvents.map((entry) => [entry.appended.id, entry])),
});

function resultOf(plan: BatchPlan, request: number): AppendResult {
  const outcome = plan.outcomes[request];
  if (!outcome.ok) throw new Error(`request ${request} was refused: ${outcome.error.message}`);
  return outcome.result;
}

function errorOf(plan: BatchPlan, request: number): Error {
  const outcome = plan.outcomes[request];
  if (outcome.ok) throw new Error(`request ${request} was accepted`);
  return outcome.error;
}

/** Where each event went, in a form that reads like the journal. */
const placed = (events: AppendedEvent[]) =>
  events.map(({ id, streamId, streamVersion, globalPosition }) => ({
    id,
    streamId,
    streamVersion,
    globalPosition,
  }));

describe('planning a group commit', () => {
  describe('global positions', () => {
    it('start at 0 in an empty journal, as do stream versions', () => {
      const plan = planBatch([[append('dataset-1', 'any', 'a')]], context(), NOW);
      expect(placed(resultOf(plan, 0).events)).toEqual([
        { id: 'a', streamId: 'dataset-1', streamVersion: 0, globalPosition: 0 },
      ]);
    });

    it('continue from the head without gaps, across the requests of the batch', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a', 'b')], [append('dataset-2', 'any', 'c')]],
        context({ head: 41 }),
        NOW,
      );
      expect(plan.rows.map((row) => [row.event.id, row.globalPosition])).toEqual([
        ['a', 42],
        ['b', 43],
        ['c', 44],
      ]);
      expect(resultOf(plan, 1).events[0].globalPosition).toBe(44);
    });
  });

  describe('stream versions', () => {
    it('continue from the stream’s current version', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a', 'b')]],
        context({ head: 9, streams: { 'dataset-1': 4 } }),
        NOW,
      );
      expect(plan.rows.map((row) => row.streamVersion)).toEqual([5, 6]);
    });

    it('count per stream within one request that appends to several streams', () => {
      const plan = planBatch(
        [
          [
            append('dataset-1', 'any', 'a', 'b'),
            append('usage-1', 'any', 'c'),
            append('dataset-1', 'any', 'd'),
          ],
        ],
        context({ head: 0, streams: { 'dataset-1': 0 } }),
        NOW,
      );
      expect(placed(resultOf(plan, 0).events)).toEqual([
        { id: 'a', streamId: 'dataset-1', streamVersion: 1, globalPosition: 1 },
        { id: 'b', streamId: 'dataset-1', streamVersion: 2, globalPosition: 2 },
        { id: 'c', streamId: 'usage-1', streamVersion: 0, globalPosition: 3 },
        { id: 'd', streamId: 'dataset-1', streamVersion: 3, globalPosition: 4 },
      ]);
    });

    it('are seen by later requests in the same batch that touch the same stream', () => {
      const plan = planBatch(
        [
          [append('dataset-1', 'no_stream', 'a')],
          [append('dataset-1', 0, 'b')],
          [append('dataset-1', 0, 'c')],
          [append('dataset-1', 'stream_exists', 'd')],
        ],
        context(),
        NOW,
      );
      expect(resultOf(plan, 0).events[0].streamVersion).toBe(0);
      expect(resultOf(plan, 1).events[0].streamVersion).toBe(1);
      expect(errorOf(plan, 2)).toMatchObject({ expectedVersion: 0, actualVersion: 1 });
      expect(resultOf(plan, 3).events[0]).toMatchObject({ streamVersion: 2, globalPosition: 2 });
    });
  });

  describe('expected versions', () => {
    it.each<[ExpectedVersion, number | undefined]>([
      [3, 3],
      [0, 0],
      ['no_stream', undefined],
      ['stream_exists', 0],
      ['stream_exists', 7],
      ['any', undefined],
      ['any', 7],
    ])('%p accepts a stream at version %p', (expectedVersion, current) => {
      const streams: Record<string, number> = current === undefined ? {} : { 'dataset-1': current };
      const plan = planBatch(
        [[append('dataset-1', expectedVersion, 'a')]],
        context({ head: 20, streams }),
        NOW,
      );
      expect(resultOf(plan, 0).events[0].streamVersion).toBe((current ?? -1) + 1);
    });

    it.each<[ExpectedVersion, number | undefined]>([
      [3, 2],
      [3, 4],
      [0, undefined],
      ['no_stream', 0],
      ['stream_exists', undefined],
    ])('%p refuses a stream at version %p with WrongExpectedVersionError', (expectedVersion, current) => {
      const streams: Record<string, number> = current === undefined ? {} : { 'dataset-1': current };
      const plan = planBatch(
        [[append('dataset-1', expectedVersion, 'a')]],
        context({ head: 20, streams }),
        NOW,
      );
      const error = errorOf(plan, 0);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId: 'dataset-1', expectedVersion, actualVersion: current ?? null });
      expect(plan.rows).toEqual([]);
    });
  });

  describe('a refused request', () => {
    it('consumes no positions: the next request gets the position it would have had', () => {
      const plan = planBatch(
        [[append('dataset-1', 5, 'refused')], [append('dataset-2', 'any', 'accepted')]],
        context({ head: 9 }),
        NOW,
      );
      expect(errorOf(plan, 0)).toBeInstanceOf(WrongExpectedVersionError);
      expect(plan.rows.map((row) => [row.event.id, row.globalPosition])).toEqual([['accepted', 10]]);
    });

    it('records none of its appends, and later requests do not see their versions', () => {
      const plan = planBatch(
        [
          [append('dataset-1', 'no_stream', 'a'), append('dataset-2', 'stream_exists', 'b')],
          [append('dataset-1', 'no_stream', 'c')],
        ],
        context(),
        NOW,
      );
      expect(errorOf(plan, 0)).toMatchObject({ streamId: 'dataset-2', actualVersion: null });
      expect(placed(resultOf(plan, 1).events)).toEqual([
        { id: 'c', streamId: 'dataset-1', streamVersion: 0, globalPosition: 0 },
      ]);
      expect(plan.rows.map((row) => row.event.id)).toEqual(['c']);
    });

    it('does not make its event ids count as recorded for later requests', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a'), append('dataset-2', 3, 'b')], [append('dataset-1', 'any', 'a')]],
        context(),
        NOW,
      );
      expect(errorOf(plan, 0)).toBeInstanceOf(WrongExpectedVersionError);
      expect(resultOf(plan, 1)).toMatchObject({ alreadyRecorded: false });
      expect(plan.rows.map((row) => row.event.id)).toEqual(['a']);
    });
  });

  describe('idempotent retries by event id', () => {
    const original = [recorded(event('dataset-1', 'a'), 3, 0), recorded(event('dataset-1', 'b'), 4, 1)];

    it('return the original results of an append whose events were all recorded, and write nothing', () => {
      const plan = planBatch(
        [[append('dataset-1', 'no_stream', 'a', 'b')]],
        context({ head: 4, streams: { 'dataset-1': 1 }, recordedEvents: original }),
        NOW,
      );
      expect(resultOf(plan, 0)).toEqual({
        events: original.map((entry) => entry.appended),
        alreadyRecorded: true,
      });
      expect(plan.rows).toEqual([]);
    });

    it('do not consume positions, so a new request after a retry continues from the head', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a', 'b')], [append('dataset-1', 'any', 'c')]],
        context({ head: 4, streams: { 'dataset-1': 1 }, recordedEvents: original }),
        NOW,
      );
      expect(placed(resultOf(plan, 1).events)).toEqual([
        { id: 'c', streamId: 'dataset-1', streamVersion: 2, globalPosition: 5 },
      ]);
    });

    it('return what an earlier request of the same batch recorded', () => {
      const plan = planBatch(
        [[append('dataset-1', 'no_stream', 'a')], [append('dataset-1', 'no_stream', 'a')]],
        context(),
        NOW,
      );
      expect(resultOf(plan, 1)).toEqual({ events: resultOf(plan, 0).events, alreadyRecorded: true });
      expect(plan.rows).toHaveLength(1);
    });

    it('let a request record its new appends beside a retried one, and it is not alreadyRecorded', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a', 'b'), append('dataset-2', 'no_stream', 'c')]],
        context({ head: 4, streams: { 'dataset-1': 1 }, recordedEvents: original }),
        NOW,
      );
      expect(placed(resultOf(plan, 0).events)).toEqual([
        ...placed(original.map((entry) => entry.appended)),
        { id: 'c', streamId: 'dataset-2', streamVersion: 0, globalPosition: 5 },
      ]);
      expect(resultOf(plan, 0).alreadyRecorded).toBe(false);
    });

    it('refuse an append that mixes recorded and new events with EventIdConflictError', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'new-1', 'a', 'new-2')], [append('dataset-2', 'any', 'later')]],
        context({ head: 4, streams: { 'dataset-1': 1 }, recordedEvents: original }),
        NOW,
      );
      const error = errorOf(plan, 0);
      expect(error).toBeInstanceOf(EventIdConflictError);
      expect(error).toMatchObject({ eventId: 'a' });
      expect(error.message).toMatch(/some events of this append were recorded before and others not/);
      expect(plan.rows.map((row) => [row.event.id, row.globalPosition])).toEqual([['later', 5]]);
    });

    it('refuse the same id with other content with EventIdConflictError', () => {
      const plan = planBatch(
        [[{ streamId: 'dataset-1', expectedVersion: 'any', events: [event('dataset-1', 'a', { n: 2 })] }]],
        context({ head: 4, streams: { 'dataset-1': 1 }, recordedEvents: original }),
        NOW,
      );
      expect(errorOf(plan, 0)).toBeInstanceOf(EventIdConflictError);
      expect(errorOf(plan, 0)).toMatchObject({ eventId: 'a' });
      expect(plan.rows).toEqual([]);
    });

    it('refuse the same id and data in another stream with EventIdConflictError', () => {
      const plan = planBatch(
        [[append('dataset-9', 'any', 'a')]],
        context({ head: 4, streams: { 'dataset-1': 1 }, recordedEvents: original }),
        NOW,
      );
      expect(errorOf(plan, 0)).toBeInstanceOf(EventIdConflictError);
    });

    it('refuse an id used twice in one request across two streams with EventIdConflictError', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a'), append('dataset-2', 'any', 'a')]],
        context(),
        NOW,
      );
      expect(errorOf(plan, 0)).toBeInstanceOf(EventIdConflictError);
      expect(plan.rows).toEqual([]);
    });

    it('regression: refuse an id used twice in one append with EventIdConflictError, rather than plan two rows with one id', () => {
      const plan = planBatch([[append('dataset-1', 'any', 'a', 'a')]], context(), NOW);
      expect(plan.rows.map((row) => row.event.id)).toEqual([]);
      expect(errorOf(plan, 0)).toBeInstanceOf(EventIdConflictError);
    });
  });

  describe('recordedAt', () => {
    it('is now when the clock is ahead of the last entry', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a')]],
        context({ head: 0, lastRecordedAtMs: NOW - 1 }),
        NOW,
      );
      expect(plan.rows[0].recordedAt).toBe('2026-11-29T08:00:00.000Z');
    });

    it('stays at the last entry’s time when the clock went backwards', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a')]],
        context({ head: 0, lastRecordedAtMs: NOW + 1500 }),
        NOW,
      );
      expect(plan.rows[0].recordedAt).toBe('2026-11-29T08:00:01.500Z');
    });

    it('is the same for every row of the batch', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a', 'b')], [append('dataset-2', 'any', 'c')]],
        context(),
        NOW,
      );
      expect(new Set(plan.rows.map((row) => row.recordedAt))).toEqual(new Set(['2026-11-29T08:00:00.000Z']));
    });
  });

  describe('rows', () => {
    it('encode to the canonical entry at their position, its leaf hash, and the result the hash in base64', () => {
      const plan = planBatch(
        [[append('dataset-1', 'any', 'a')]],
        context({ head: 6, streams: { 'dataset-1': 2 } }),
        NOW,
      );
      const row = encodeRow(plan.rows[0]);
      expect(row.canonical).toBe(encodeEntry(row.event, 7, 3, '2026-11-29T08:00:00.000Z'));
      expect(row.canonical).toContain('"globalPosition":7,');
      expect(row.canonical).toContain('"streamVersion":3,');
      expect(row.leafHash).toBe(leafHashOf(row.canonical).toString('base64'));
      expect(resultOf(plan, 0).events[0].leafHash).toBe(row.leafHash);
    });

    it('leave the locked context as it was read', () => {
      const locked = context({ head: 4, streams: { 'dataset-1': 1 } });
      planBatch([[append('dataset-1', 'any', 'c')], [append('dataset-2', 'any', 'd')]], locked, NOW);
      expect(locked).toEqual(context({ head: 4, streams: { 'dataset-1': 1 } }));
    });
  });
});
