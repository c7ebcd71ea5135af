import type { Actor, JsonObject } from '@ledger/events';
import { loadRulebooks, Rulebooks } from '@ledger/runtime';
import { testBackend } from '../../../../test/support/test-backend';
import type { ProjectedEvent } from '../engine/projection';
import { GivenEvent, ProjectionTestbed } from '../testing/projection-testbed';
import { accessViewsProjection } from './access-views.projection';

const V1 = 'shanghai-public-data-2019/v1';
const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;

const event = (streamId: string, type: string, data: JsonObject = {}): GivenEvent => ({
  streamId,
  type,
  data,
});

const registered = (datasetId: string, organizationId: string): GivenEvent =>
  event(`dataset-${datasetId}`, 'DatasetRegistered', {
    title: `the ${datasetId} dataset`,
    organizationId,
    classification: 'conditional',
    classificationBasis: 'processing demands',
    fields: ['a', 'b', 'c'],
    updateFrequency: 'monthly',
  });

const submitted = (id: string, datasetId: string, applicantPrincipal = 'user-1'): GivenEvent => ({
  ...event(`application-${id}`, 'ApplicationSubmitted', {
    datasetId,
    applicantPrincipal,
    applicant: { sealed: 'A256GCM', subject: 's-1', iv: 'aXY', ciphertext: 'Y3Q', mac: 'bWFj' },
    purpose: 'research',
    scenario: 'traffic model',
    securityMeasures: 'an isolated machine',
    requestedFields: ['a', 'b'],
    requestedPeriod: { from: '2026-01-01T00:00:00Z', until: '2026-12-31T00:00:00Z' },
  }),
  actor: { id: applicantPrincipal, role: 'data_user' },
});

const agreement = {
  scope: 'the traffic model only',
  fields: ['a', 'b'],
  validFrom: '2026-01-01T00:00:00+08:00',
  validUntil: '2026-12-31T00:00:00+08:00',
  obligations: 'report monthly',
  reportingInterval: 'P1M',
};

const granted = (id: string, applicationId: string, datasetId: string, grantee = 'user-1'): GivenEvent =>
  event(`grant-${id}`, 'AccessGranted', { applicationId, datasetId, grantee, ...agreement });

const reported = (grantId: string, from: string, until: string): GivenEvent =>
  event(`grant-${grantId}`, 'UsageReported', { period: { from, until }, summary: 'used as agreed' });

const detected = (datasetId: string, accessEventId: string, principal = 'user-2'): GivenEvent =>
  event(`detection-${datasetId}`, 'SuspectedViolationDetected', {
    accessEventId,
    datasetId,
    principal,
    reason: 'no_active_grant',
  });

const APPLICATIONS = `
SELECT id, dataset_id, organization_id, applicant_principal, status, outcome, reason_codes, grant_id, rulebook,
       due_at IS NOT NULL AS has_due, decided_at IS NOT NULL AS decided, signed_at IS NOT NULL AS signed,
       withdrawn_at IS NOT NULL AS withdrawn
  FROM ledger_views.access_applications ORDER BY id`;

const GRANTS = `
SELECT id, application_id, dataset_id, organization_id, grantee, status, fields, reporting_interval, reports,
       ${iso('valid_from')}, ${iso('last_reported_until')}, ${iso('next_report_due_at')},
       revocation_reason, revocation_publicized, violation_case_id,
       suspended_at IS NOT NULL AS suspended, revoked_at IS NOT NULL AS revoked, expired_at IS NOT NULL AS expired
  FROM ledger_views.access_grants ORDER BY id`;

const VIOLATIONS = `
SELECT id, status, source, grant_id, principal, dataset_id, organization_id, access_event_id, sanction, publicize,
       investigation_opened_at IS NOT NULL AS investigated, closed_at IS NOT NULL AS closed
  FROM ledger_views.access_violations ORDER BY id`;

