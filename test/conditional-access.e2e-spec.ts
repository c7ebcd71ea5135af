import { createHash, randomUUID } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksumOf = (content: string) => createHash('sha256').update(content).digest('hex');
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const GATEWAY_SOURCE = 'urn:gateway:download';

/**
 * Conditional access, as the issue tells it: apply → supplement requested → supplemented → approved →
 * agreement signed (grant open) → usage reported → an out-of-scope DataAccessed published by the
 * gateway → SuspectedViolationDetected → a violation case opened from it and confirmed → access
 * revoked and listed publicly — with the refusals along the way, each writing nothing.
 */
describe('conditional access, from application to public revocation', () => {
  let ledger: LedgerUnderTest;
  let officer: { id: string; token: string };
  let otherOfficer: { id: string; token: string };
  let applicant: { id: string; token: string };
  let otherUser: { id: string; token: string };
  let supervisor: { id: string; token: string };
  let gateway: { id: string; token: string };
  const datasetId = `clinic-visits-${randomUUID().slice(0, 8)}`;
  const applicationId = `app-${randomUUID().slice(0, 8)}`;
  let grantId: string;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', { organizationId: 'health-commission' });
    otherOfficer = await ledger.principal('body_officer', { organizationId: 'transport-commission' });
    applicant = await ledger.principal('data_user', { name: 'Fudan research group' });
    otherUser = await ledger.principal('data_user');
    supervisor = await ledger.principal('supervisor');
    gateway = await ledger.principal('publisher', {
      publish: { types: ['DataAccessed'], sources: [GATEWAY_SOURCE] },
    });
    await registerOpenDataset(datasetId, 'conditional');
  });

  afterAll(async () => {
    await ledger.stop();
  });

  async function registerOpenDataset(id: string, classification: string): Promise<void> {
    const registered = await ledger.post(
      '/v1/datasets',
      {
        id,
        title: `Community clinic visits (${classification})`,
        organizationId: 'health-commission',
        classification,
        classificationBasis: 'aggregated visit counts; clinic staff phone numbers',
        fields: ['clinic', 'district', 'month', 'visits', 'phone'],
        updateFrequency: 'monthly',
      },
      { token: officer.token },
    );
    expect(registered.status).toBe(201);
    if (classification === 'non_open') return;
    const released = await ledger.post(
      `/v1/datasets/${id}/releases`,
      { version: 1, checksum: checksumOf(id), recordCount: 5000, format: 'csv' },
      { token: officer.token },
    );
    expect(released.status).toBe(201);
  }

  /** Sends a request that must be refused, proves it wrote nothing, and answers [status, code]. */
  async function refused(send: () => Promise<{ status: number; body: any }>) {
    const head = await ledger.head();
    const answer = await send();
    expect(await ledger.head()).toBe(head);
    return [answer.status, answer.body.code];
  }

  const requestedPeriod = { from: inDays(0), until: inDays(365) };
  const application = (overrides: Record<string, unknown> = {}) => ({
    id: applicationId,
    datasetId,
    purpose: 'study seasonal demand on community clinics',
    scenario: 'academic research; results published in aggregate',
    securityMeasures: 'encrypted storage, access limited to two named researchers',
    requestedFields: ['clinic', 'month', 'visits'],
    requestedPeriod,
    applicant: { name: '王老师', contact: 'wang@fudan.example.cn' },
    ...overrides,
  });

  const agreement = {
    scope: 'seasonal demand study, aggregate publication only',
    fields: ['clinic', 'month', 'visits'],
    validFrom: inDays(-1),
    validUntil: inDays(180),
    obligations: 'no re-identification; report every 30 days; delete at the end',
    reportingInterval: 'P30D',
  };

  const streamOf = async (streamId: string) =>
    (await ledger.get(`/v1/streams/${streamId}/events`)).body as {
      version: number;
      events: { id: string; type: string; data: any; metadata: any }[];
    };

  describe('applying', () => {
    it('refuses an application for a dataset that is not conditional: non-open and unconditional ones', async () => {
      await registerOpenDataset(`${datasetId}-closed`, 'non_open');
      await registerOpenDataset(`${datasetId}-free`, 'unconditional');

      for (const other of [`${datasetId}-closed`, `${datasetId}-free`]) {
        expect(
          await refused(() =>
            ledger.post('/v1/applications', application({ id: randomUUID(), datasetId: other }), {
              token: applicant.token,
            }),
          ),
        ).toEqual([409, 'DatasetNotConditional']);
      }
    });

    it('refuses an application from anyone but a data user', async () => {
      expect(
        await refused(() => ledger.post('/v1/applications', application(), { token: officer.token })),
      ).toEqual([403, 'Forbidden']);
    });

    it('refuses fields the dataset does not have, with 409 naming them', async () => {
      const answer = await ledger.post(
        '/v1/applications',
        application({ id: randomUUID(), requestedFields: ['clinic', 'patient_name'] }),
        { token: applicant.token },
      );
      expect([answer.status, answer.body.code]).toEqual([409, 'UnknownDatasetFields']);
      expect(answer.body.unknownFields).toEqual(['patient_name']);
    });

    it('records the application, the applicant’s details sealed, the submitting principal its owner', async () => {
      const answer = await ledger.post('/v1/applications', application(), { token: applicant.token });

      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        id: applicationId,
        streamId: `application-${applicationId}`,
        events: [{ type: 'ApplicationSubmitted', streamVersion: 0 }],
      });
      const [submitted] = (await streamOf(`application-${applicationId}`)).events;
      expect(submitted.data.applicantPrincipal).toBe(applicant.id);
      expect(submitted.data.applicant).toMatchObject({ sealed: 'A256GCM' });
      expect(JSON.stringify(submitted)).not.toContain('wang@fudan');
      expect(submitted.metadata.legalBasis.article).toContain('ch. 4');
    });

    it('answers a retry of the same submission with 200 and records nothing', async () => {
      expect(
        await refused(() => ledger.post('/v1/applications', application(), { token: applicant.token })),
      ).toEqual([200, undefined]);
    });

    it('lets the owner read its application’s stream, and no other data user', async () => {
      expect(
        (await ledger.get(`/v1/streams/application-${applicationId}/events`, { token: applicant.token }))
          .status,
      ).toBe(200);
      expect(
        (await ledger.get(`/v1/streams/application-${applicationId}/events`, { token: otherUser.token }))
          .status,
      ).toBe(403);
    });
  });

  describe('reviewing', () => {
    it('refuses approval by the applicant and by an officer of another organisation', async () => {
      expect(
        await refused(() =>
          ledger.post(`/v1/applications/${applicationId}/approve`, { agreement }, { token: applicant.token }),
        ),
      ).toEqual([403, 'Forbidden']);
      expect(
        await refused(() =>
          ledger.post(
            `/v1/applications/${applicationId}/approve`,
            { agreement },
            { token: otherOfficer.token },
          ),
        ),
      ).toEqual([403, 'NotYourOrganization']);
    });

    it('asks for a supplement, and refuses approving while the answers are awaited', async () => {
      const asked = await ledger.post(
        `/v1/applications/${applicationId}/request-supplement`,
        { questions: 'Who exactly will see row-level data?' },
        { token: officer.token },
      );
      expect(asked.status).toBe(200);
      expect(asked.body.events).toEqual([
        expect.objectContaining({ type: 'ApplicationSupplementRequested' }),
      ]);

      expect(
        await refused(() =>
          ledger.post(`/v1/applications/${applicationId}/approve`, { agreement }, { token: officer.token }),
        ),
      ).toEqual([409, 'ApplicationNotUnderReview']);
    });

    it('takes the supplement from the owner only', async () => {
      const answers = { answers: 'Two named researchers; no one else.' };
      expect(
        await refused(() =>
          ledger.post(`/v1/applications/${applicationId}/supplement`, answers, { token: otherUser.token }),
        ),
      ).toEqual([403, 'NotYourApplication']);

      const answer = await ledger.post(`/v1/applications/${applicationId}/supplement`, answers, {
        token: applicant.token,
      });
      expect(answer.status).toBe(200);
      expect(answer.body.events).toEqual([expect.objectContaining({ type: 'ApplicationSupplemented' })]);
    });

    it('refuses an agreement that grants fields not asked for', async () => {
      const wider = { ...agreement, fields: ['clinic', 'phone'] };
      expect(
        await refused(() =>
          ledger.post(
            `/v1/applications/${applicationId}/approve`,
            { agreement: wider },
            { token: officer.token },
          ),
        ),
      ).toEqual([409, 'AgreementFieldsNotRequested']);
    });

    it('refuses an agreement with a malformed reporting interval or time, with field errors', async () => {
      const bad = { ...agreement, reportingInterval: '30 days', validUntil: 'next year' };
      const answer = await ledger.post(
        `/v1/applications/${applicationId}/approve`,
        { agreement: bad },
        { token: officer.token },
      );
      expect([answer.status, answer.body.code]).toEqual([400, 'ValidationFailed']);
      expect(answer.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
        '/agreement/reportingInterval',
        '/agreement/validUntil',
      ]);
    });

    it('approves with the agreement’s terms', async () => {
      const answer = await ledger.post(
        `/v1/applications/${applicationId}/approve`,
        { agreement },
        { token: officer.token },
      );
      expect(answer.status).toBe(200);
      expect(answer.body.events).toEqual([expect.objectContaining({ type: 'ApplicationApproved' })]);
    });
  });

  describe('signing and using', () => {
    it('refuses signing by another data user', async () => {
      expect(
        await refused(() =>
          ledger.post(`/v1/applications/${applicationId}/sign-agreement`, {}, { token: otherUser.token }),
        ),
      ).toEqual([403, 'NotYourApplication']);
    });

    it('signs the agreement, which opens the grant in the same append', async () => {
      const answer = await ledger.post(
        `/v1/applications/${applicationId}/sign-agreement`,
        {},
        { token: applicant.token },
      );

      expect(answer.status).toBe(200);
      const types = answer.body.events.map((event: { type: string }) => event.type);
      expect(types).toEqual(['AgreementSigned', 'AccessGranted']);
      const granted = answer.body.events[1];
      expect(granted.streamId).toMatch(/^grant-/);
      grantId = granted.streamId.slice('grant-'.length);
      const [accessGranted] = (await streamOf(granted.streamId)).events;
      expect(accessGranted.data).toMatchObject({
        applicationId,
        datasetId,
        grantee: applicant.id,
        fields: ['clinic', 'month', 'visits'],
      });
    });

    it('takes a usage report from the grantee, and from no one else', async () => {
      const report = {
        period: { from: inDays(-1), until: inDays(0) },
        summary: 'first extraction; seasonal model drafted',
        outputs: ['draft paper'],
      };
      expect(
        await refused(() =>
          ledger.post(`/v1/grants/${grantId}/usage-reports`, report, { token: otherUser.token }),
        ),
      ).toEqual([403, 'NotYourGrant']);

      const answer = await ledger.post(`/v1/grants/${grantId}/usage-reports`, report, {
        token: applicant.token,
      });
      expect(answer.status).toBe(201);
      expect(answer.body.events).toEqual([expect.objectContaining({ type: 'UsageReported' })]);
    });
  });

  describe('detecting and sanctioning a violation', () => {
    let accessEventId: string;
    let violationId: string;

    const publishAccess = (fields: string[], token = gateway.token) =>
      ledger.request('POST', '/v1/events', {
        token,
        contentType: 'application/cloudevents+json',
        body: JSON.stringify({
          specversion: '1.0',
          id: randomUUID(),
          source: GATEWAY_SOURCE,
          type: 'DataAccessed',
          data: { datasetId, grantId, principal: applicant.id, channel: 'api', recordCount: 120, fields },
        }),
      });

    it('refuses a gateway event of a type outside the gateway’s scope', async () => {
      const answer = await refused(() =>
        ledger.request('POST', '/v1/events', {
          token: gateway.token,
          contentType: 'application/cloudevents+json',
          body: JSON.stringify({
            specversion: '1.0',
            id: randomUUID(),
            source: GATEWAY_SOURCE,
            type: 'DatasetWithdrawn',
            subject: `dataset-${datasetId}`,
            data: { reason: 'not the gateway’s to say' },
          }),
        }),
      );
      expect(answer[0]).toBe(403);
    });

    it('records an access within the grant and raises nothing for it', async () => {
      const answer = await publishAccess(['clinic', 'visits']);
      expect(answer.status).toBe(201);
    });

    it('records an access outside the grant’s fields as it happened, then raises SuspectedViolationDetected', async () => {
      const answer = await publishAccess(['clinic', 'phone']);
      expect(answer.status).toBe(201);
      accessEventId = answer.body.events[0].id;

      const detection = await eventually(async () => {
        const { events } = await streamOf(`detection-${datasetId}`);
        return events?.find((event) => event.data.accessEventId === accessEventId);
      });
      expect(detection.type).toBe('SuspectedViolationDetected');
      expect(detection.data).toMatchObject({
        datasetId,
        principal: applicant.id,
        grantId,
        reason: 'fields_outside_grant',
        fields: ['phone'],
      });
      const { events } = await streamOf(`detection-${datasetId}`);
      expect(events).toHaveLength(1);
    });

    it('refuses opening a case to anyone but a supervisor', async () => {
      expect(
        await refused(() =>
          ledger.post('/v1/violations', { accessEventId, description: 'x' }, { token: officer.token }),
        ),
      ).toEqual([403, 'Forbidden']);
    });

    it('opens a case from the detection: the access’s grant and dataset, source detection', async () => {
      violationId = `case-${randomUUID().slice(0, 8)}`;
      const answer = await ledger.post(
        '/v1/violations',
        { id: violationId, accessEventId, description: 'phone numbers pulled outside the agreement' },
        { token: supervisor.token },
      );
      expect(answer.status).toBe(201);
      const [reported] = (await streamOf(`violation-${violationId}`)).events;
      expect(reported.data).toEqual({
        grantId,
        datasetId,
        description: 'phone numbers pulled outside the agreement',
        source: 'detection',
        accessEventId,
      });
    });

    it('refuses confirming before the investigation is open', async () => {
      const confirmation = { sanction: 'access_closed', findings: 'x', publicize: true };
      expect(
        await refused(() =>
          ledger.post(`/v1/violations/${violationId}/confirm`, confirmation, { token: supervisor.token }),
        ),
      ).toEqual([409, 'ViolationNotUnderInvestigation']);
    });

    it('investigates and confirms: the grant is revoked in the same append, publicly', async () => {
      expect(
        (
          await ledger.post(
            `/v1/violations/${violationId}/open-investigation`,
            {},
            { token: supervisor.token },
          )
        ).status,
      ).toBe(200);

      const answer = await ledger.post(
        `/v1/violations/${violationId}/confirm`,
        {
          sanction: 'access_closed',
          findings: 'staff phone numbers extracted beyond the agreed fields',
          publicize: true,
        },
        { token: supervisor.token },
      );

      expect(answer.status).toBe(200);
      expect(
        answer.body.events.map((event: { type: string; streamId: string }) => [event.type, event.streamId]),
      ).toEqual([
        ['ViolationConfirmed', `violation-${violationId}`],
        ['AccessRevoked', `grant-${grantId}`],
      ]);
      const { events } = await streamOf(`grant-${grantId}`);
      expect(events.at(-1)?.data).toMatchObject({ violationCaseId: violationId, publicize: true });
    });

    it('refuses a usage report on the revoked grant', async () => {
      const report = { period: { from: inDays(-1), until: inDays(0) }, summary: 'after revocation' };
      expect(
        await refused(() =>
          ledger.post(`/v1/grants/${grantId}/usage-reports`, report, { token: applicant.token }),
        ),
      ).toEqual([409, 'GrantRevoked']);
    });

    it('detects any further access on the revoked grant', async () => {
      const answer = await publishAccess(['clinic']);
      const detection = await eventually(async () => {
        const { events } = await streamOf(`detection-${datasetId}`);
        return events.find((event) => event.data.accessEventId === answer.body.events[0].id);
      });
      expect(detection.data.reason).toBe('grant_revoked');
    });

    it('lists the revocation publicly, without a key and without who the grantee was', async () => {
      const answer = await eventually(async () => {
        const page = await ledger.get('/v1/public/revocations', { token: null });
        return page.body.items?.some((item: { grantId: string }) => item.grantId === grantId)
          ? page
          : undefined;
      });
      const notice = answer.body.items.find((item: { grantId: string }) => item.grantId === grantId);
      expect(notice).toMatchObject({ grantId, datasetId, violationCaseId: violationId });
      expect(JSON.stringify(answer.body)).not.toContain(applicant.id);
    });
  });
});

/** Polls until `probe` answers something (projections and reactors run just behind the journal). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
