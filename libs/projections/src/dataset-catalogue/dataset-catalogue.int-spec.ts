import {
  CommandMetadata,
  DatasetCommand,
  DatasetError,
  datasetDecider,
  DatasetEvent,
  DatasetState,
  decideDataset,
  evolveDataset,
  fold,
  initialDatasetState,
} from '@ledger/domain';
import type {
  Actor,
  Classification,
  DatasetRegisteredV1,
  DatasetReleasedV1,
  JsonObject,
  SuspensionCause,
} from '@ledger/events';
import { testBackend } from '../../../../test/support/test-backend';
import type { ProjectedEvent } from '../engine/projection';
import { GivenEvent, ProjectionTestbed } from '../testing/projection-testbed';
import { datasetCatalogueProjection } from './dataset-catalogue.projection';
import { readDatasetCatalogue } from './dataset-catalogue.reader';

const officer: Actor = { id: 'officer-1', role: 'body_officer', organizationId: 'org-a' };
const metadata: CommandMetadata = { now: new Date('2026-11-30T02:00:00Z'), actor: officer };

const registration = (overrides: Partial<DatasetRegisteredV1> = {}): DatasetRegisteredV1 => ({
  title: 'Bus stops of Shanghai (公交站点)',
  organizationId: 'org-a',
  classification: 'unconditional',
  classificationBasis: 'no personal information, no trade secrets',
  fields: ['stop_id', 'name', 'lat', 'lon'],
  updateFrequency: 'monthly',
  ...overrides,
});

const release = (version: number): DatasetReleasedV1 => ({
  version,
  checksum: String(version % 10).repeat(64),
  recordCount: 1200,
  format: 'csv',
  maskingRules: [],
});

const on = (id: string, type: DatasetEvent['type'], data: object): GivenEvent => ({
  streamId: `dataset-${id}`,
  type,
  data: data as JsonObject,
});

interface DatasetRow {
  id: string;
  title: string;
  organization_id: string;
  classification: string;
  status: string;
  current_version: number;
  release_count: number;
  update_frequency: string;
  open_conditions: string | null;
  fields: string[];
  suspension_cause: string | null;
  suspension_ref: string | null;
  version: number;
  position: number;
  state: DatasetState;
}

