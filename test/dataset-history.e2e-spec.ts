import { createHash } from 'node:crypto';
import {
  currentVersionOf,
  DatasetEvent,
  DatasetState,
  evolveDataset,
  initialDatasetState,
} from '@ledger/domain';
import type { LedgerEntry } from '@ledger/events';
import { EVENT_STORE, Rulebooks } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { aLongDatasetHistory, seededRandom } from './builders/dataset-history';
import { aNewEvent } from './builders/events';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/** The dataset view the API should answer for a state, built here from the raw fold. */
function expectedView(id: string, state: DatasetState, version: number, position: number) {
  if (state.status === 'unregistered') return undefined;
  return {
    id,
    title: state.title,
    organizationId: state.organizationId,
    classification: state.classification,
    status: state.status,
    currentVersion: currentVersionOf(state),
    releases: state.releases,
    fields: state.fields,
    updateFrequency: state.updateFrequency,
    ...(state.suspension && { suspension: state.suspension }),
    version,
    position,
  };
}

/** A time in the +08:00 offset (Shanghai), as a caller there would write it. */
function inShanghai(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

describe('a dataset’s history, state as of then, and diff over HTTP', () => {
  let ledger: LedgerUnderTest;
  let officer: { id: string; token: string };
  let dataUser: { token: string };

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', { organizationId: 'transport' });
    dataUser = await ledger.principal('data_user');
  });

  afterAll(async () => {
    await ledger.stop();
  });

  const asOfficer = (path: string, body: unknown) => ledger.post(path, body, { token: officer.token });
  const read = (path: string) => ledger.get(path, { token: dataUser.token });

  describe('a short history recorded through commands', () => {
    const id = 'metro-ridership';
    /** The globalPosition each command recorded, in order. */
    const positions: Record<string, number> = {};
    let beforeRegistration: number;
    let otherStreamPosition: number;

    beforeAll(async () => {
      beforeRegistration = await ledger.head();
      const steps: [string, string, unknown][] = [
        [
          'registered',
          '/v1/datasets',
          {
            id,
            title: 'Metro ridership per station',
            organizationId: 'transport',
            classification: 'unconditional',
            classificationBasis: 'aggregate counts only',
            fields: ['station', 'day', 'entries', 'phone'],
            updateFrequency: 'daily',
          },
        ],
        [
          'released',
          `/v1/datasets/${id}/releases`,
          {
            version: 1,
            checksum: checksum('v1'),
            recordCount: 1203,
            format: 'csv',
            maskingRules: [{ field: 'phone', method: 'suppressed' }],
          },
        ],
        [
          'suspended',
          `/v1/datasets/${id}/suspend`,
          { reason: 'a leak is\nbeing investigated', cause: 'security', causeRef: 'INC-9' },
        ],
        ['restored', `/v1/datasets/${id}/restore`, { reason: 'incident closed' }],
        [
          'reclassified',
          `/v1/datasets/${id}/reclassify`,
          { to: 'conditional', reason: 'station-level data needs agreements' },
        ],
        [
          'released again',
          `/v1/datasets/${id}/releases`,
          { version: 3, checksum: checksum('v3'), recordCount: 1, format: 'json' },
        ],
      ];
      for (const [name, path, body] of steps) {
        const answer = await asOfficer(path, body);
        if (answer.status >= 300) throw new Error(`${name}: ${answer.text}`);
        positions[name] = answer.body.events[0].globalPosition;
        if (name === 'suspended') {
          // Another dataset's event between two of this one's: its position belongs to no event here.
          const other = await asOfficer('/v1/datasets', {
            title: 'Another',
            organizationId: 'transport',
            classification: 'non_open',
            classificationBasis: 'personal information',
            fields: ['x'],
            updateFrequency: 'yearly',
          });
          otherStreamPosition = other.body.events[0].globalPosition;
        }
      }
    });

    it('lists every event with its actor, legal basis, summary and changes, to any key', async () => {
      const answer = await read(`/v1/datasets/${id}/history`);
      expect(answer.status).toBe(200);
      expect(answer.body.next).toBeUndefined();
      const items = answer.body.items;
      expect(items.map((item: { type: string }) => item.type)).toEqual([
        'DatasetRegistered',
        'DatasetReleased',
        'DatasetSuspended',
        'DatasetRestored',
        'DatasetReclassified',
        'DatasetReleased',
      ]);
      expect(items.map((item: { globalPosition: number }) => item.globalPosition)).toEqual(
        Object.values(positions),
      );
      for (const item of items) {
        expect(item.actor).toEqual({ id: officer.id, role: 'body_officer', organizationId: 'transport' });
        expect(item.legalBasis).toEqual({
          rulebook: expect.stringMatching(/^shanghai-public-data-2019\/v\d+$/),
          article: expect.stringContaining('Measures'),
        });
        expect(Date.parse(item.recordedAt)).not.toBeNaN();
      }
      expect(items[1]).toMatchObject({
        streamVersion: 1,
        summary: 'Released version 1 (csv, 1,203 records; masking: phone suppressed)',
        changes: [
          { field: 'status', from: 'registered', to: 'open' },
          { field: 'currentVersion', from: 0, to: 1 },
        ],
      });
      expect(items[2]).toMatchObject({
        summary: 'Suspended (security INC-9): a leak is being investigated',
        changes: [
          { field: 'status', from: 'open', to: 'suspended' },
          { field: 'suspension', to: { cause: 'security', causeRef: 'INC-9' } },
        ],
      });
      expect(items[4].changes).toEqual([
        { field: 'classification', from: 'unconditional', to: 'conditional' },
      ]);
    });

    it('pages the history by stream version', async () => {
      const first = await read(`/v1/datasets/${id}/history?limit=4`);
      expect(first.body.items.map((item: { streamVersion: number }) => item.streamVersion)).toEqual([
        0, 1, 2, 3,
      ]);
      expect(first.body.next).toBe('3');
      const second = await read(`/v1/datasets/${id}/history?limit=4&cursor=${first.body.next}`);
      expect(second.body.items.map((item: { streamVersion: number }) => item.streamVersion)).toEqual([4, 5]);
      expect(second.body.next).toBeUndefined();
      expect((await read(`/v1/datasets/${id}/history?cursor=5`)).body).toEqual({ items: [] });
    });

    it('answers the state as of a position: the last event at or before it', async () => {
      const suspended = await read(`/v1/datasets/${id}?asOf=${positions.suspended}`);
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({
        status: 'suspended',
        suspension: { cause: 'security', causeRef: 'INC-9' },
        currentVersion: 1,
        version: 2,
        position: positions.suspended,
      });
      // The other dataset's position falls between the suspension and the restore.
      const between = await read(`/v1/datasets/${id}?asOf=${otherStreamPosition}`);
      expect(between.body).toEqual(suspended.body);
      expect(between.headers.get('etag')).toBeNull();
      const last = await read(`/v1/datasets/${id}?asOf=${await ledger.head()}`);
      const now = await read(`/v1/datasets/${id}`);
      expect(last.body).toEqual(now.body);
      expect(now.headers.get('etag')).toBe('"5"');
    });

    it('answers the state as of a time, compared with recordedAt, in any offset', async () => {
      const items = (await read(`/v1/datasets/${id}/history`)).body.items;
      const registeredAt = Date.parse(items[0].recordedAt);
      const lastAt = Date.parse(items[5].recordedAt);
      const atRegistration = await read(`/v1/datasets/${id}?asOf=${encodeURIComponent(items[0].recordedAt)}`);
      expect(atRegistration.body.version).toBeGreaterThanOrEqual(0);
      expect(atRegistration.body.position).toBeGreaterThanOrEqual(positions.registered);
      const inOffset = await read(`/v1/datasets/${id}?asOf=${encodeURIComponent(inShanghai(lastAt))}`);
      expect(inOffset.body).toMatchObject({ version: 5, currentVersion: 3, classification: 'conditional' });
      const future = await read(`/v1/datasets/${id}?asOf=2999-01-01T00:00:00.123456Z`);
      expect(future.body).toEqual(inOffset.body);
      const before = await read(
        `/v1/datasets/${id}?asOf=${encodeURIComponent(new Date(registeredAt - 1).toISOString())}`,
      );
      expect([before.status, before.body.code]).toEqual([404, 'DatasetNotFound']);
    });

    it('answers 404 as of a position before the dataset was registered', async () => {
      const answer = await read(`/v1/datasets/${id}?asOf=${beforeRegistration}`);
      expect([answer.status, answer.body.code]).toEqual([404, 'DatasetNotFound']);
    });

    it('diffs two positions', async () => {
      const answer = await read(
        `/v1/datasets/${id}/diff?from=${positions.released}&to=${positions['released again']}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.from).toMatchObject({ id, status: 'open', currentVersion: 1, version: 1 });
      expect(answer.body.to).toMatchObject({ id, status: 'open', currentVersion: 3, version: 5 });
      expect(answer.body.changes).toEqual([
        { field: 'classification', from: 'unconditional', to: 'conditional' },
        { field: 'currentVersion', from: 1, to: 3 },
      ]);
      const same = await read(`/v1/datasets/${id}/diff?from=${positions.restored}&to=${positions.restored}`);
      expect(same.body.changes).toEqual([]);
      expect(same.body.from).toEqual(same.body.to);
    });

    it('diffs from before the registration without a from state', async () => {
      const answer = await read(
        `/v1/datasets/${id}/diff?from=${beforeRegistration}&to=${positions.registered}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.from).toBeUndefined();
      expect(answer.body.changes[0]).toEqual({ field: 'status', from: 'unregistered', to: 'registered' });
    });

    it.each([
      ['a date without a time', '?asOf=2026-11-30'],
      ['a time without an offset', '?asOf=2026-11-30T08:00:00'],
      ['words', '?asOf=yesterday'],
      ['a date that does not exist', '?asOf=2026-02-30T08:00:00Z'],
      ['an hour that does not exist', '?asOf=2026-02-03T24:00:00Z'],
      ['a negative position', '?asOf=-1'],
      ['an exponent', '?asOf=1e3'],
      ['a position beyond 2^53', '?asOf=9999999999999999'],
      ['two asOf', '?asOf=1&asOf=2'],
      ['an unknown parameter', '?as_of=1'],
      ['minPosition that is not a number', '?minPosition=soon'],
    ])('refuses %s on the dataset view (400)', async (_, query) => {
      const answer = await read(`/v1/datasets/${id}${query}`);
      expect([answer.status, answer.body.code]).toEqual([400, 'ValidationFailed']);
    });

    it.each([
      [
        'from after to',
        () => `/diff?from=${positions.restored}&to=${positions.registered}`,
        'ValidationFailed',
      ],
      ['no to', () => '/diff?from=0', 'ValidationFailed'],
      ['a position that is not a number', () => '/diff?from=0&to=last', 'ValidationFailed'],
      ['an unknown parameter on diff', () => '/diff?from=0&to=1&format=csv', 'ValidationFailed'],
      ['a cursor that is not a stream version', () => '/history?cursor=abc', 'ValidationFailed'],
      ['a limit beyond 1000', () => '/history?limit=1001', 'ValidationFailed'],
      ['an unknown parameter on history', () => '/history?type=DatasetReleased', 'ValidationFailed'],
    ])('refuses %s (400)', async (_, path, code) => {
      const answer = await read(`/v1/datasets/${id}${path()}`);
      expect([answer.status, answer.body.code]).toEqual([400, code]);
    });

    it.each([
      ['asOf', (head: number) => `?asOf=${head + 1}`, '/asOf'],
      ['diff to', (head: number) => `/diff?from=0&to=${head + 1}`, '/to'],
      ['minPosition on the view', (head: number) => `?minPosition=${head + 1}`, '/minPosition'],
      ['minPosition on history', (head: number) => `/history?minPosition=${head + 1}`, '/minPosition'],
      ['minPosition on diff', (head: number) => `/diff?from=0&to=0&minPosition=${head + 1}`, '/minPosition'],
    ])('refuses %s beyond the journal’s head (400)', async (_, path, field) => {
      const answer = await read(`/v1/datasets/${id}${path(await ledger.head())}`);
      expect([answer.status, answer.body.code]).toEqual([400, 'PositionBeyondHead']);
      expect(answer.body.errors).toEqual([{ field, message: expect.any(String) }]);
    });

    it('answers at once for a minPosition the journal has reached: it reads the journal itself', async () => {
      const head = await ledger.head();
      for (const path of [`?minPosition=${head}`, `/history?minPosition=${head}`]) {
        expect((await read(`/v1/datasets/${id}${path}`)).status).toBe(200);
      }
    });

    it.each([
      ['the view', ''],
      ['the view as of a position', '?asOf=0'],
      ['the history', '/history'],
      ['the diff', '/diff?from=0&to=0'],
    ])('answers 404 for %s of an unknown dataset', async (_, path) => {
      const answer = await read(`/v1/datasets/ghost${path}`);
      expect([answer.status, answer.body.code]).toEqual([404, 'DatasetNotFound']);
    });

    it('answers 401 without a key', async () => {
      const answer = await ledger.get(`/v1/datasets/${id}/history`, { token: null });
      expect(answer.status).toBe(401);
    });
  });

  describe('acceptance: as-of answers against a fold of the raw events in a long history', () => {
    const id = 'long-history';
    const random = seededRandom(20261130);

    beforeAll(async () => {
      const store = ledger.app.get<string, EventStore>(EVENT_STORE, { strict: false });
      const rulebooks = ledger.app.get(Rulebooks, { strict: false });
      const history = aLongDatasetHistory(420, {
        organizationId: 'transport',
        actor: { id: officer.id, role: 'body_officer', organizationId: 'transport' },
        random,
        legalBasis: (type) => rulebooks.legalBasisFor(type as DatasetEvent['type'], new Date()),
      });
      // Batches of a few events at a time, with usage events between, so times repeat and positions interleave.
      for (let i = 0; i < history.length;) {
        const size = 1 + Math.floor(random() * 12);
        await store.append(`dataset-${id}`, history.slice(i, i + size));
        await store.append(`usage-${id}`, [
          aNewEvent({ data: { datasetId: id, principal: 'u', channel: 'api', recordCount: 1 } }),
        ]);
        i += size;
      }
    });

    /** The raw entries as the journal returns them. */
    async function rawEntries(): Promise<LedgerEntry[]> {
      const entries: LedgerEntry[] = [];
      for (;;) {
        const page = await read(`/v1/streams/dataset-${id}/events?fromVersion=${entries.length}&limit=1000`);
        entries.push(...page.body.events);
        if (entries.length > page.body.version) return entries;
      }
    }

    /** The view after the last raw entry `included` accepts, folded here with evolveDataset. */
    function foldUntil(entries: LedgerEntry[], included: (entry: LedgerEntry) => boolean) {
      let state: DatasetState = initialDatasetState;
      let last: LedgerEntry | undefined;
      for (const entry of entries) {
        if (!included(entry)) break;
        state = evolveDataset(state, { type: entry.type, data: entry.data } as unknown as DatasetEvent);
        last = entry;
      }
      return last && expectedView(id, state, last.streamVersion, last.globalPosition);
    }

    it('answers the fold of the raw events at 50 random times and positions', async () => {
      const entries = await rawEntries();
      expect(entries).toHaveLength(420);
      const head = await ledger.head();
      const firstAt = Date.parse(entries[0].recordedAt);
      const lastAt = Date.parse(entries[entries.length - 1].recordedAt);
      const points = Array.from({ length: 50 }, (_, index) => {
        if (index % 2 === 0) {
          const position = Math.floor(random() * (head + 1));
          return {
            query: String(position),
            included: (entry: LedgerEntry) => entry.globalPosition <= position,
          };
        }
        // Half the times are an entry's own recordedAt (ties included), half anywhere around the history.
        const time =
          index % 4 === 1
            ? Date.parse(entries[Math.floor(random() * entries.length)].recordedAt)
            : firstAt - 5 + Math.floor(random() * (lastAt - firstAt + 10));
        const text = random() < 0.5 ? new Date(time).toISOString() : inShanghai(time);
        return { query: text, included: (entry: LedgerEntry) => Date.parse(entry.recordedAt) <= time };
      });
      for (const point of points) {
        const expected = foldUntil(entries, point.included);
        const answer = await read(`/v1/datasets/${id}?asOf=${encodeURIComponent(point.query)}`);
        if (expected === undefined) expect([point.query, answer.status]).toEqual([point.query, 404]);
        else expect([point.query, answer.status, answer.body]).toEqual([point.query, 200, expected]);
      }
    });

    it('answers the fold of the raw events at every snapshot boundary and at the head', async () => {
      const entries = await rawEntries();
      for (const version of [0, 48, 49, 50, 51, 99, 100, 101, 199, 200, 349, 350, 399, 400, 419]) {
        const position = entries[version].globalPosition;
        const answer = await read(`/v1/datasets/${id}?asOf=${position}`);
        expect([version, answer.body]).toEqual([
          version,
          foldUntil(entries, (entry) => entry.globalPosition <= position),
        ]);
      }
      const now = await read(`/v1/datasets/${id}`);
      expect(now.body).toEqual(foldUntil(entries, () => true));
      expect(now.body.status).toBe('withdrawn');
    });

    it('pages the whole long history in order, each item naming its actor and legal basis', async () => {
      const versions: number[] = [];
      let cursor = '';
      for (;;) {
        const page = await read(`/v1/datasets/${id}/history?limit=97${cursor}`);
        for (const item of page.body.items) {
          expect(item.actor.id).toBe(officer.id);
          expect(item.legalBasis.article).toEqual(expect.any(String));
          expect(item.summary).toEqual(expect.any(String));
        }
        versions.push(...page.body.items.map((item: { streamVersion: number }) => item.streamVersion));
        if (page.body.next === undefined) break;
        cursor = `&cursor=${page.body.next}`;
      }
      expect(versions).toEqual(Array.from({ length: 420 }, (_, version) => version));
    });
  });
});
