import { createHash } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/** Filing corrections and objections over HTTP: input, retries, who may act and read, and the public receipt. */
describe('corrections and objections over HTTP', () => {
  let ledger: LedgerUnderTest;
  let officer: { id: string; token: string };
  let otherOfficer: { id: string; token: string };
  let dataUser: { id: string; token: string };
  const datasetId = 'air-quality-stations';

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', { organizationId: 'ecology-bureau' });
    otherOfficer = await ledger.principal('body_officer', { organizationId: 'housing-bureau' });
    dataUser = await ledger.principal('data_user');
    const registered = await ledger.post(
      '/v1/datasets',
      {
        id: datasetId,
        title: 'Air quality stations',
        organizationId: 'ecology-bureau',
        classification: 'unconditional',
        classificationBasis: 'public environmental information',
        fields: ['station', 'pm25', 'no2'],
        updateFrequency: 'daily',
      },
      { token: officer.token },
    );
    expect(registered.status).toBe(201);
    const released = await ledger.post(
      `/v1/datasets/${datasetId}/releases`,
      { version: 1, checksum: checksum('v1'), recordCount: 10, format: 'json' },
      { token: officer.token },
    );
    expect(released.status).toBe(201);
  });

  afterAll(async () => {
    await ledger.stop();
  });

  async function refused(send: () => Promise<{ status: number; body: any }>) {
    const head = await ledger.head();
    const answer = await send();
    expect(await ledger.head()).toBe(head);
    return [answer.status, answer.body.code];
  }

  const correction = (extra: Record<string, unknown> = {}) => ({
    datasetId,
    datasetVersion: 1,
    description: 'station 7 reports pm25 of 9999',
    fields: ['pm25'],
    reporter: { name: 'Chen Jing', contact: 'chen.jing@example.cn' },
    ...extra,
  });

  describe('filing', () => {
    it('treats the same filing sent again with the same id as a retry: 200, nothing recorded, the same receipt', async () => {
      const first = await ledger.post('/v1/corrections', correction({ id: 'retry-me' }), { token: null });
      expect(first.status).toBe(201);
      const head = await ledger.head();

      const again = await ledger.post('/v1/corrections', correction({ id: 'retry-me' }), { token: null });

      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        id: 'retry-me',
        receipt: 'correction-retry-me',
        streamVersion: 0,
        events: [],
      });
      expect(await ledger.head()).toBe(head);
    });

    it('refuses the same id with other content (409), even when only the sealed contact differs', async () => {
      await ledger.post('/v1/corrections', correction({ id: 'taken' }), { token: null });

      expect(
        await refused(() =>
          ledger.post(
            '/v1/corrections',
            correction({ id: 'taken', reporter: { name: 'Chen Jing', contact: 'someone.else@example.cn' } }),
            { token: null },
          ),
        ),
      ).toEqual([409, 'CorrectionAlreadyFiled']);
    });

    it.each([
      ['an unknown field', correction({ urgent: true }), 'ValidationFailed'],
      ['a version that is not a number', correction({ datasetVersion: 'one' }), 'ValidationFailed'],
      ['a version below 1', correction({ datasetVersion: 0 }), 'ValidationFailed'],
      ['a reporter without contact', correction({ reporter: { name: 'x' } }), 'ValidationFailed'],
      ['a bad dataset id', correction({ datasetId: 'no spaces allowed' }), 'ValidationFailed'],
      ['a reporter that is an array', correction({ reporter: [] }), 'ValidationFailed'],
      ['a reporter that is a string', correction({ reporter: 'me' }), 'ValidationFailed'],
      ['evidence that is not text', correction({ evidence: { photo: 1 } }), 'ValidationFailed'],
    ])('refuses %s with 400 and writes nothing', async (_, body, code) => {
      expect(await refused(() => ledger.post('/v1/corrections', body, { token: null }))).toEqual([400, code]);
    });

    it.each([
      ['an unknown dataset', correction({ datasetId: 'nowhere' }), 404, 'DatasetNotFound'],
      ['a version never released', correction({ datasetVersion: 4 }), 409, 'DatasetVersionNotReleased'],
      ['a field the dataset does not have', correction({ fields: ['colour'] }), 409, 'UnknownDatasetFields'],
    ])('refuses a correction about %s, writing nothing', async (_, body, status, code) => {
      expect(await refused(() => ledger.post('/v1/corrections', body, { token: null }))).toEqual([
        status,
        code,
      ]);
    });

    it('seals 10,000 characters of Chinese evidence', async () => {
      const answer = await ledger.post('/v1/corrections', correction({ evidence: '证'.repeat(10_000) }), {
        token: null,
      });
      expect(answer.status).toBe(201);
    });

    it('refuses evidence that would seal to more than the journal takes (400), writing nothing', async () => {
      expect(
        await refused(() =>
          ledger.post('/v1/corrections', correction({ evidence: '\u0001'.repeat(10_000) }), { token: null }),
        ),
      ).toEqual([400, 'PersonalDataTooLarge']);
    });

    it('refuses an objection without an objector (400)', async () => {
      expect(
        await refused(() =>
          ledger.post('/v1/objections', { datasetId, ground: 'privacy', description: 'x' }, { token: null }),
        ),
      ).toEqual([400, 'ValidationFailed']);
    });

    it('refuses a bad key even on the public filing route (401)', async () => {
      expect(
        await refused(() => ledger.post('/v1/corrections', correction(), { token: 'not-a-key' })),
      ).toEqual([401, 'InvalidCredentials']);
    });
  });

  describe('handling a case', () => {
    let caseId: string;

    beforeAll(async () => {
      caseId = (await ledger.post('/v1/corrections', correction(), { token: null })).body.id;
    });

    it('lets only the dataset’s own body, or a platform admin routing it, start the verification', async () => {
      expect(
        await refused(() =>
          ledger.post(`/v1/corrections/${caseId}/start-verification`, {}, { token: otherOfficer.token }),
        ),
      ).toEqual([403, 'NotYourOrganization']);
      expect(
        await refused(() =>
          ledger.post(`/v1/corrections/${caseId}/start-verification`, {}, { token: dataUser.token }),
        ),
      ).toEqual([403, 'Forbidden']);
      expect(
        await refused(() =>
          ledger.post(
            `/v1/corrections/${caseId}/start-verification`,
            { now: true },
            { token: officer.token },
          ),
        ),
      ).toEqual([400, 'ValidationFailed']);

      const started = await ledger.post(`/v1/corrections/${caseId}/start-verification`, {});
      expect(started.status).toBe(200);
      expect(started.headers.get('etag')).toBe('"1"');
    });

    it('answers a second start as a retry: 200, nothing recorded', async () => {
      const again = await ledger.post(
        `/v1/corrections/${caseId}/start-verification`,
        {},
        { token: officer.token },
      );
      expect([again.status, again.body.events]).toEqual([200, []]);
    });

    it('honours If-Match: a stale version is refused with 412', async () => {
      expect(
        await refused(() =>
          ledger.post(
            `/v1/corrections/${caseId}/resolve`,
            { outcome: 'no_error_found', explanation: 'the sensor was right' },
            { token: officer.token, headers: { 'if-match': '"0"' } },
          ),
        ),
      ).toEqual([412, 'PreconditionFailed']);
    });

    it('refuses no_error_found with a release (400), and corrected without one (400)', async () => {
      expect(
        await refused(() =>
          ledger.post(
            `/v1/corrections/${caseId}/resolve`,
            { outcome: 'no_error_found', releaseVersion: 1, explanation: 'x' },
            { token: officer.token },
          ),
        ),
      ).toEqual([400, 'ReleaseVersionNotExpected']);
      expect(
        await refused(() =>
          ledger.post(
            `/v1/corrections/${caseId}/resolve`,
            { outcome: 'corrected', explanation: 'x' },
            { token: officer.token },
          ),
        ),
      ).toEqual([400, 'ReleaseVersionRequired']);
    });

    it('resolves as no_error_found with reasons; a resolved case is final', async () => {
      const resolved = await ledger.post(
        `/v1/corrections/${caseId}/resolve`,
        { outcome: 'no_error_found', explanation: 'station 7 was calibrated; the value is a real spike' },
        { token: officer.token, headers: { 'if-match': '"1"' } },
      );
      expect(resolved.status).toBe(200);

      expect(
        await refused(() =>
          ledger.post(`/v1/corrections/${caseId}/start-verification`, {}, { token: officer.token }),
        ),
      ).toEqual([409, 'CorrectionAlreadyResolved']);
      const status = await ledger.get(`/v1/public/filings/correction-${caseId}`, { token: null });
      expect(status.body).toMatchObject({ status: 'no_error_found', outcome: { outcome: 'no_error_found' } });
    });

    it('answers 404 for a case that was never filed', async () => {
      expect(await refused(() => ledger.post('/v1/corrections/nothing-here/start-verification', {}))).toEqual(
        [404, 'CorrectionNotFound'],
      );
    });
  });

  describe('reading cases', () => {
    it('lets the dataset’s body officer read the cases on its datasets, and no other body officer', async () => {
      const filed = await ledger.post(
        '/v1/objections',
        {
          datasetId,
          ground: 'trade_secret',
          description: 'station coordinates reveal our plant layout',
          objector: { name: 'Acme Chemicals', contact: '+86 21 5555 0000' },
        },
        { token: null },
      );
      const stream = `/v1/streams/objection-${filed.body.id}/events`;

      expect((await ledger.get(stream, { token: officer.token })).status).toBe(200);
      expect((await ledger.get(stream, { token: otherOfficer.token })).status).toBe(403);
      expect((await ledger.get(stream, { token: dataUser.token })).status).toBe(403);
    });

    it('given a case filed a moment ago, when body officers page through the journal, then its body’s officer finds it and no other does', async () => {
      const from = (await ledger.head()) + 1;
      const filed = await ledger.post('/v1/corrections', correction(), { token: null });
      const caseStream = `correction-${filed.body.id}`;

      const streamsIn = async (token: string) =>
        (await ledger.get(`/v1/events?from=${from}&limit=100`, { token })).body.events.map(
          (entry: { streamId: string }) => entry.streamId,
        );

      expect(await streamsIn(officer.token)).toContain(caseStream);
      expect(await streamsIn(otherOfficer.token)).not.toContain(caseStream);
      expect(await streamsIn(dataUser.token)).not.toContain(caseStream);
    });
  });

  describe('the public receipt', () => {
    it('answers 400 for something that is not a receipt and 404 for an unknown one', async () => {
      expect((await ledger.get('/v1/public/filings/dataset-x', { token: null })).status).toBe(400);
      expect((await ledger.get('/v1/public/filings/correction-unknown', { token: null })).status).toBe(404);
    });
  });
});