const DETECTIONS = `
SELECT access_event_id, dataset_id, organization_id, principal, grant_id, reason, fields, violation_case_id
  FROM ledger_views.access_detections ORDER BY access_event_id`;

const REVOCATIONS = `
SELECT grant_id, dataset_id, dataset_title, organization_id, reason, violation_case_id, sanction
  FROM ledger_views.access_revocations ORDER BY grant_id`;

const ALL_ROWS = [
  'SELECT * FROM ledger_views.access_datasets ORDER BY dataset_id',
  'SELECT * FROM ledger_views.access_applications ORDER BY id',
  'SELECT * FROM ledger_views.access_grants ORDER BY id',
  'SELECT * FROM ledger_views.access_violations ORDER BY id',
  'SELECT * FROM ledger_views.access_revocations ORDER BY grant_id',
  'SELECT * FROM ledger_views.access_detections ORDER BY id',
];

/** A whole conditional-access history: applications decided every way, grants used and closed, violations. */
const history = (): GivenEvent[] => [
  registered('traffic', 'transport'),
  registered('clinics', 'health'),
  submitted('a-1', 'traffic'),
  event('application-a-1', 'ApplicationSupplementRequested', { questions: 'which machine?' }),
  event('application-a-1', 'ApplicationSupplemented', { answers: 'an isolated one' }),
  event('application-a-1', 'ApplicationApproved', { agreement }),
  event('application-a-1', 'AgreementSigned', { signedBy: 'user-1', grantId: 'g-1' }),
  granted('g-1', 'a-1', 'traffic'),
  submitted('a-2', 'traffic', 'user-2'),
  event('application-a-2', 'ApplicationRejected', {
    reasonCodes: ['purpose_unclear', 'security_insufficient'],
    explanation: 'say more',
  }),
  submitted('a-3', 'clinics', 'user-2'),
  event('application-a-3', 'ApplicationWithdrawn'),
  submitted('a-4', 'clinics', 'user-3'),
  reported('g-1', '2026-01-01T00:00:00+08:00', '2026-02-01T00:00:00+08:00'),
  // A late report on an earlier period moves nothing.
  reported('g-1', '2026-01-01T00:00:00+08:00', '2026-01-15T00:00:00+08:00'),
  event('grant-g-1', 'GrantSuspended', { reason: 'looking into an access' }),
  event('grant-g-1', 'GrantReinstated', { reason: 'the access was fine' }),
  detected('traffic', 'access-1'),
  event('violation-v-1', 'ViolationReported', {
    principal: 'user-2',
    datasetId: 'traffic',
    description: 'downloaded without a grant',
    source: 'detection',
    accessEventId: 'access-1',
  }),
  event('violation-v-2', 'ViolationReported', { grantId: 'g-1', description: 'shared it', source: 'person' }),
  event('violation-v-2', 'ViolationInvestigationOpened'),
  event('violation-v-2', 'ViolationConfirmed', {
    sanction: 'access_closed',
    findings: 'shared with a third party',
    publicize: true,
  }),
  event('grant-g-1', 'AccessRevoked', { reason: 'shared the data', violationCaseId: 'v-2', publicize: true }),
  event('violation-v-1', 'ViolationDismissed', { explanation: 'a test account' }),
];

