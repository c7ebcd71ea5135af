import type { Actor, JsonObject } from '@ledger/events';
import { loadRulebooks, Rulebook, Rulebooks } from '@ledger/runtime';
import { testBackend } from '../../../../test/support/test-backend';
import type { ProjectedEvent } from '../engine/projection';
import { GivenEvent, ProjectionTestbed } from '../testing/projection-testbed';
import { caseQueuesProjection } from './case-queues.projection';

const V1 = 'shanghai-public-data-2019/v1';
const V2 = 'shanghai-public-data-2019/v2';

/** The shipped v1, and a v2 from 2026 that gives corrections 5 working days instead of 10. */
function twoVersions(): Rulebooks {
  const [v1] = loadRulebooks();
  const v2: Rulebook = {
    ...v1,
    version: 2,
    inForceFrom: '2026-01-01',
    deadlines: { ...v1.deadlines, correction_verification: { workingDays: 5 } },
  };
  return new Rulebooks([v1, v2]);
}

const registered = (datasetId: string, organizationId: string, updateFrequency = 'monthly'): GivenEvent => ({
  streamId: `dataset-${datasetId}`,
  type: 'DatasetRegistered',
  data: {
    title: datasetId,
    organizationId,
    classification: 'unconditional',
    classificationBasis: 'public',
    fields: ['a'],
    updateFrequency,
  },
});

const sealed = { sealed: 'A256GCM', subject: 's-1', iv: 'aXY', ciphertext: 'Y3Q', mac: 'bWFj' };

const correctionRequested = (id: string, datasetId: string, rulebook?: string): GivenEvent => ({
  streamId: `correction-${id}`,
  type: 'CorrectionRequested',
  data: { datasetId, datasetVersion: 1, description: 'wrong value', reporter: sealed },
  actor: { id: 'anonymous', role: 'public' },
  rulebook,
});

const objectionFiled = (id: string, datasetId: string): GivenEvent => ({
  streamId: `objection-${id}`,
  type: 'ObjectionFiled',
  data: { datasetId, ground: 'privacy', description: 'my number', objector: sealed },
  actor: { id: 'anonymous', role: 'public' },
});

const suspendedFor = (datasetId: string, objectionId: string): GivenEvent => ({
  streamId: `dataset-${datasetId}`,
  type: 'DatasetSuspended',
  data: { reason: 'objection', cause: 'objection', causeRef: objectionId },
});

const event = (streamId: string, type: string, data: JsonObject = {}): GivenEvent => ({
  streamId,
  type,
  data,
});

const ITEMS = `
SELECT kind, id, dataset_id, organization_id, status, rulebook, outcome, release_version,
       filed_at IS NOT NULL AS filed, verification_started_at IS NOT NULL AS verifying,
       resolved_at IS NOT NULL AS resolved, suspended_at IS NOT NULL AS suspended,
       verification_due_at = due_at AS due_is_verification
  FROM ledger_views.case_queue_items ORDER BY kind, id`;

const ALL_ROWS = [
  'SELECT * FROM ledger_views.case_queue_items ORDER BY kind, id',
  'SELECT * FROM ledger_views.case_queue_datasets ORDER BY dataset_id',
  'SELECT * FROM ledger_views.case_queue_suspensions ORDER BY objection_id',
  'SELECT * FROM ledger_views.case_queue_releases ORDER BY dataset_id, version',
];

