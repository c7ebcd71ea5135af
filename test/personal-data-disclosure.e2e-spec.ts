import { createHash, randomUUID } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

/**
 * Personal data in plain text (issue 7): shown only to who needs it to handle the case — the
 * officers of the dataset's body, and an applicant for their own application — and every such read
 * is itself recorded (PersonalDataDisclosed) before anything is shown.
 */
describe('reading personal data in plain text', () => {
  let ledger: LedgerUnderTest;
  let officer: { id: string; token: string };
  let otherOfficer: { id: string; token: string };
  let supervisor: { id: string; token: string };
  let applicant: { id: string; token: string };
  let otherUser: { id: string; token: string };
  const datasetId = `clinics-${randomUUID().slice(0, 8)}`;
  const correctionId = `c-${randomUUID().slice(0, 8)}`;
  const applicationId = `a-${randomUUID().slice(0, 8)}`;
  const reporter = { name: '李四', contact: `lisi-${randomUUID().slice(0, 6)}@example.cn` };

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', { organizationId: 'health' });
    otherOfficer = await ledger.principal('body_officer', { organizationId: 'transport' });
    supervisor = await ledger.principal('supervisor');
    applicant = await ledger.principal('data_user');
    otherUser = await ledger.principal('data_user');
    const asOfficer = { token: officer.token };
    await ledger.post(
      '/v1/datasets',
      {
        id: datasetId,
        title: 'Clinic visits',
        organizationId: 'health',
        classification: 'conditional',
        classificationBasis: 'staff phone numbers',
        fields: ['clinic', 'visits'],
        updateFrequency: 'monthly',
      },
      asOfficer,
    );
    await ledger.post(
      `/v1/datasets/${datasetId}/releases`,
      {
        version: 1,
        checksum: createHash('sha256').update('v1').digest('hex'),
        recordCount: 10,
        format: 'csv',
      },
      asOfficer,
    );
    const filed = await ledger.post(
      '/v1/corrections',
      {
        id: correctionId,
        datasetId,
        datasetVersion: 1,
        description: 'clinic 7 missing',
        evidence: 'seen by 李四',
        reporter,
      },
      { token: null },
    );
    expect(filed.status).toBe(201);
    const applied = await ledger.post(
      '/v1/applications',
      {
        id: applicationId,
        datasetId,
        purpose: 'research',
        scenario: 'aggregate study',
        securityMeasures: 'encrypted storage',
        requestedFields: ['clinic'],
        requestedPeriod: {
          from: new Date().toISOString(),
          until: new Date(Date.now() + 86_400_000 * 30).toISOString(),
        },
        applicant: { name: '王五', contact: 'wangwu@example.cn' },
      },
      { token: applicant.token },
    );
    expect(applied.status).toBe(201);
  });

  afterAll(async () => {
    await ledger.stop();
  });

  async function refused(path: string, token: string) {
    const head = await ledger.head();
    const answer = await ledger.get(path, { token });
    expect(await ledger.head()).toBe(head);
    return [answer.status, answer.body.code];
  }

  it('given a correction with a reporter, when an officer of the dataset’s body reads it, it answers in plain text and records the read first', async () => {
    const answer = await ledger.get(`/v1/corrections/${correctionId}/personal-data`, {
      token: officer.token,
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      caseStream: `correction-${correctionId}`,
      personalData: { reporter, evidence: 'seen by 李四' },
      erased: [],
    });
    const recorded = await ledger.get(`/v1/streams/${answer.body.disclosureStream}/events`);
    const [event] = recorded.body.events;
    expect(event.type).toBe('PersonalDataDisclosed');
    expect(event.data).toMatchObject({
      caseStream: `correction-${correctionId}`,
      members: ['evidence', 'reporter'],
    });
    expect(event.metadata.actor).toEqual({ id: officer.id, role: 'body_officer', organizationId: 'health' });
    expect(JSON.stringify(event)).not.toContain(reporter.contact);
  });

  it('refuses an officer of another organisation, a supervisor and a data user, writing nothing', async () => {
    const path = `/v1/corrections/${correctionId}/personal-data`;
    expect(await refused(path, otherOfficer.token)).toEqual([403, 'NotEntitledToPersonalData']);
    expect(await refused(path, supervisor.token)).toEqual([403, 'Forbidden']);
    expect(await refused(path, applicant.token)).toEqual([403, 'Forbidden']);
  });

  it('shows an applicant their own details and the reviewing officer too, but not another data user', async () => {
    const path = `/v1/applications/${applicationId}/personal-data`;
    const own = await ledger.get(path, { token: applicant.token });
    expect([own.status, own.body.personalData]).toEqual([
      200,
      { applicant: { name: '王五', contact: 'wangwu@example.cn' } },
    ]);
    expect((await ledger.get(path, { token: officer.token })).status).toBe(200);
    expect(await refused(path, otherUser.token)).toEqual([403, 'NotEntitledToPersonalData']);
  });

  it('answers 404 for a case that was never filed', async () => {
    expect(await refused('/v1/objections/never-filed/personal-data', officer.token)).toEqual([
      404,
      'ObjectionNotFound',
    ]);
  });

  it('given the reporter was erased, when the officer reads again, nothing is left to disclose', async () => {
    const erased = await ledger.post('/v1/erasures', {
      contact: reporter.contact,
      reason: 'asked to be forgotten',
    });
    expect(erased.status).toBe(201);

    expect(await refused(`/v1/corrections/${correctionId}/personal-data`, officer.token)).toEqual([
      409,
      'NothingToDisclose',
    ]);
  });
});
