import { createHash } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/** Dataset commands over HTTP: input, roles, classification rules and the folded state. */
describe('dataset commands over HTTP', () => {
  let ledger: LedgerUnderTest;
  let officer: { token: string };
  let dataUser: { token: string };

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', { organizationId: 'civil-affairs' });
    dataUser = await ledger.principal('data_user');
  });

  afterAll(async () => {
    await ledger.stop();
  });

  const asOfficer = (path: string, body: unknown) => ledger.post(path, body, { token: officer.token });

  async function refused(send: () => Promise<{ status: number; body: any }>) {
    const head = await ledger.head();
    const answer = await send();
    expect(await ledger.head()).toBe(head);
    return [answer.status, answer.body.code];
  }

  const registration = (extra: Record<string, unknown> = {}) => ({
    title: 'Registered marriages per district',
    organizationId: 'civil-affairs',
    classification: 'non_open',
    classificationBasis: 'individual records: personal information',
    fields: ['district', 'month', 'count'],
    updateFrequency: 'monthly',
    ...extra,
  });
  const release = (version: number) => ({
    version,
    checksum: checksum(`v${version}`),
    recordCount: 16,
    format: 'csv',
  });

  it.each([
    ['no key', { token: null }, 401, 'MissingCredentials'],
    ['a data user’s key', 'data-user', 403, 'Forbidden'],
  ])('refuses registration with %s', async (_, who, status, code) => {
    const token = who === 'data-user' ? dataUser.token : null;
    expect(await refused(() => ledger.post('/v1/datasets', registration(), { token }))).toEqual([
      status,
      code,
    ]);
  });

  it.each([
    ['an unknown field', registration({ owner: 'me' })],
    ['an unknown classification', registration({ classification: 'secret' })],
    ['no fields', registration({ fields: [] })],
    ['fields that are not text', registration({ fields: [1, 2] })],
    ['an unknown update frequency', registration({ updateFrequency: 'hourly' })],
    ['a title that is too long', registration({ title: 'x'.repeat(501) })],
  ])('refuses a registration with %s (400)', async (_, body) => {
    expect(await refused(() => asOfficer('/v1/datasets', body))).toEqual([400, 'ValidationFailed']);
  });

  it('refuses malformed JSON with 400', async () => {
    expect(
      await refused(() =>
        ledger.request('POST', '/v1/datasets', {
          token: officer.token,
          body: '{"title":',
          contentType: 'application/json',
        }),
      ),
    ).toEqual([400, expect.any(String)]);
  });

  describe('a non-open dataset', () => {
    const id = 'marriages';

    beforeAll(async () => {
      expect((await asOfficer('/v1/datasets', registration({ id }))).status).toBe(201);
    });

    it('answers a retried registration (same id, same content) with 200 and records nothing', async () => {
      const again = await asOfficer('/v1/datasets', registration({ id }));
      expect([again.status, again.body.events]).toEqual([200, []]);
    });

    it('refuses the same id with other content (409)', async () => {
      expect(await refused(() => asOfficer('/v1/datasets', registration({ id, title: 'Other' })))).toEqual([
        409,
        'DatasetAlreadyRegistered',
      ]);
    });

    it('cannot be released', async () => {
      expect(await refused(() => asOfficer(`/v1/datasets/${id}/releases`, release(1)))).toEqual([
        409,
        'DatasetNonOpen',
      ]);
    });

    it('moves up only with a desensitisation or consent reference', async () => {
      expect(
        await refused(() =>
          asOfficer(`/v1/datasets/${id}/reclassify`, { to: 'unconditional', reason: 'aggregated' }),
        ),
      ).toEqual([409, 'DesensitisationOrConsentRequired']);

      const moved = await asOfficer(`/v1/datasets/${id}/reclassify`, {
        to: 'unconditional',
        reason: 'aggregated to district level',
        desensitisationRef: 'DS-2026-118',
      });

      expect(moved.status).toBe(200);
      const stream = await ledger.get(`/v1/streams/dataset-${id}/events`);
      expect(stream.body.events[1].data).toEqual({
        from: 'non_open',
        to: 'unconditional',
        reason: 'aggregated to district level',
        desensitisationRef: 'DS-2026-118',
      });
    });

    it('then releases, is withdrawn, and stays withdrawn', async () => {
      expect((await asOfficer(`/v1/datasets/${id}/releases`, release(1))).status).toBe(201);
      expect(
        (await asOfficer(`/v1/datasets/${id}/withdraw`, { reason: 'superseded by the census' })).status,
      ).toBe(200);

      expect(await refused(() => asOfficer(`/v1/datasets/${id}/releases`, release(2)))).toEqual([
        409,
        'DatasetWithdrawn',
      ]);
      const again = await asOfficer(`/v1/datasets/${id}/withdraw`, { reason: 'again' });
      expect([again.status, again.body.events]).toEqual([200, []]);
      expect((await ledger.get(`/v1/datasets/${id}`)).body).toMatchObject({
        status: 'withdrawn',
        currentVersion: 1,
      });
    });
  });

  it.each([
    ['a checksum that is not sha-256 hex', { ...release(1), checksum: 'abc' }],
    ['an upper-case checksum', { ...release(1), checksum: checksum('v1').toUpperCase() }],
    ['version 0', { ...release(1), version: 0 }],
    ['a fractional version', { ...release(1), version: 1.5 }],
    ['a negative record count', { ...release(1), recordCount: -1 }],
    ['a masking rule without method', { ...release(1), maskingRules: [{ field: 'x' }] }],
  ])('refuses a release with %s (400)', async (_, body) => {
    expect(await refused(() => asOfficer('/v1/datasets/marriages/releases', body))).toEqual([
      400,
      'ValidationFailed',
    ]);
  });

  it('refuses a version beyond 2^53, which JSON cannot carry faithfully (400)', async () => {
    const body = JSON.stringify(release(1)).replace('"version":1', '"version":9007199254740993');
    expect(
      await refused(() =>
        ledger.request('POST', '/v1/datasets/marriages/releases', { token: officer.token, body }),
      ),
    ).toEqual([400, 'UnfaithfulJson']);
  });

  it('answers 404 for commands on a dataset never registered, and for reading it', async () => {
    expect(await refused(() => asOfficer('/v1/datasets/ghost/releases', release(1)))).toEqual([
      404,
      'DatasetNotFound',
    ]);
    expect((await ledger.get('/v1/datasets/ghost')).status).toBe(404);
  });

  it('answers 400 for an id that cannot be one', async () => {
    expect(
      await refused(() => asOfficer('/v1/datasets/%20bad%20/suspend', { reason: 'x', cause: 'other' })),
    ).toEqual([400, 'InvalidId']);
  });

  it('refuses to suspend a dataset that is not open, and to restore one that is not suspended', async () => {
    expect(
      (await asOfficer('/v1/datasets', registration({ id: 'fresh', classification: 'unconditional' })))
        .status,
    ).toBe(201);
    expect(
      await refused(() => asOfficer('/v1/datasets/fresh/suspend', { reason: 'x', cause: 'security' })),
    ).toEqual([409, 'DatasetNotOpen']);
    expect(await refused(() => asOfficer('/v1/datasets/fresh/restore', { reason: 'x' }))).toEqual([
      409,
      'DatasetNotSuspended',
    ]);
  });

  it('suspends for security and restores, with ETags that If-Match can name', async () => {
    await asOfficer('/v1/datasets/fresh/releases', release(1));
    const suspended = await asOfficer('/v1/datasets/fresh/suspend', {
      reason: 'leak under investigation',
      cause: 'security',
    });
    expect(suspended.headers.get('etag')).toBe('"2"');

    const restored = await ledger.post(
      '/v1/datasets/fresh/restore',
      { reason: 'no leak found' },
      { token: officer.token, headers: { 'if-match': '"2"' } },
    );

    expect([restored.status, restored.headers.get('etag')]).toEqual([200, '"3"']);
    const read = await ledger.get('/v1/datasets/fresh');
    expect([read.body.status, read.headers.get('etag')]).toEqual(['open', '"3"']);
  });
});