describe(`the case_queues projection on ${testBackend()}`, () => {
  let testbed: ProjectionTestbed;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(caseQueuesProjection(twoVersions()));
  });

  afterEach(async () => {
    await testbed.dispose();
  });

  const everything = async () => Promise.all(ALL_ROWS.map((sql) => testbed.rows(sql)));

  it('given filings, verifications, a suspension and resolutions, then one row per case with its organisation and status', async () => {
    await testbed.given([
      registered('ds-1', 'org-a'),
      event('dataset-ds-1', 'DatasetReleased', release(1)),
      correctionRequested('c-1', 'ds-1'),
      correctionRequested('c-2', 'ds-1'),
      event('correction-c-1', 'CorrectionVerificationStarted'),
      event('dataset-ds-1', 'DatasetReleased', release(2)),
      event('correction-c-1', 'CorrectionResolved', {
        outcome: 'corrected',
        releaseVersion: 2,
        explanation: 'fixed',
      }),
      objectionFiled('o-1', 'ds-1'),
      suspendedFor('ds-1', 'o-1'),
      event('objection-o-1', 'ObjectionVerificationStarted'),
      objectionFiled('o-2', 'ds-1'),
    ]);

    expect(await testbed.rows(ITEMS)).toEqual([
      expect.objectContaining({
        kind: 'correction',
        id: 'c-1',
        dataset_id: 'ds-1',
        organization_id: 'org-a',
        status: 'corrected',
        outcome: 'corrected',
        release_version: 2,
        verifying: true,
        resolved: true,
        rulebook: V1,
      }),
      expect.objectContaining({ id: 'c-2', status: 'submitted', resolved: false, outcome: null }),
      expect.objectContaining({
        id: 'o-1',
        status: 'under_verification',
        suspended: true,
        due_is_verification: true,
      }),
      // Not suspended yet: what is due first is the suspension ("immediately").
      expect.objectContaining({ id: 'o-2', status: 'filed', suspended: false, due_is_verification: false }),
    ]);
  });

  it('applies the same batch twice with the same rows', async () => {
    const batch = await testbed.given([
      registered('ds-1', 'org-a'),
      event('dataset-ds-1', 'DatasetReleased', release(1)),
      correctionRequested('c-1', 'ds-1'),
      event('correction-c-1', 'CorrectionVerificationStarted'),
      objectionFiled('o-1', 'ds-1'),
      suspendedFor('ds-1', 'o-1'),
      event('dataset-ds-1', 'DatasetRestored', { reason: 'not needed' }),
      suspendedFor('ds-1', 'o-1'),
      event('objection-o-1', 'ObjectionResolved', {
        outcome: 'reopened_after_processing',
        explanation: 'masked',
        releaseVersion: 2,
      }),
      event('dataset-ds-1', 'DatasetReleased', release(2, { objectionId: 'o-1' })),
      event('correction-c-1', 'CorrectionResolved', { outcome: 'no_error_found', explanation: 'fine' }),
    ]);
    const before = await everything();

    await testbed.applyAgain(batch);

    expect(await everything()).toEqual(before);
    // The first suspension naming the objection is the one that stopped its clock, not the later one.
    expect(before[2].map((row) => Number(row.position))).toEqual([batch[5].globalPosition]);
    expect(before[0]).toHaveLength(2);
    expect(before[3]).toHaveLength(2);
  });

  it('gives a case filed before its dataset’s registration reached the view its organisation later', async () => {
    const [filed] = await testbed.given([correctionRequested('c-9', 'ds-late')]);
    expect((await testbed.rows(ITEMS))[0]).toMatchObject({ id: 'c-9', organization_id: null });

    await testbed.applyAgain([
      at(filed.globalPosition - 1, '2026-03-02T02:00:00Z', registered('ds-late', 'org-z')),
    ]);

    expect((await testbed.rows(ITEMS))[0]).toMatchObject({ id: 'c-9', organization_id: 'org-z' });
  });

  it('counts only a suspension of the objection’s own dataset', async () => {
    await testbed.given([
      registered('ds-1', 'org-a'),
      registered('ds-2', 'org-a'),
      objectionFiled('o-1', 'ds-1'),
      suspendedFor('ds-2', 'o-1'),
    ]);
    expect((await testbed.rows(ITEMS))[0]).toMatchObject({ id: 'o-1', suspended: false });
  });

  it('stops an objection’s suspension clock with a suspension that names it before the filing reached the view', async () => {
    await testbed.applyAgain([
      at(1, '2026-03-02T02:00:00Z', registered('ds-1', 'org-a')),
      at(2, '2026-03-02T02:00:00Z', suspendedFor('ds-1', 'o-1')),
      at(3, '2026-03-02T02:00:00Z', objectionFiled('o-1', 'ds-1')),
    ]);

    expect((await testbed.rows(ITEMS))[0]).toMatchObject({
      id: 'o-1',
      suspended: true,
      due_is_verification: true,
    });
  });

  describe('deadlines, counted under the rulebook version the filing was recorded under', () => {
    const dueOf = async (id: string) =>
      (
        await testbed.rows<{ verification: string; suspension: string | null; rulebook: string }>(
          `SELECT to_char(verification_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS verification,
                  to_char(suspension_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS suspension,
                  rulebook
             FROM ledger_views.case_queue_items WHERE id = $1`,
          [id],
        )
      )[0];

    it('runs 10 working days under v1 across the National Day holiday and its make-up Saturday', async () => {
      // Friday 26 September 2025, 10:00 in Shanghai. Working days after it: Sun 28 (make-up), Mon 29,
      // Tue 30, Thu 9 (after the 1–8 October holiday), Fri 10, Sat 11 (make-up), Mon 13 … Thu 16.
      await testbed.applyAgain([
        at(1, '2025-09-26T02:00:00Z', registered('ds-1', 'org-a')),
        at(2, '2025-09-26T02:00:00Z', correctionRequested('c-1', 'ds-1', V1)),
      ]);

      expect(await dueOf('c-1')).toEqual({
        verification: '2025-10-16T16:00:00.000Z',
        suspension: null,
        rulebook: V1,
      });
    });

    it('runs 5 working days for a correction recorded under v2, and keeps v1’s 10 for one recorded under v1 the same day, across New Year and its make-up Sunday', async () => {
      // Friday 2 January 2026, inside the New Year holiday (1–3 January); Sunday 4 is a make-up working
      // day. Working days after the 2nd: Sun 4, Mon 5 … Thu 8 (five), Fri 9, Mon 12 … Thu 15 (ten).
      await testbed.applyAgain([
        at(1, '2026-01-02T02:00:00Z', registered('ds-1', 'org-a')),
        at(2, '2026-01-02T02:00:00Z', correctionRequested('c-v2', 'ds-1', V2)),
        at(3, '2026-01-02T02:00:00Z', correctionRequested('c-v1', 'ds-1', V1)),
      ]);

      expect(await dueOf('c-v2')).toMatchObject({ verification: '2026-01-08T16:00:00.000Z', rulebook: V2 });
      expect(await dueOf('c-v1')).toMatchObject({ verification: '2026-01-15T16:00:00.000Z', rulebook: V1 });
    });

    it('makes an objection filed on a holiday Saturday due for suspension by the close of the next working day', async () => {
      // Saturday 4 October 2025, inside the National Day holiday: the next working day is Thursday 9.
      await testbed.applyAgain([
        at(1, '2025-10-04T03:00:00Z', registered('ds-1', 'org-a')),
        at(2, '2025-10-04T03:00:00Z', objectionFiled('o-1', 'ds-1')),
      ]);

      expect(await dueOf('o-1')).toMatchObject({ suspension: '2025-10-09T16:00:00.000Z' });
    });

    it('counts a rulebook version it does not know under the one in force, and says which', async () => {
      await testbed.applyAgain([
        at(1, '2026-01-02T02:00:00Z', registered('ds-1', 'org-a')),
        at(2, '2026-01-02T02:00:00Z', correctionRequested('c-x', 'ds-1', 'shanghai-public-data-2019/v9')),
      ]);

      expect(await dueOf('c-x')).toMatchObject({ verification: '2026-01-08T16:00:00.000Z', rulebook: V2 });
    });

    it('records when each release was due after the one before (monthly: a month and a day of grace)', async () => {
      await testbed.applyAgain([
        at(1, '2026-01-15T02:00:00Z', registered('ds-1', 'org-a', 'monthly')),
        at(2, '2026-01-15T02:00:00Z', event('dataset-ds-1', 'DatasetReleased', release(1))),
        at(3, '2026-02-20T02:00:00Z', event('dataset-ds-1', 'DatasetReleased', release(2))),
        at(4, '2026-01-15T02:00:00Z', registered('ds-2', 'org-a', 'irregular')),
        at(5, '2026-01-15T02:00:00Z', event('dataset-ds-2', 'DatasetReleased', release(1))),
        at(6, '2026-03-20T02:00:00Z', event('dataset-ds-2', 'DatasetReleased', release(2))),
      ]);

      expect(
        await testbed.rows(
          `SELECT dataset_id, version,
                  to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS due_at
             FROM ledger_views.case_queue_releases ORDER BY dataset_id, version`,
        ),
      ).toEqual([
        { dataset_id: 'ds-1', version: 1, due_at: null },
        { dataset_id: 'ds-1', version: 2, due_at: '2026-02-16T16:00:00.000Z' },
        { dataset_id: 'ds-2', version: 1, due_at: null },
        { dataset_id: 'ds-2', version: 2, due_at: null },
      ]);
    });
  });
});

function release(version: number, extra: JsonObject = {}): JsonObject {
  return { version, checksum: 'a'.repeat(64), recordCount: 1, format: 'csv', maskingRules: [], ...extra };
}

/** An event as the projection sees it, recorded at a chosen time (the journal stamps the real clock). */
function at(globalPosition: number, recordedAt: string, given: GivenEvent): ProjectedEvent {
  return {
    globalPosition,
    data: given.data,
    entry: {
      id: `event-${globalPosition}`,
      type: given.type,
      streamId: given.streamId,
      streamVersion: 0,
      globalPosition,
      recordedAt: new Date(recordedAt).toISOString(),
      source: 'urn:open-data-ledger:api',
      data: given.data,
      metadata: {
        actor: (given.actor ?? { id: 'officer-1', role: 'body_officer', organizationId: 'org-a' }) as Actor,
        legalBasis: { rulebook: given.rulebook ?? V1, article: 'art. 1' },
      },
      schemaVersion: 1,
    },
  };
}