describe(`the dataset catalogue projection on ${testBackend()}`, () => {
  let testbed: ProjectionTestbed;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(datasetCatalogueProjection);
  });

  afterEach(async () => {
    await testbed.dispose();
  });

  // bigint comes back as text from pg and as a number from PGlite.
  const rows = async () =>
    (await testbed.rows<DatasetRow>(`SELECT * FROM ledger_views.datasets ORDER BY id`)).map((r) => ({
      ...r,
      position: Number(r.position),
    }));
  const row = async (id: string) => (await rows()).find((r) => r.id === id) as DatasetRow;

  it('lists a registered dataset with its classification, fields and conditions, at version 0', async () => {
    const [registered] = await testbed.given([
      on('bus-stops', 'DatasetRegistered', registration({ openConditions: 'a research purpose' })),
    ]);

    expect(await row('bus-stops')).toMatchObject({
      title: 'Bus stops of Shanghai (公交站点)',
      organization_id: 'org-a',
      classification: 'unconditional',
      status: 'registered',
      current_version: 0,
      release_count: 0,
      update_frequency: 'monthly',
      open_conditions: 'a research purpose',
      fields: ['stop_id', 'name', 'lat', 'lon'],
      suspension_cause: null,
      version: registered.entry.streamVersion,
      position: registered.globalPosition,
    });
  });

  it('opens a dataset at its first release and follows each later version', async () => {
    const events = await testbed.given([
      on('bus-stops', 'DatasetRegistered', registration()),
      on('bus-stops', 'DatasetReleased', release(1)),
      on('bus-stops', 'DatasetReleased', release(3)),
    ]);

    const last = events[events.length - 1];
    expect(await row('bus-stops')).toMatchObject({
      status: 'open',
      current_version: 3,
      release_count: 2,
      version: last.entry.streamVersion,
      position: last.globalPosition,
    });
  });

  it('marks a suspension with its cause and reference, and clears them on restore', async () => {
    await testbed.given([
      on('bus-stops', 'DatasetRegistered', registration()),
      on('bus-stops', 'DatasetReleased', release(1)),
      on('bus-stops', 'DatasetSuspended', { reason: 'an incident', cause: 'security', causeRef: 'INC-7' }),
    ]);
    expect(await row('bus-stops')).toMatchObject({
      status: 'suspended',
      suspension_cause: 'security',
      suspension_ref: 'INC-7',
    });

    await testbed.given([on('bus-stops', 'DatasetRestored', { reason: 'the incident is closed' })]);

    expect(await row('bus-stops')).toMatchObject({
      status: 'open',
      suspension_cause: null,
      suspension_ref: null,
      current_version: 1,
    });
  });

  it('keeps a withdrawn dataset, withdrawn, with its releases', async () => {
    await testbed.given([
      on('bus-stops', 'DatasetRegistered', registration()),
      on('bus-stops', 'DatasetReleased', release(1)),
      on('bus-stops', 'DatasetWithdrawn', { reason: 'the source is discontinued' }),
    ]);

    expect(await row('bus-stops')).toMatchObject({
      status: 'withdrawn',
      release_count: 1,
      current_version: 1,
    });
  });

  it('follows a reclassification', async () => {
    await testbed.given([
      on('marriages', 'DatasetRegistered', registration({ classification: 'non_open' })),
      on('marriages', 'DatasetReclassified', {
        from: 'non_open',
        to: 'conditional',
        reason: 'aggregated per district',
        desensitisationRef: 'DS-2026-1',
      }),
    ]);

    expect(await row('marriages')).toMatchObject({ classification: 'conditional', status: 'registered' });
  });

  it('keeps one row per dataset, each with only its own events', async () => {
    await testbed.given([
      on('a', 'DatasetRegistered', registration({ title: 'A' })),
      on('b', 'DatasetRegistered', registration({ title: 'B', organizationId: 'org-b' })),
      on('a', 'DatasetReleased', release(1)),
    ]);

    expect((await rows()).map((r) => [r.id, r.title, r.organization_id, r.status])).toEqual([
      ['a', 'A', 'org-a', 'open'],
      ['b', 'B', 'org-b', 'registered'],
    ]);
  });

  it('ignores dataset event types recorded outside a dataset stream', async () => {
    await testbed.given([{ streamId: 'other-x', type: 'DatasetRegistered', data: registration() as never }]);

    expect(await rows()).toEqual([]);
  });

  it('gives the same rows when the same batch is applied twice', async () => {
    const events = await testbed.given([
      on('a', 'DatasetRegistered', registration()),
      on('a', 'DatasetReleased', release(1)),
      on('b', 'DatasetRegistered', registration({ classification: 'conditional' })),
      on('a', 'DatasetSuspended', { reason: 'objection', cause: 'objection', causeRef: 'objection-1' }),
      on('a', 'DatasetReleased', { ...release(2), objectionId: 'objection-1' }),
      on('b', 'DatasetWithdrawn', { reason: 'gone' }),
    ]);
    const before = await rows();

    await testbed.applyAgain(events);
    await testbed.applyAgain(events.slice(2));

    expect(await rows()).toEqual(before);
    expect(before.map((r) => [r.id, r.status, r.current_version])).toEqual([
      ['a', 'open', 2],
      ['b', 'withdrawn', 0],
    ]);
  });

  it('reads pages by id, filtered, through the stable view', async () => {
    await testbed.given([
      on('c', 'DatasetRegistered', registration()),
      on('a', 'DatasetRegistered', registration()),
      on('b', 'DatasetRegistered', registration({ classification: 'non_open' })),
      on('d', 'DatasetRegistered', registration()),
    ]);

    const first = await readDatasetCatalogue(testbed.db, { classification: 'unconditional' }, { limit: 2 });
    const second = await readDatasetCatalogue(
      testbed.db,
      { classification: 'unconditional' },
      { limit: 2, cursor: first.next },
    );
    const open = await readDatasetCatalogue(testbed.db, {}, { limit: 10, publicOnly: true });

    expect(first.items.map((item) => item.id)).toEqual(['a', 'c']);
    expect(first.next).toBe('c');
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'd' })] });
    expect(open.items.map((item) => item.id)).toEqual(['a', 'c', 'd']);
  });

  it.each([1, 2, 3, 4, 5])(
    'agrees with fold(evolveDataset) of each stream, for random valid commands (seed %i)',
    async (seed) => {
      const random = mulberry32(seed);
      const ids = ['d1', 'd2', 'd3', 'd4'];
      const states = new Map<string, DatasetState>(ids.map((id) => [id, initialDatasetState]));
      const streams = new Map<string, ProjectedEvent[]>(ids.map((id) => [id, []]));
      let pending: GivenEvent[] = [];
      const flush = async () => {
        for (const event of await testbed.given(pending)) {
          streams.get(event.entry.streamId.slice('dataset-'.length))?.push(event);
        }
        pending = [];
      };

      for (let step = 0; step < 120; step++) {
        const id = ids[Math.floor(random() * ids.length)];
        const state = states.get(id) as DatasetState;
        const recorded = decided(aRandomCommand(random, state), state);
        states.set(id, recorded.reduce(evolveDataset, state));
        pending.push(...recorded.map((event) => on(id, event.type, event.data)));
        // Batches of every size, so the projection meets rows it wrote in earlier batches.
        if (random() < 0.2) await flush();
      }
      await flush();
      // The sequence is worth checking only if it reached most kinds of event.
      const recordedTypes = new Set([...streams.values()].flat().map((event) => event.entry.type));
      expect(recordedTypes.size).toBeGreaterThanOrEqual(5);

      for (const id of ids) {
        const stream = streams.get(id) as ProjectedEvent[];
        const expected = fold(
          datasetDecider,
          stream.map((event) => ({ type: event.entry.type, data: event.data }) as unknown as DatasetEvent),
        );
        expect(expected).toEqual(states.get(id));
        const actual = await row(id);
        if (expected.status === 'unregistered') {
          expect(actual).toBeUndefined();
          continue;
        }
        const last = stream[stream.length - 1];
        // The row's state keeps only the latest release, and counts them.
        expect(actual.state).toEqual({ ...expected, releases: expected.releases.slice(-1) });
        expect(actual).toMatchObject({
          title: expected.title,
          organization_id: expected.organizationId,
          classification: expected.classification,
          status: expected.status,
          current_version: expected.releases[expected.releases.length - 1] ?? 0,
          release_count: expected.releases.length,
          fields: expected.fields,
          suspension_cause: expected.suspension?.cause ?? null,
          suspension_ref: expected.suspension?.causeRef ?? null,
          version: last.entry.streamVersion,
          position: last.globalPosition,
        });
      }
    },
  );
});

