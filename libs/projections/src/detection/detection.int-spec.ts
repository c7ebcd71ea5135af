import type { JsonObject, LedgerEntry } from '@ledger/events';
import { loadRulebooks, Rulebooks } from '@ledger/runtime';
import { testBackend } from '../../../../test/support/test-backend';
import { GivenEvent, ProjectionTestbed } from '../testing/projection-testbed';
import { detectionEventIdOf } from './detection-event';
import { DetectionRecorder } from './detection-recorder';
import { violationDetectionReactor } from './detection.reactor';

const SYSTEM = { id: 'system', role: 'system' };
const GATEWAY = { id: 'gateway', role: 'publisher' };

const registered = (datasetId: string, classification = 'conditional'): GivenEvent => ({
  streamId: `dataset-${datasetId}`,
  type: 'DatasetRegistered',
  data: {
    title: datasetId,
    organizationId: 'org-a',
    classification,
    classificationBasis: 'personal data of businesses',
    fields: ['station', 'pm25', 'address'],
    updateFrequency: 'monthly',
  },
});
const reclassified = (datasetId: string, from: string, to: string): GivenEvent => ({
  streamId: `dataset-${datasetId}`,
  type: 'DatasetReclassified',
  data: { from, to, reason: 'reviewed' },
});
// Every given event occurred at 2026-11-29T08:00Z (the builders' default): the grants' periods are set around it.
const granted = (grantId: string, grantee: string, overrides: JsonObject = {}): GivenEvent => ({
  streamId: `grant-${grantId}`,
  type: 'AccessGranted',
  data: {
    applicationId: `application-of-${grantId}`,
    datasetId: 'air',
    grantee,
    scope: 'research',
    fields: ['station', 'pm25'],
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: '2027-01-01T00:00:00.000Z',
    obligations: 'no re-identification',
    reportingInterval: 'P1M',
    ...overrides,
  },
  actor: SYSTEM,
});
const grantEvent = (grantId: string, type: string, data: JsonObject = { reason: 'checked' }): GivenEvent => ({
  streamId: `grant-${grantId}`,
  type,
  data,
  actor: SYSTEM,
});
const accessed = (principal: string, extra: JsonObject = {}, datasetId = 'air'): GivenEvent => ({
  streamId: `usage-${datasetId}`,
  type: 'DataAccessed',
  data: { datasetId, principal, channel: 'api', recordCount: 10, ...extra },
  actor: GATEWAY,
});