describe(`the access_views projection on ${testBackend()}`, () => {
  let testbed: ProjectionTestbed;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(accessViewsProjection(new Rulebooks(loadRulebooks())));
  });

  afterEach(async () => {
    await testbed.dispose();
  });

  const everything = async () => Promise.all(ALL_ROWS.map((sql) => testbed.rows(sql)));

  it('given applications decided every way, then one row each with its organisation, status and outcome', async () => {
    await testbed.given(history());

    expect(await testbed.rows(APPLICATIONS)).toEqual([
      {
        id: 'a-1',
        dataset_id: 'traffic',
        organization_id: 'transport',
        applicant_principal: 'user-1',
        status: 'agreement_signed',
        outcome: 'approved',
        reason_codes: null,
        grant_id: 'g-1',
        rulebook: V1,
        has_due: true,
        decided: true,
        signed: true,
        withdrawn: false,
      },
      expect.objectContaining({
        id: 'a-2',
        applicant_principal: 'user-2',
        status: 'rejected',
        outcome: 'rejected',
        reason_codes: ['purpose_unclear', 'security_insufficient'],
        decided: true,
        grant_id: null,
      }),
      expect.objectContaining({
        id: 'a-3',
        organization_id: 'health',
        status: 'withdrawn',
        outcome: null,
        decided: false,
        withdrawn: true,
      }),
      expect.objectContaining({ id: 'a-4', status: 'submitted', has_due: true, decided: false }),
    ]);
  });

  it('given a grant used, suspended, reinstated and revoked for a confirmed violation, then its registry row', async () => {
    await testbed.given(history());

    expect(await testbed.rows(GRANTS)).toEqual([
      {
        id: 'g-1',
        application_id: 'a-1',
        dataset_id: 'traffic',
        organization_id: 'transport',
        grantee: 'user-1',
        status: 'revoked',
        fields: ['a', 'b'],
        reporting_interval: 'P1M',
        reports: 2,
        valid_from: '2025-12-31T16:00:00.000Z',
        last_reported_until: '2026-01-31T16:00:00.000Z',
        // Revoked: no report is due any more.
        next_report_due_at: null,
        revocation_reason: 'shared the data',
        revocation_publicized: true,
        violation_case_id: 'v-2',
        suspended: true,
        revoked: true,
        expired: false,
      },
    ]);
  });

  it('counts the next usage report from validFrom, then from the end of the latest period reported on', async () => {
    await testbed.given([registered('traffic', 'transport'), granted('g-1', 'a-1', 'traffic')]);
    const nextDue = async () => (await testbed.rows(GRANTS))[0].next_report_due_at;

    // validFrom 1 January (Shanghai) + P1M: the close of 1 February in Shanghai.
    expect(await nextDue()).toBe('2026-02-01T16:00:00.000Z');

    await testbed.given([reported('g-1', '2026-01-01T00:00:00+08:00', '2026-02-01T00:00:00+08:00')]);
    expect(await nextDue()).toBe('2026-03-01T16:00:00.000Z');

    await testbed.given([reported('g-1', '2026-01-01T00:00:00+08:00', '2026-01-20T00:00:00+08:00')]);
    expect(await nextDue()).toBe('2026-03-01T16:00:00.000Z');

    await testbed.given([event('grant-g-1', 'GrantExpired', { validUntil: agreement.validUntil })]);
    expect(await testbed.rows(GRANTS)).toEqual([
      expect.objectContaining({ status: 'expired', expired: true, next_report_due_at: null, reports: 2 }),
    ]);
  });

  it('gives the violation cases their dataset, principal and organisation, from the report or its grant', async () => {
    await testbed.given(history());

    expect(await testbed.rows(VIOLATIONS)).toEqual([
      {
        id: 'v-1',
        status: 'dismissed',
        source: 'detection',
        grant_id: null,
        principal: 'user-2',
        dataset_id: 'traffic',
        organization_id: 'transport',
        access_event_id: 'access-1',
        sanction: null,
        publicize: null,
        investigated: false,
        closed: true,
      },
      {
        id: 'v-2',
        status: 'confirmed',
        source: 'person',
        grant_id: 'g-1',
        principal: 'user-1',
        dataset_id: 'traffic',
        organization_id: 'transport',
        access_event_id: null,
        sanction: 'access_closed',
        publicize: true,
        investigated: true,
        closed: true,
      },
    ]);
    expect(await testbed.rows(DETECTIONS)).toEqual([
      {
        access_event_id: 'access-1',
        dataset_id: 'traffic',
        organization_id: 'transport',
        principal: 'user-2',
        grant_id: null,
        reason: 'no_active_grant',
        fields: null,
        violation_case_id: 'v-1',
      },
    ]);
  });

  it('applies the same batch twice with the same rows', async () => {
    const batch = await testbed.given(history());
    const before = await everything();

    await testbed.applyAgain(batch);

    expect(await everything()).toEqual(before);
    expect(before.map((rows) => rows.length)).toEqual([2, 4, 1, 2, 1, 1]);
  });

  describe('public revocations', () => {
    it('lists a revocation made public, with the dataset’s title and the sanction, and nothing of the grantee', async () => {
      await testbed.given(history());

      const rows = await testbed.rows(REVOCATIONS);
      expect(rows).toEqual([
        {
          grant_id: 'g-1',
          dataset_id: 'traffic',
          dataset_title: 'the traffic dataset',
          organization_id: 'transport',
          reason: 'shared the data',
          violation_case_id: 'v-2',
          sanction: 'access_closed',
        },
      ]);
      expect(JSON.stringify(rows)).not.toContain('user-1');
    });

    it('never lists a revocation that was not made public', async () => {
      await testbed.given([
        registered('traffic', 'transport'),
        granted('g-1', 'a-1', 'traffic'),
        granted('g-2', 'a-2', 'traffic', 'user-2'),
        event('grant-g-1', 'AccessRevoked', { reason: 'asked to stop', publicize: false }),
        event('grant-g-2', 'AccessRevoked', { reason: 'misuse', publicize: true }),
      ]);

      expect((await testbed.rows(REVOCATIONS)).map((row) => row.grant_id)).toEqual(['g-2']);
      expect(await testbed.rows(GRANTS)).toEqual([
        expect.objectContaining({ id: 'g-1', status: 'revoked', revocation_publicized: false }),
        expect.objectContaining({ id: 'g-2', status: 'revoked', revocation_publicized: true }),
      ]);
    });

    it('names the sanction of a violation confirmed after the revocation it caused', async () => {
      await testbed.given([
        registered('traffic', 'transport'),
        granted('g-1', 'a-1', 'traffic'),
        event('violation-v-1', 'ViolationReported', { grantId: 'g-1', description: 'x', source: 'person' }),
        event('grant-g-1', 'AccessRevoked', { reason: 'misuse', violationCaseId: 'v-1', publicize: true }),
      ]);
      expect((await testbed.rows(REVOCATIONS))[0]).toMatchObject({ sanction: null });

      await testbed.given([
        event('violation-v-1', 'ViolationConfirmed', {
          sanction: 'credit_record',
          findings: 'misuse',
          publicize: true,
        }),
      ]);
      expect((await testbed.rows(REVOCATIONS))[0]).toMatchObject({ sanction: 'credit_record' });
    });
  });

  it('gives what was recorded before its dataset’s registration reached the view its organisation later', async () => {
    const [application] = await testbed.given([
      submitted('a-9', 'late'),
      granted('g-9', 'a-9', 'late'),
      detected('late', 'access-9'),
      event('grant-g-9', 'AccessRevoked', { reason: 'misuse', publicize: true }),
    ]);
    expect((await testbed.rows(APPLICATIONS))[0]).toMatchObject({ organization_id: null });

    await testbed.applyAgain([
      at(application.globalPosition - 1, '2026-03-02T02:00:00Z', registered('late', 'archives')),
    ]);

    expect((await testbed.rows(APPLICATIONS))[0]).toMatchObject({ organization_id: 'archives' });
    expect((await testbed.rows(GRANTS))[0]).toMatchObject({ organization_id: 'archives' });
    expect((await testbed.rows(DETECTIONS))[0]).toMatchObject({ organization_id: 'archives' });
    expect((await testbed.rows(REVOCATIONS))[0]).toMatchObject({
      organization_id: 'archives',
      dataset_title: 'the late dataset',
    });
  });

  describe('the application_review clock', () => {
    const clockOf = async (id: string) =>
      (
        await testbed.rows<{ status: string; due_at: string | null; queue_rank: number }>(
          `SELECT status, ${iso('due_at')}, queue_rank FROM ledger_views.access_applications WHERE id = $1`,
          [id],
        )
      )[0];

    it('runs 10 working days from the submission, stops while a supplement is asked for, and runs 10 again from the answers', async () => {
      // Friday 26 September 2025, 10:00 in Shanghai: ten working days across the National Day holiday
      // and its make-up Sunday end at the close of Thursday 16 October.
      await testbed.applyAgain([
        at(1, '2025-09-26T02:00:00Z', registered('traffic', 'transport')),
        at(2, '2025-09-26T02:00:00Z', submitted('a-1', 'traffic')),
      ]);
      expect(await clockOf('a-1')).toEqual({
        status: 'submitted',
        due_at: '2025-10-16T16:00:00.000Z',
        queue_rank: 0,
      });

      await testbed.applyAgain([
        at(
          3,
          '2025-09-29T02:00:00Z',
          event('application-a-1', 'ApplicationSupplementRequested', { questions: '?' }),
        ),
      ]);
      expect(await clockOf('a-1')).toEqual({ status: 'supplement_requested', due_at: null, queue_rank: 1 });

      // Answered Thursday 9 October, the first working day after the holiday: Friday 10, Saturday 11
      // (make-up), Monday 13 … Wednesday 22 October.
      await testbed.applyAgain([
        at(4, '2025-10-09T02:00:00Z', event('application-a-1', 'ApplicationSupplemented', { answers: '!' })),
      ]);
      expect(await clockOf('a-1')).toEqual({
        status: 'submitted',
        due_at: '2025-10-22T16:00:00.000Z',
        queue_rank: 0,
      });

      // A decision stops the clock; its due time stays, to say the decision came in time.
      await testbed.applyAgain([
        at(5, '2025-10-20T02:00:00Z', event('application-a-1', 'ApplicationApproved', { agreement })),
      ]);
      expect(await clockOf('a-1')).toEqual({
        status: 'approved',
        due_at: '2025-10-22T16:00:00.000Z',
        queue_rank: 2,
      });
    });

    it('has no due time for an application withdrawn while a supplement was asked for', async () => {
      await testbed.applyAgain([
        at(1, '2026-03-02T02:00:00Z', registered('traffic', 'transport')),
        at(2, '2026-03-02T02:00:00Z', submitted('a-1', 'traffic')),
        at(
          3,
          '2026-03-03T02:00:00Z',
          event('application-a-1', 'ApplicationSupplementRequested', { questions: '?' }),
        ),
        at(4, '2026-03-04T02:00:00Z', event('application-a-1', 'ApplicationWithdrawn')),
      ]);
      expect(await clockOf('a-1')).toEqual({ status: 'withdrawn', due_at: null, queue_rank: 2 });
    });

    it('counts under a rulebook version it does not know with the one in force, and says which', async () => {
      await testbed.applyAgain([
        at(1, '2026-03-02T02:00:00Z', registered('traffic', 'transport')),
        at(2, '2026-03-02T02:00:00Z', {
          ...submitted('a-1', 'traffic'),
          rulebook: 'shanghai-public-data-2019/v9',
        }),
      ]);
      expect(await testbed.rows(APPLICATIONS)).toEqual([expect.objectContaining({ rulebook: V1 })]);
      expect(await clockOf('a-1')).toMatchObject({ due_at: '2026-03-16T16:00:00.000Z' });
    });
  });
});

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
        actor: (given.actor ?? {
          id: 'officer-1',
          role: 'body_officer',
          organizationId: 'transport',
        }) as Actor,
        legalBasis: { rulebook: given.rulebook ?? V1, article: 'art. 1' },
      },
      schemaVersion: 1,
    },
  };
}