/** What the decider records for the command: nothing when it refuses it (a rule it breaks). */
function decided(command: DatasetCommand, state: DatasetState): DatasetEvent[] {
  try {
    return decideDataset(command, state);
  } catch (error) {
    if (error instanceof DatasetError) return [];
    throw error;
  }
}

const CLASSIFICATIONS: Classification[] = ['unconditional', 'conditional', 'non_open'];
const CAUSES: SuspensionCause[] = ['objection', 'correction', 'security', 'other'];

/** A command of any kind, with data that often (not always) fits the state, so most are recorded. */
function aRandomCommand(random: () => number, state: DatasetState): DatasetCommand {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const current = state.status === 'unregistered' ? 0 : (state.releases[state.releases.length - 1] ?? 0);
  const suspendedBy = state.status === 'unregistered' ? undefined : state.suspension?.causeRef;
  // Withdrawal ends a dataset's story, so it is rare enough for most streams to get far first.
  const kind =
    state.status === 'unregistered'
      ? 'register'
      : random() < 0.04
        ? 'withdraw'
        : pick(['reclassify', 'release', 'release', 'release', 'suspend', 'suspend', 'restore'] as const);
  switch (kind) {
    case 'register':
      return {
        type: 'RegisterDataset',
        data: registration({
          title: `dataset ${Math.floor(random() * 1000)}`,
          classification: pick(CLASSIFICATIONS),
          updateFrequency: pick(['daily', 'monthly', 'irregular'] as const),
          ...(random() < 0.5 && { openConditions: 'state a research purpose' }),
        }),
        metadata,
      };
    case 'reclassify':
      return {
        type: 'ReclassifyDataset',
        data: {
          to: pick(CLASSIFICATIONS),
          reason: 'reassessed',
          ...(random() < 0.7 && { desensitisationRef: 'DS-1' }),
        },
        metadata,
      };
    case 'release':
      return {
        type: 'ReleaseDataset',
        data: {
          ...release(current + 1 + Math.floor(random() * 2)),
          ...(suspendedBy !== undefined && random() < 0.5 && { objectionId: suspendedBy }),
        },
        metadata,
      };
    case 'suspend': {
      const cause = pick(CAUSES);
      return {
        type: 'SuspendDataset',
        data: { reason: 'suspended', cause, ...(random() < 0.7 && { causeRef: `${cause}-${step(random)}` }) },
        metadata,
      };
    }
    case 'restore':
      return {
        type: 'RestoreDataset',
        data: { reason: 'restored', ...(suspendedBy !== undefined && { objectionId: suspendedBy }) },
        metadata,
      };
    case 'withdraw':
      return { type: 'WithdrawDataset', data: { reason: 'withdrawn' }, metadata };
  }
}

const step = (random: () => number) => Math.floor(random() * 100);

/** A small seeded PRNG, so a failing sequence can be replayed from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
