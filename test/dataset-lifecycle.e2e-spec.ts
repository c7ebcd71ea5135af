import { createHash } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksumOf = (content: string) => createHash('sha256').update(content).digest('hex');

/**
 * The life of a conditional dataset, as the issue tells it: register → release v1 → correction filed →
 * verification → corrected by release v2 → objection on privacy grounds → suspension → verification →
 * reopened after processing (v3 with masking) — with each refusal along the way, and the dataset's
 * stream telling the whole story with actors and legal bases.
 */
describe('the life of a dataset (corrections and objections)', () => {
  let ledger: LedgerUnderTest;
  let officer: { id: string; token: string };
  let otherOfficer: { id: string; token: string };
  const datasetId = 'clinic-opening-hours';

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', {
      organizationId: 'health-commission',
      name: 'Officer Li',
    });
    otherOfficer = await ledger.principal('body_officer', { organizationId: 'transport-commission' });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  const asOfficer = (path: string, body: unknown, headers?: Record<string, string>) =>
    ledger.post(path, body, { token: officer.token, headers });

  /** Sends a request that must be refused, and proves it wrote nothing. */
  async function refused(send: () => Promise<{ status: number; body: any }>) {
    const head = await ledger.head();
    const answer = await send();
    expect(await ledger.head()).toBe(head);
    return [answer.status, answer.body.code];
  }

  const release = (version: number, extra: Record<string, unknown> = {}) => ({
    version,
    checksum: checksumOf(`opening hours v${version}`),
    recordCount: 1200 + version,
    format: 'csv',
    ...extra,
  });

  let correctionId: string;
  let objectionId: string;

  it('registers the dataset as conditional on its body’s open list (201, ETag "0")', async () => {
    const answer = await asOfficer('/v1/datasets', {
      id: datasetId,
      title: 'Opening hours of community clinics',
      organizationId: 'health-commission',
      classification: 'conditional',
      classificationBasis: 'contains contact numbers of clinic staff',
      fields: ['clinic', 'district', 'hours', 'phone'],
      updateFrequency: 'monthly',
      openConditions: 'research use under an agreement',
    });

    expect(answer.status).toBe(201);
    expect(answer.headers.get('etag')).toBe('"0"');
    expect(answer.body).toMatchObject({
      id: datasetId,
      streamId: `dataset-${datasetId}`,
      streamVersion: 0,
      events: [{ type: 'DatasetRegistered', streamVersion: 0 }],
    });
  });

  it('refuses a body officer of another organisation, with 403, writing nothing', async () => {
    expect(
      await refused(() =>
        ledger.post(`/v1/datasets/${datasetId}/releases`, release(1), { token: otherOfficer.token }),
      ),
    ).toEqual([403, 'NotYourOrganization']);
    expect(
      await refused(() =>
        ledger.post(
          '/v1/datasets',
          {
            title: 'Not mine',
            organizationId: 'health-commission',
            classification: 'unconditional',
            classificationBasis: 'x',
            fields: ['a'],
            updateFrequency: 'yearly',
          },
          { token: otherOfficer.token },
        ),
      ),
    ).toEqual([403, 'NotYourOrganization']);
  });

  it('releases v1, which opens it', async () => {
    const answer = await asOfficer(`/v1/datasets/${datasetId}/releases`, release(1), { 'if-match': '"0"' });

    expect(answer.status).toBe(201);
    expect(answer.body.events).toEqual([
      expect.objectContaining({ type: 'DatasetReleased', streamVersion: 1 }),
    ]);
    const dataset = await ledger.get(`/v1/datasets/${datasetId}`);
    expect(dataset.body).toMatchObject({
      status: 'open',
      classification: 'conditional',
      currentVersion: 1,
      version: 1,
    });
  });

  it('takes a correction from anyone, without a key, and answers with a receipt', async () => {
    const answer = await ledger.post(
      '/v1/corrections',
      {
        datasetId,
        datasetVersion: 1,
        description: 'The Xuhui clinic closes at 17:00, not 19:00',
        fields: ['hours'],
        evidence: 'photo of the notice at the door',
        reporter: { name: 'Wang Fang', contact: 'wang.fang@example.cn' },
      },
      { token: null },
    );

    expect(answer.status).toBe(201);
    correctionId = answer.body.id;
    expect(answer.body.receipt).toBe(`correction-${correctionId}`);
    expect(answer.body.events).toEqual([
      expect.objectContaining({ type: 'CorrectionRequested', streamVersion: 0 }),
    ]);

    const status = await ledger.get(`/v1/public/filings/${answer.body.receipt}`, { token: null });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      kind: 'correction',
      datasetId,
      status: 'submitted',
      deadlines: [{ clock: 'correction_verification', state: 'running' }],
    });
    expect(status.text).not.toContain('wang.fang');
    expect(status.text).not.toContain('Wang Fang');
  });

  it('records the reporter only sealed: the journal never holds the contact in plain text', async () => {
    const stream = await ledger.get(`/v1/streams/correction-${correctionId}/events`);
    expect(stream.body.events[0].data.reporter).toMatchObject({
      sealed: 'A256GCM',
      subject: expect.any(String),
    });
    expect(stream.text).not.toContain('wang.fang@example.cn');
    expect(stream.text).not.toContain('Wang Fang');
  });

  it('verifies the correction, then resolves it as corrected by release v2', async () => {
    expect(
      await refused(() =>
        asOfficer(`/v1/corrections/${correctionId}/resolve`, {
          outcome: 'corrected',
          releaseVersion: 2,
          explanation: 'hours fixed',
        }),
      ),
    ).toEqual([409, 'CorrectionNotUnderVerification']);

    const started = await asOfficer(`/v1/corrections/${correctionId}/start-verification`, {});
    expect(started.status).toBe(200);
    expect(started.body.events).toEqual([expect.objectContaining({ type: 'CorrectionVerificationStarted' })]);

    expect(
      await refused(() =>
        asOfficer(`/v1/corrections/${correctionId}/resolve`, {
          outcome: 'corrected',
          releaseVersion: 2,
          explanation: 'hours fixed',
        }),
      ),
    ).toEqual([409, 'ReleaseVersionNotReleased']);

    expect((await asOfficer(`/v1/datasets/${datasetId}/releases`, release(2))).status).toBe(201);
    const resolved = await asOfficer(`/v1/corrections/${correctionId}/resolve`, {
      outcome: 'corrected',
      releaseVersion: 2,
      explanation: 'The hours were taken from an old notice; v2 carries the right ones.',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.events).toEqual([expect.objectContaining({ type: 'CorrectionResolved' })]);

    const status = await ledger.get(`/v1/public/filings/correction-${correctionId}`, { token: null });
    expect(status.body).toMatchObject({
      status: 'corrected',
      outcome: { outcome: 'corrected', releaseVersion: 2 },
      deadlines: [{ clock: 'correction_verification', state: 'met' }],
    });
  });

  it('refuses releasing v2 twice', async () => {
    expect(await refused(() => asOfficer(`/v1/datasets/${datasetId}/releases`, release(2)))).toEqual([
      409,
      'ReleaseVersionNotIncreasing',
    ]);
  });

  it('refuses an anonymous objector’s suspend (403), but takes the objection itself', async () => {
    const objection = {
      datasetId,
      ground: 'privacy',
      description: 'My mobile number is listed as a clinic number',
      evidence: 'the number 139-0000-0000 is mine, not the clinic’s',
      objector: { name: 'Zhao Lei', contact: '+86 139 0000 0000' },
    };
    expect(
      await refused(() => ledger.post('/v1/objections', { ...objection, suspend: true }, { token: null })),
    ).toEqual([403, 'SuspendNotAllowed']);
    expect(
      await refused(() =>
        ledger.post('/v1/objections', { ...objection, suspend: true }, { token: otherOfficer.token }),
      ),
    ).toEqual([403, 'SuspendNotAllowed']);

    const filed = await ledger.post('/v1/objections', objection, { token: null });
    expect(filed.status).toBe(201);
    objectionId = filed.body.id;
    expect(filed.body.events.map((e: { type: string }) => e.type)).toEqual(['ObjectionFiled']);
  });

  it('suspends the dataset because of the objection, and then refuses releases', async () => {
    const suspended = await asOfficer(`/v1/datasets/${datasetId}/suspend`, {
      reason: 'a private number may be in the data',
      cause: 'objection',
      causeRef: objectionId,
    });
    expect(suspended.status).toBe(200);
    expect((await ledger.get(`/v1/datasets/${datasetId}`)).body).toMatchObject({
      status: 'suspended',
      suspension: { cause: 'objection', causeRef: objectionId },
    });

    expect(await refused(() => asOfficer(`/v1/datasets/${datasetId}/releases`, release(3)))).toEqual([
      409,
      'DatasetSuspended',
    ]);
    expect(
      await refused(() => asOfficer(`/v1/datasets/${datasetId}/restore`, { reason: 'too early' })),
    ).toEqual([409, 'SuspendedByObjection']);

    const status = await ledger.get(`/v1/public/filings/objection-${objectionId}`, { token: null });
    expect(status.body).toMatchObject({
      kind: 'objection',
      status: 'filed',
      deadlines: [
        { clock: 'objection_suspension', metAt: expect.any(String) },
        { clock: 'objection_verification', state: 'running' },
      ],
    });
  });

  it('verifies, then reopens after processing: release v3 with masking in the same append as the resolution', async () => {
    expect((await asOfficer(`/v1/objections/${objectionId}/start-verification`, {})).status).toBe(200);

    expect(
      await refused(() =>
        asOfficer(`/v1/objections/${objectionId}/resolve`, {
          outcome: 'reopened_after_processing',
          explanation: 'numbers masked',
        }),
      ),
    ).toEqual([400, 'ReleaseRequired']);

    const resolved = await asOfficer(`/v1/objections/${objectionId}/resolve`, {
      outcome: 'reopened_after_processing',
      explanation: 'Staff numbers are masked from v3 on.',
      release: release(3, {
        maskingRules: [{ field: 'phone', method: 'suppressed' }],
        notes: 'phone masked',
      }),
    });

    expect(resolved.status).toBe(200);
    const events = resolved.body.events as { type: string; streamId: string; globalPosition: number }[];
    expect(events.map((e) => [e.type, e.streamId])).toEqual([
      ['ObjectionResolved', `objection-${objectionId}`],
      ['DatasetReleased', `dataset-${datasetId}`],
    ]);
    expect(events[1].globalPosition).toBe(events[0].globalPosition + 1);
    expect((await ledger.get(`/v1/datasets/${datasetId}`)).body).toMatchObject({
      status: 'open',
      currentVersion: 3,
    });

    const status = await ledger.get(`/v1/public/filings/objection-${objectionId}`, { token: null });
    expect(status.body).toMatchObject({
      status: 'reopened_after_processing',
      outcome: { outcome: 'reopened_after_processing', releaseVersion: 3 },
    });
    expect(status.text).not.toContain('Zhao');
  });

  it('tells the whole story in the dataset’s stream, with actors and legal bases', async () => {
    const stream = await ledger.get(`/v1/streams/dataset-${datasetId}/events`);

    expect(stream.status).toBe(200);
    const story = stream.body.events.map((entry: any) => ({
      type: entry.type,
      actor: entry.metadata.actor,
      rulebook: entry.metadata.legalBasis.rulebook,
      cited: entry.metadata.legalBasis.article.length > 0,
    }));
    const actor = { id: officer.id, role: 'body_officer', organizationId: 'health-commission' };
    const rulebook = 'shanghai-public-data-2019/v1';
    expect(story).toEqual(
      ['DatasetRegistered', 'DatasetReleased', 'DatasetReleased', 'DatasetSuspended', 'DatasetReleased'].map(
        (type) => ({ type, actor, rulebook, cited: true }),
      ),
    );
    expect(stream.body.events[4].data).toMatchObject({
      version: 3,
      objectionId,
      maskingRules: [{ field: 'phone', method: 'suppressed' }],
    });
  });
});