describe(`the violation detection on ${testBackend()}`, () => {
  const rulebooks = new Rulebooks(loadRulebooks());
  let testbed: ProjectionTestbed;
  let recorder: DetectionRecorder;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(violationDetectionReactor(rulebooks));
    recorder = new DetectionRecorder(testbed.journal.database, testbed.journal.store, {
      // Only the commit's NOTIFY wakes it within a test.
      pollIntervalMs: 60_000,
    });
  });

  afterEach(async () => {
    await recorder.stop();
    await testbed.dispose();
  });

  const detections = async (datasetId = 'air'): Promise<LedgerEntry[]> => {
    const slice = await testbed.journal.store.readStream(`detection-${datasetId}`);
    return slice.entries.map((stored) => JSON.parse(stored.canonical) as LedgerEntry);
  };
  const reasons = async (datasetId = 'air') =>
    (await detections(datasetId)).map((entry) => [
      entry.data.principal,
      entry.data.reason,
      entry.data.grantId,
      entry.data.fields,
    ]);
  const outbox = () =>
    testbed.rows<{ access_event_id: string }>(
      'SELECT access_event_id FROM view_violation_detection_1.detection_outbox',
    );

  it('records one SuspectedViolationDetected per uncovered access, as the system, named by the access', async () => {
    const applied = await testbed.given([
      registered('air'),
      registered('parks', 'unconditional'),
      granted('g1', 'user-1'),
      accessed('user-1', { fields: ['station', 'pm25'] }),
      accessed('user-1', { fields: ['station', 'address'] }),
      accessed('user-2', { fields: ['station'] }),
      accessed('user-2', {}, 'parks'),
    ]);

    await recorder.recordPending();

    const [outside, none] = await detections();
    expect(await detections('parks')).toEqual([]);
    expect(await detections()).toHaveLength(2);
    const access = applied[4].entry;
    expect(outside).toMatchObject({
      id: detectionEventIdOf(access.id),
      type: 'SuspectedViolationDetected',
      streamId: 'detection-air',
      occurredAt: access.recordedAt,
      source: 'urn:open-data-ledger:api',
      data: {
        accessEventId: access.id,
        datasetId: 'air',
        principal: 'user-1',
        grantId: 'g1',
        reason: 'fields_outside_grant',
        fields: ['address'],
      },
      metadata: {
        actor: SYSTEM,
        causationId: access.id,
        legalBasis: rulebooks.legalBasisFor('SuspectedViolationDetected', new Date(access.recordedAt)),
      },
    });
    expect(none.data).toEqual({
      accessEventId: applied[5].entry.id,
      datasetId: 'air',
      principal: 'user-2',
      reason: 'no_active_grant',
    });
    expect(await outbox()).toEqual([]);
  });

  it('judges each access against its grant as the journal had it just before the access', async () => {
    await testbed.given([
      registered('air'),
      granted('g1', 'user-1'),
      accessed('user-1', { fields: ['station'] }),
      grantEvent('g1', 'GrantSuspended'),
      accessed('user-1', { fields: ['station'] }),
      grantEvent('g1', 'GrantReinstated'),
      accessed('user-1', { fields: ['station'] }),
      grantEvent('g1', 'AccessRevoked', { reason: 'violation confirmed', publicize: true }),
      accessed('user-1', { fields: ['station'], grantId: 'g1' }),
    ]);
    await testbed.given([accessed('user-1', { fields: ['station'] })]);

    await recorder.recordPending();

    expect(await reasons()).toEqual([
      ['user-1', 'grant_suspended', 'g1', undefined],
      ['user-1', 'grant_revoked', 'g1', undefined],
      ['user-1', 'grant_revoked', 'g1', undefined],
    ]);
    expect(
      await testbed.rows('SELECT grant_id, grantee, dataset_id, status FROM ledger_views.detection_grants'),
    ).toEqual([{ grant_id: 'g1', grantee: 'user-1', dataset_id: 'air', status: 'revoked' }]);
  });

  it('compares the grant’s period with when the access occurred, and its named grant’s holder with the principal', async () => {
    await testbed.given([
      registered('air'),
      granted('g-ended', 'user-1', { validUntil: '2026-06-01T00:00:00.000Z' }),
      granted('g-later', 'user-2', {
        validFrom: '2027-01-01T00:00:00.000Z',
        validUntil: '2028-01-01T00:00:00.000Z',
      }),
      granted('g-full', 'user-3', { fields: ['station', 'pm25', 'address'] }),
      accessed('user-1', { fields: ['station'] }),
      accessed('user-2', { fields: ['station'] }),
      accessed('user-3', {}),
      accessed('user-4', { grantId: 'g-full' }),
      grantEvent('g-ended', 'GrantExpired', { validUntil: '2026-06-01T00:00:00.000Z' }),
    ]);

    await recorder.recordPending();

    expect(await reasons()).toEqual([
      ['user-1', 'grant_expired', 'g-ended', undefined],
      ['user-2', 'before_grant_validity', 'g-later', undefined],
      ['user-4', 'no_active_grant', 'g-full', undefined],
    ]);
  });

  it('watches a dataset only while it is classified conditional', async () => {
    await testbed.given([
      registered('air', 'unconditional'),
      accessed('user-1'),
      reclassified('air', 'unconditional', 'conditional'),
      accessed('user-2'),
      reclassified('air', 'conditional', 'unconditional'),
      accessed('user-3'),
    ]);

    await recorder.recordPending();

    expect(await reasons()).toEqual([['user-2', 'no_active_grant', undefined, undefined]]);
  });

  it('appends a batch’s detections, across datasets, in one append', async () => {
    await testbed.given([registered('air'), registered('rents')]);
    const before = await testbed.journal.store.head();
    await testbed.given([
      accessed('user-1', {}, 'air'),
      accessed('user-1', {}, 'rents'),
      accessed('user-2', {}, 'air'),
    ]);
    const accessesAt = await testbed.journal.store.head();

    await recorder.recordPending();

    const entries = [...(await detections('air')), ...(await detections('rents'))];
    expect(entries).toHaveLength(3);
    expect(new Set(entries.map((entry) => entry.recordedAt)).size).toBe(1);
    expect(entries.map((entry) => entry.globalPosition).sort()).toEqual(
      [accessesAt + 1, accessesAt + 2, accessesAt + 3].sort(),
    );
    expect(accessesAt).toBe(before + 3);
  });

  it('replaying the same batch records nothing twice', async () => {
    const applied = await testbed.given([
      registered('air'),
      granted('g1', 'user-1'),
      accessed('user-1', { fields: ['address'] }),
      accessed('user-2'),
    ]);
    await recorder.recordPending();
    const head = await testbed.journal.store.head();

    await testbed.applyAgain(applied);
    await recorder.recordPending();

    expect(await outbox()).toEqual([]);
    expect(await testbed.journal.store.head()).toBe(head);
    expect(await reasons()).toEqual([
      ['user-1', 'fields_outside_grant', 'g1', ['address']],
      ['user-2', 'no_active_grant', undefined, undefined],
    ]);
  });

  it('records nothing twice when the recorder crashed after appending, before clearing its outbox', async () => {
    await testbed.given([registered('air'), accessed('user-1'), accessed('user-2')]);
    const pending = await testbed.rows<Record<string, unknown>>(
      'SELECT access_event_id, access_position, stream_id, event FROM view_violation_detection_1.detection_outbox',
    );
    await recorder.recordPending();
    const head = await testbed.journal.store.head();
    for (const row of pending) {
      await testbed.db.query(
        `INSERT INTO view_violation_detection_1.detection_outbox (access_event_id, access_position, stream_id, event)
         VALUES ($1, $2, $3, $4)`,
        [row.access_event_id, row.access_position, row.stream_id, row.event],
      );
    }

    expect(await recorder.recordPending()).toBe(2);

    expect(await testbed.journal.store.head()).toBe(head);
    expect(await detections()).toHaveLength(2);
    expect(await outbox()).toEqual([]);
  });

  it('is woken by the commit of the batch that decided the detections', async () => {
    await recorder.start();

    await testbed.given([registered('air'), accessed('user-1')]);

    const deadline = Date.now() + 5_000;
    while ((await detections()).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await reasons()).toEqual([['user-1', 'no_active_grant', undefined, undefined]]);
  });
});
