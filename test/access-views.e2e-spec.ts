import { randomUUID } from 'node:crypto';
import type { Actor, EventType, JsonObject } from '@ledger/events';
import { EVENT_STORE, Rulebooks } from '@ledger/runtime';
import type { EventStore, NewEvent, StreamAppend } from '@ledger/store';
import { LedgerUnderTest } from './support/ledger-under-test';

const at = (time: string) => Date.parse(time);
const DAY = 86_400;
const SEALED_CIPHERTEXT = 'c2VhbGVkLWFwcGxpY2FudC1kZXRhaWxz';

/**
 * The conditional-access views over HTTP. The commands that record applications, grants and violation
 * cases are not what this suite is about, so the journal is built by appending their events to the
 * store directly (as the command loop would, with the legal basis from the rulebook), with the journal's
 * clock held at chosen times: Asia/Shanghai working days around the 2025 National Day holiday, so an
 * application left under review since then is overdue today and one submitted today is not.
 */
describe('conditional-access views: applications, grants, violations, detections, public revocations', () => {
  let ledger: LedgerUnderTest;
  let store: EventStore;
  let rulebooks: Rulebooks;
  let frozenAt: number | undefined;
  let transport: { id: string; token: string };
  let health: { id: string; token: string };
  let supervisor: { token: string };
  let compliance: { token: string };
  let publisher: { token: string };
  let user1: { id: string; token: string };
  let user2: { id: string; token: string };
  /** The last position written, for minPosition. */
  let position = 0;

  const now = () => new Date(frozenAt ?? Date.now());
  const newEvent = (type: EventType, data: JsonObject, actor: Actor): NewEvent => ({
    id: randomUUID(),
    type,
    data,
    metadata: { actor, legalBasis: rulebooks.legalBasisFor(type, now()) },
    source: 'urn:open-data-ledger:api',
    schemaVersion: 1,
  });
  /** Appends to several streams at once, as the commands that span two aggregates do. */
  const record = async (...appends: [string, EventType, JsonObject, Actor][]) => {
    const result = await store.appendMany(
      appends.map(([streamId, type, data, actor]): StreamAppend => ({
        streamId,
        expectedVersion: 'any',
        events: [newEvent(type, data, actor)],
      })),
    );
    for (const event of result.events) position = Math.max(position, event.globalPosition);
    return result;
  };

  const officerOf = (organizationId: string, principal: { id: string }): Actor => ({
    id: principal.id,
    role: 'body_officer',
    organizationId,
  });
  const userActor = (user: { id: string }): Actor => ({ id: user.id, role: 'data_user' });
  const SUPERVISOR: Actor = { id: 'supervisor-1', role: 'supervisor' };

  const agreement = {
    scope: 'a traffic model',
    fields: ['a', 'b'],
    validFrom: '2025-10-10T00:00:00+08:00',
    // Far ahead, so the grant-expiry timer never fires during the suite.
    validUntil: '2035-10-10T00:00:00+08:00',
    obligations: 'report monthly',
    reportingInterval: 'P1M',
  };

  const submit = (id: string, datasetId: string, user: { id: string }) =>
    record([
      `application-${id}`,
      'ApplicationSubmitted',
      {
        datasetId,
        applicantPrincipal: user.id,
        applicant: {
          sealed: 'A256GCM',
          subject: 'applicant-subject',
          iv: 'aXY',
          ciphertext: SEALED_CIPHERTEXT,
          mac: 'bWFj',
        },
        purpose: 'research',
        scenario: 'a model',
        securityMeasures: 'an isolated machine',
        requestedFields: ['a', 'b'],
        requestedPeriod: { from: '2025-10-10T00:00:00Z', until: '2026-10-10T00:00:00Z' },
      },
      userActor(user),
    ]);
  const approveAndSign = async (
    applicationId: string,
    grantId: string,
    datasetId: string,
    officer: Actor,
    user: { id: string },
  ) => {
    await record([`application-${applicationId}`, 'ApplicationApproved', { agreement }, officer]);
    await record(
      [`application-${applicationId}`, 'AgreementSigned', { signedBy: user.id, grantId }, userActor(user)],
      [
        `grant-${grantId}`,
        'AccessGranted',
        { applicationId, datasetId, grantee: user.id, ...agreement },
        userActor(user),
      ],
    );
  };
  const register = async (token: string, id: string, organizationId: string) => {
    const answer = await ledger.post(
      '/v1/datasets',
      {
        id,
        title: `The ${id} dataset`,
        organizationId,
        classification: 'conditional',
        classificationBasis: 'processing demands',
        fields: ['a', 'b', 'c'],
        updateFrequency: 'monthly',
        openConditions: 'apply with a purpose',
      },
      { token },
    );
    if (answer.status !== 201) throw new Error(`${answer.status}: ${answer.text}`);
    for (const event of answer.body.events) position = Math.max(position, event.globalPosition);
  };

  const read = (path: string, token: string | null = ledger.adminToken) =>
    ledger.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`, { token });
  const ids = (answer: { body: { items: { id: string }[] } }) => answer.body.items.map((item) => item.id);

  beforeAll(async () => {
    // Friday 26 September 2025, 10:00 in Shanghai.
    frozenAt = at('2025-09-26T02:00:00Z');
    ledger = await LedgerUnderTest.start({ journal: { clock: () => frozenAt ?? Date.now() } });
    store = ledger.app.get<string, EventStore>(EVENT_STORE, { strict: false });
    rulebooks = ledger.app.get(Rulebooks, { strict: false });
    transport = await ledger.principal('body_officer', { organizationId: 'transport' });
    health = await ledger.principal('body_officer', { organizationId: 'health' });
    supervisor = await ledger.principal('supervisor');
    compliance = await ledger.principal('compliance_officer');
    publisher = await ledger.principal('publisher', {
      publish: { types: ['DataAccessed'], sources: ['urn:test:gateway'] },
    });
    user1 = await ledger.principal('data_user');
    user2 = await ledger.principal('data_user');
    const transportOfficer = officerOf('transport', transport);
    const healthOfficer = officerOf('health', health);

    await register(transport.token, 'traffic', 'transport');
    await register(health.token, 'clinics', 'health');
    await submit('a-1', 'traffic', user1);
    await submit('a-2', 'traffic', user2);
    await submit('a-3', 'clinics', user1);
    await submit('a-4', 'traffic', user2);
    await submit('a-5', 'clinics', user2);
    await submit('a-7', 'clinics', user1);

    // Monday 29 September: a-3 is asked for more; its clock stops.
    frozenAt = at('2025-09-29T02:00:00Z');
    await record([
      'application-a-3',
      'ApplicationSupplementRequested',
      { questions: 'which machine?' },
      healthOfficer,
    ]);

    // Thursday 9 October: three approvals within the deadline (the close of Thursday 16 October).
    frozenAt = at('2025-10-09T02:00:00Z');
    await approveAndSign('a-1', 'g-1', 'traffic', transportOfficer, user1);
    await approveAndSign('a-5', 'g-2', 'clinics', healthOfficer, user2);
    await approveAndSign('a-7', 'g-3', 'clinics', healthOfficer, user1);

    // Monday 20 October: a late rejection, a report, detections and violations, two revocations.
    frozenAt = at('2025-10-20T02:00:00Z');
    await record([
      'application-a-4',
      'ApplicationRejected',
      { reasonCodes: ['purpose_unclear', 'security_insufficient'], explanation: 'say more' },
      transportOfficer,
    ]);
    await record([
      'grant-g-1',
      'UsageReported',
      {
        period: { from: '2025-10-10T00:00:00+08:00', until: '2025-10-17T00:00:00+08:00' },
        summary: 'as agreed',
      },
      userActor(user1),
    ]);
    await record([
      'detection-traffic',
      'SuspectedViolationDetected',
      { accessEventId: 'access-1', datasetId: 'traffic', principal: user2.id, reason: 'no_active_grant' },
      { id: 'system', role: 'system' },
    ]);
    await record([
      'violation-v-2',
      'ViolationReported',
      {
        principal: user2.id,
        datasetId: 'traffic',
        description: 'downloaded without a grant',
        source: 'detection',
        accessEventId: 'access-1',
      },
      SUPERVISOR,
    ]);
    await record([
      'violation-v-1',
      'ViolationReported',
      { grantId: 'g-1', description: 'shared it', source: 'person' },
      SUPERVISOR,
    ]);
    await record(['violation-v-1', 'ViolationInvestigationOpened', {}, SUPERVISOR]);
    await record(
      [
        'violation-v-1',
        'ViolationConfirmed',
        { sanction: 'access_closed', findings: 'shared', publicize: true },
        SUPERVISOR,
      ],
      [
        'grant-g-1',
        'AccessRevoked',
        { reason: 'shared the data with a third party', violationCaseId: 'v-1', publicize: true },
        SUPERVISOR,
      ],
    );
    await record(['grant-g-2', 'AccessRevoked', { reason: 'asked to stop', publicize: false }, SUPERVISOR]);

    // Today: a fresh application, not overdue.
    frozenAt = undefined;
    await submit('a-6', 'traffic', user1);
  });

  afterAll(async () => {
    await ledger.stop();
  });

  describe('GET /v1/applications', () => {
    it('lists those under review first by deadline (so the overdue lead), then those waiting for a supplement, then the rest', async () => {
      const answer = await read('/v1/applications');

      expect(answer.status).toBe(200);
      expect(ids(answer)).toEqual(['a-2', 'a-6', 'a-3', 'a-1', 'a-4', 'a-5', 'a-7']);
      expect(answer.body.items.map((item: { overdue: boolean }) => item.overdue)).toEqual([
        true,
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
      expect(answer.body.next).toBeUndefined();
    });

    it('shows each application’s review clock: due, stopped for a supplement, and the one a decision was due by', async () => {
      const items = (await read('/v1/applications')).body.items as any[];
      const byId = Object.fromEntries(items.map((item) => [item.id, item]));

      expect(byId['a-2']).toEqual({
        id: 'a-2',
        status: 'submitted',
        // Ten working days after Friday 26 September, across the holiday: the close of Thursday 16 October.
        dueAt: '2025-10-16T16:00:00.000Z',
        overdue: true,
        timeRemaining: expect.any(Number),
        datasetId: 'traffic',
        organizationId: 'transport',
        applicantPrincipal: user2.id,
        submittedAt: '2025-09-26T02:00:00.000Z',
        rulebook: 'shanghai-public-data-2019/v1',
        position: expect.any(Number),
      });
      expect(byId['a-2'].timeRemaining).toBeLessThan(-30 * DAY);
      expect(byId['a-3']).toMatchObject({
        status: 'supplement_requested',
        overdue: false,
        supplementRequestedAt: '2025-09-29T02:00:00.000Z',
      });
      expect(byId['a-3'].dueAt).toBeUndefined();
      expect(byId['a-3'].timeRemaining).toBeUndefined();
      expect(byId['a-1']).toMatchObject({
        status: 'agreement_signed',
        outcome: 'approved',
        dueAt: '2025-10-16T16:00:00.000Z',
        decidedAt: '2025-10-09T02:00:00.000Z',
        signedAt: '2025-10-09T02:00:00.000Z',
        grantId: 'g-1',
        overdue: false,
      });
      expect(byId['a-4']).toMatchObject({
        status: 'rejected',
        outcome: 'rejected',
        reasonCodes: ['purpose_unclear', 'security_insufficient'],
        decidedAt: '2025-10-20T02:00:00.000Z',
      });
      expect(byId['a-6']).toMatchObject({ status: 'submitted', overdue: false });
      expect(byId['a-6'].timeRemaining).toBeGreaterThan(7 * DAY);
    });

    it('filters by overdue, status and dataset', async () => {
      expect(ids(await read('/v1/applications?overdue=true'))).toEqual(['a-2']);
      expect(ids(await read('/v1/applications?overdue=false'))).toEqual([
        'a-6',
        'a-3',
        'a-1',
        'a-4',
        'a-5',
        'a-7',
      ]);
      expect(ids(await read('/v1/applications?status=open'))).toEqual(['a-2', 'a-6', 'a-3']);
      expect(ids(await read('/v1/applications?status=rejected'))).toEqual(['a-4']);
      expect(ids(await read('/v1/applications?datasetId=clinics'))).toEqual(['a-3', 'a-5', 'a-7']);
    });

    it('pages with limit and cursor, in queue order', async () => {
      const pages: string[][] = [];
      let cursor = '';
      do {
        const page = await read(`/v1/applications?limit=2${cursor}`);
        pages.push(ids(page));
        cursor = page.body.next === undefined ? '' : `&cursor=${page.body.next}`;
      } while (cursor !== '');

      expect(pages).toEqual([['a-2', 'a-6'], ['a-3', 'a-1'], ['a-4', 'a-5'], ['a-7']]);
    });

    it('shows a body officer only its organisation’s, and a data user only its own', async () => {
      expect(ids(await read('/v1/applications', transport.token))).toEqual(['a-2', 'a-6', 'a-1', 'a-4']);
      expect(ids(await read('/v1/applications', health.token))).toEqual(['a-3', 'a-5', 'a-7']);
      expect(ids(await read('/v1/applications?datasetId=clinics', transport.token))).toEqual([]);
      expect(ids(await read('/v1/applications', user1.token))).toEqual(['a-6', 'a-3', 'a-1', 'a-7']);
      expect(ids(await read('/v1/applications', user2.token))).toEqual(['a-2', 'a-4', 'a-5']);
      expect(ids(await read('/v1/applications', supervisor.token))).toHaveLength(7);
      expect(ids(await read('/v1/applications', compliance.token))).toHaveLength(7);

      const other = await read('/v1/applications?organizationId=health', transport.token);
      expect([other.status, other.body.code]).toEqual([403, 'NotYourOrganization']);
    });

    it('answers one application to those who may see it, and 404 to those who may not', async () => {
      const own = await read('/v1/applications/a-3', user1.token);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: 'a-3', status: 'supplement_requested', organizationId: 'health' });
      expect((await read('/v1/applications/a-3', health.token)).status).toBe(200);

      for (const [token, id] of [
        [user2.token, 'a-3'],
        [transport.token, 'a-3'],
        [user1.token, 'a-2'],
        [ledger.adminToken, 'ghost'],
      ]) {
        const answer = await read(`/v1/applications/${id}`, token);
        expect([answer.status, answer.body.code]).toEqual([404, 'ApplicationNotFound']);
      }
    });

    it('refuses a publisher (403) and no key (401)', async () => {
      expect((await read('/v1/applications', publisher.token)).status).toBe(403);
      expect((await read('/v1/applications/a-1', publisher.token)).status).toBe(403);
      expect((await ledger.get('/v1/applications', { token: null })).status).toBe(401);
    });

    it('never shows the applicant’s sealed details', async () => {
      const answer = await read('/v1/applications');
      expect(answer.text).not.toContain(SEALED_CIPHERTEXT);
      expect(answer.text).not.toContain('applicant-subject');
      expect(answer.body.items[0].applicant).toBeUndefined();
    });

    it('reads its own writes with minPosition', async () => {
      const { events } = await submit('a-8', 'traffic', user2);
      const answer = await ledger.get(`/v1/applications/a-8?minPosition=${events[0].globalPosition}`, {
        token: user2.token,
      });
      expect([answer.status, answer.body.status, answer.body.overdue]).toEqual([200, 'submitted', false]);
      expect(ids(await read('/v1/applications?status=open', user2.token))).toEqual(['a-2', 'a-8']);
    });

    it.each([
      ['an unknown parameter', '?colour=red', 'ValidationFailed'],
      ['overdue that is not a boolean', '?overdue=yes', 'ValidationFailed'],
      ['a status applications do not have', '?status=restored', 'ValidationFailed'],
      ['a limit of 0', '?limit=0', 'ValidationFailed'],
      ['a cursor this list did not give', '?cursor=bm90LWEtY3Vyc29y', 'InvalidCursor'],
      ['a minPosition beyond the head', '?minPosition=999999999', 'PositionBeyondHead'],
    ])('refuses %s with 400', async (_, query, code) => {
      const answer = await ledger.get(`/v1/applications${query}`);
      expect([answer.status, answer.body.code]).toEqual([400, code]);
    });
  });

  describe('GET /v1/grants', () => {
    it('lists every grant by id with its status, terms and the next usage report due', async () => {
      const answer = await read('/v1/grants');

      expect(ids(answer)).toEqual(['g-1', 'g-2', 'g-3']);
      const [g1, g2, g3] = answer.body.items;
      expect(g1).toMatchObject({
        status: 'revoked',
        applicationId: 'a-1',
        datasetId: 'traffic',
        organizationId: 'transport',
        grantee: user1.id,
        scope: 'a traffic model',
        fields: ['a', 'b'],
        validFrom: '2025-10-09T16:00:00.000Z',
        validUntil: '2035-10-09T16:00:00.000Z',
        reportingInterval: 'P1M',
        grantedAt: '2025-10-09T02:00:00.000Z',
        reports: 1,
        lastReportedUntil: '2025-10-16T16:00:00.000Z',
        reportOverdue: false,
        revokedAt: '2025-10-20T02:00:00.000Z',
        revocationReason: 'shared the data with a third party',
        revocationPublicized: true,
        violationCaseId: 'v-1',
      });
      expect(g1.nextReportDueAt).toBeUndefined();
      expect(g2).toMatchObject({ status: 'revoked', revocationPublicized: false, grantee: user2.id });
      // One month after validFrom (10 October, Shanghai), at the close of the day; long past, never reported.
      expect(g3).toMatchObject({
        status: 'active',
        reports: 0,
        nextReportDueAt: '2025-11-10T16:00:00.000Z',
        reportOverdue: true,
      });
    });

    it('filters by status, grantee and dataset', async () => {
      expect(ids(await read('/v1/grants?status=revoked'))).toEqual(['g-1', 'g-2']);
      expect(ids(await read(`/v1/grants?grantee=${user2.id}`))).toEqual(['g-2']);
      expect(ids(await read('/v1/grants?datasetId=traffic'))).toEqual(['g-1']);
    });

    it('pages by id', async () => {
      const first = await read('/v1/grants?limit=2');
      const second = await read(`/v1/grants?limit=2&cursor=${first.body.next}`);
      expect([ids(first), ids(second), second.body.next]).toEqual([['g-1', 'g-2'], ['g-3'], undefined]);
    });

    it('shows a data user only its own grants and a body officer its organisation’s; 404 for one outside', async () => {
      expect(ids(await read('/v1/grants', user1.token))).toEqual(['g-1', 'g-3']);
      expect(ids(await read(`/v1/grants?grantee=${user2.id}`, user1.token))).toEqual([]);
      expect(ids(await read('/v1/grants', health.token))).toEqual(['g-2', 'g-3']);
      expect(ids(await read('/v1/grants', transport.token))).toEqual(['g-1']);

      expect((await read('/v1/grants/g-1', user1.token)).body).toMatchObject({
        id: 'g-1',
        status: 'revoked',
      });
      for (const [token, id] of [
        [user2.token, 'g-1'],
        [health.token, 'g-1'],
        [ledger.adminToken, 'ghost'],
      ]) {
        const answer = await read(`/v1/grants/${id}`, token);
        expect([answer.status, answer.body.code]).toEqual([404, 'GrantNotFound']);
      }
      expect((await read('/v1/grants', publisher.token)).status).toBe(403);
    });
  });

  describe('GET /v1/violations and /v1/detections', () => {
    it('lists open cases first, with dataset and principal from the report or its grant, and no deadline', async () => {
      const answer = await read('/v1/violations');

      expect(ids(answer)).toEqual(['v-2', 'v-1']);
      const [v2, v1] = answer.body.items;
      expect(v2).toEqual({
        id: 'v-2',
        status: 'reported',
        overdue: false,
        source: 'detection',
        principal: user2.id,
        datasetId: 'traffic',
        organizationId: 'transport',
        accessEventId: 'access-1',
        reportedAt: '2025-10-20T02:00:00.000Z',
        position: expect.any(Number),
      });
      expect(v1).toMatchObject({
        status: 'confirmed',
        source: 'person',
        grantId: 'g-1',
        principal: user1.id,
        datasetId: 'traffic',
        organizationId: 'transport',
        investigationOpenedAt: '2025-10-20T02:00:00.000Z',
        sanction: 'access_closed',
        publicize: true,
        closedAt: '2025-10-20T02:00:00.000Z',
      });
      expect(answer.text).not.toContain('shared it');
    });

    it('filters by status and source', async () => {
      expect(ids(await read('/v1/violations?status=confirmed'))).toEqual(['v-1']);
      expect(ids(await read('/v1/violations?status=open'))).toEqual(['v-2']);
      expect(ids(await read('/v1/violations?source=detection'))).toEqual(['v-2']);
    });

    it('lists the detections, with the case raised from each', async () => {
      const answer = await read('/v1/detections');

      expect(answer.body.items).toEqual([
        {
          id: expect.any(String),
          accessEventId: 'access-1',
          datasetId: 'traffic',
          organizationId: 'transport',
          principal: user2.id,
          reason: 'no_active_grant',
          detectedAt: '2025-10-20T02:00:00.000Z',
          violationCaseId: 'v-2',
          position: expect.any(Number),
        },
      ]);
      expect((await read(`/v1/detections?principal=${user1.id}`)).body.items).toEqual([]);
      expect((await read('/v1/detections?datasetId=traffic')).body.items).toHaveLength(1);
    });

    it('shows a body officer its organisation’s only, 404 for a case outside; data users and publishers 403', async () => {
      expect(ids(await read('/v1/violations', transport.token))).toEqual(['v-2', 'v-1']);
      expect(ids(await read('/v1/violations', health.token))).toEqual([]);
      expect((await read('/v1/detections', health.token)).body.items).toEqual([]);
      expect((await read('/v1/violations/v-1', transport.token)).status).toBe(200);
      const outside = await read('/v1/violations/v-1', health.token);
      expect([outside.status, outside.body.code]).toEqual([404, 'ViolationNotFound']);

      for (const token of [user1.token, user2.token, publisher.token]) {
        expect((await read('/v1/violations', token)).status).toBe(403);
        expect((await read('/v1/violations/v-1', token)).status).toBe(403);
        expect((await read('/v1/detections', token)).status).toBe(403);
      }
    });
  });

  describe('GET /v1/public/revocations', () => {
    it('lists, without a key, the revocations made public, with dataset title and sanction, and never the grantee', async () => {
      const answer = await ledger.get(`/v1/public/revocations?minPosition=${position}`, { token: null });

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        items: [
          {
            grantId: 'g-1',
            datasetId: 'traffic',
            datasetTitle: 'The traffic dataset',
            organizationId: 'transport',
            revokedAt: '2025-10-20T02:00:00.000Z',
            reason: 'shared the data with a third party',
            violationCaseId: 'v-1',
            sanction: 'access_closed',
          },
        ],
      });
      expect(answer.text).not.toContain(user1.id);
      expect(answer.text).not.toContain('g-2');
    });

    it('refuses a bad key (401) even here', async () => {
      expect((await ledger.get('/v1/public/revocations', { token: 'not-a-key-of-this-ledger' })).status).toBe(
        401,
      );
    });
  });

  it('documents every view, its query and its items in the OpenAPI document', async () => {
    const document = (await ledger.get('/docs-json', { token: null })).body;

    for (const path of [
      '/v1/applications',
      '/v1/applications/{id}',
      '/v1/grants',
      '/v1/grants/{id}',
      '/v1/violations',
      '/v1/violations/{id}',
      '/v1/detections',
      '/v1/public/revocations',
    ]) {
      expect(document.paths[path]?.get?.responses?.['200']).toBeDefined();
    }
    const parameters = document.paths['/v1/applications'].get.parameters.map((p: { name: string }) => p.name);
    expect(parameters).toEqual(
      expect.arrayContaining([
        'status',
        'datasetId',
        'organizationId',
        'overdue',
        'limit',
        'cursor',
        'minPosition',
      ]),
    );
    const schemas = document.components.schemas;
    expect(Object.keys(schemas.ApplicationItemDto.properties)).toEqual(
      expect.arrayContaining([
        'id',
        'status',
        'dueAt',
        'overdue',
        'applicantPrincipal',
        'reasonCodes',
        'grantId',
      ]),
    );
    expect(Object.keys(schemas.PublicRevocationDto.properties)).not.toContain('grantee');
    expect(Object.keys(schemas.OrganizationEvaluationDto.properties)).toEqual(
      expect.arrayContaining([
        'corrections',
        'objections',
        'releases',
        'applications',
        'grants',
        'violations',
      ]),
    );
  });

  describe('GET /v1/statistics/organizations/{id}', () => {
    const period = '?from=2025-09-01T00:00:00%2B08:00&to=2025-11-01T00:00:00%2B08:00';

    it('adds the conditional-access figures to a body’s evaluation, keeping the case figures', async () => {
      const answer = await read(`/v1/statistics/organizations/transport${period}`, supervisor.token);

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        organizationId: 'transport',
        corrections: { filed: 0, resolved: 0 },
        objections: { filed: 0 },
        releases: { released: 0 },
        applications: {
          submitted: 3,
          decided: 2,
          approved: 1,
          rejected: 1,
          grantRate: 0.5,
          rejectRate: 0.5,
          reasonCodes: { purpose_unclear: 1, security_insufficient: 1 },
          withdrawn: 0,
          // 13 days (in time) and 24 days (late): the median between them, p90 nine tenths of the way.
          timeToDecide: {
            decided: 2,
            medianSeconds: 18.5 * DAY,
            p90Seconds: Math.round((13 + 0.9 * 11) * DAY),
            shareWithinDeadline: 0.5,
          },
          // a-2 (overdue) and a-6 and a-8 (today's).
          openNow: 3,
          awaitingSupplementNow: 0,
          overdueNow: 1,
        },
        grants: {
          granted: 1,
          revoked: 1,
          revokedPublicly: 1,
          revokedForViolation: 1,
          expired: 0,
          activeNow: 0,
          suspendedNow: 0,
          usageReportsOverdueNow: 0,
        },
        violations: {
          reported: 2,
          reportedFromDetection: 1,
          confirmed: 1,
          dismissed: 0,
          sanctions: { access_closed: 1 },
          openNow: 1,
          suspectedViolations: { detected: 1, byReason: { no_active_grant: 1 } },
        },
      });
    });

    it('counts a waiting supplement and an overdue usage report for the other body', async () => {
      const answer = await read(`/v1/statistics/organizations/health${period}`, health.token);

      expect(answer.body.applications).toMatchObject({
        submitted: 3,
        decided: 2,
        approved: 2,
        rejected: 0,
        grantRate: 1,
        rejectRate: 0,
        reasonCodes: {},
        timeToDecide: { decided: 2, medianSeconds: 13 * DAY, shareWithinDeadline: 1 },
        openNow: 1,
        awaitingSupplementNow: 1,
        overdueNow: 0,
      });
      expect(answer.body.grants).toMatchObject({
        granted: 2,
        revoked: 1,
        revokedPublicly: 0,
        activeNow: 1,
        usageReportsOverdueNow: 1,
      });
      expect(answer.body.violations).toMatchObject({
        reported: 0,
        suspectedViolations: { detected: 0, byReason: {} },
      });
    });
  });
});
