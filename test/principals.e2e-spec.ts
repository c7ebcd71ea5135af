import { createHash } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

/** Organisations, principals and API keys: every act a journal event (http-api.md, "Commands" and "Conventions"). */
describe('organisations, principals and keys', () => {
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
  });

  afterAll(async () => {
    await ledger.stop();
  });

  describe('organisations', () => {
    it('registers an organisation with 201, an ETag and the recorded event, and lists it', async () => {
      const answer = await ledger.post('/v1/organizations', {
        id: 'health-commission',
        name: 'Municipal Health Commission',
      });

      expect(answer.status).toBe(201);
      expect(answer.headers.get('etag')).toBe('"0"');
      expect(answer.body).toEqual({
        id: 'health-commission',
        streamId: 'organization-health-commission',
        streamVersion: 0,
        events: [
          {
            id: expect.any(String),
            type: 'OrganizationRegistered',
            streamId: 'organization-health-commission',
            streamVersion: 0,
            globalPosition: expect.any(Number),
          },
        ],
      });
      expect((await ledger.get('/v1/organizations/health-commission')).body.name).toBe(
        'Municipal Health Commission',
      );
      expect((await ledger.get('/v1/organizations')).body.items.map((o: { id: string }) => o.id)).toContain(
        'health-commission',
      );
    });

    it('refuses the same id twice with 409 and writes nothing', async () => {
      await ledger.post('/v1/organizations', { id: 'twice', name: 'Once' });
      const head = await ledger.head();

      const answer = await ledger.post('/v1/organizations', { id: 'twice', name: 'Twice' });

      expect([answer.status, answer.body.code]).toEqual([409, 'OrganizationAlreadyRegistered']);
      expect(await ledger.head()).toBe(head);
    });

    it('pages with limit and cursor', async () => {
      for (const id of ['page-a', 'page-b', 'page-c'])
        await ledger.post('/v1/organizations', { id, name: id });

      const first = await ledger.get('/v1/organizations?limit=2');
      const second = await ledger.get(`/v1/organizations?limit=2&cursor=${first.body.next}`);

      expect(first.body.items).toHaveLength(2);
      expect(second.body.items[0].id > first.body.items[1].id).toBe(true);
    });

    it('lets only platform admins register one', async () => {
      const supervisor = await ledger.principal('supervisor');

      const answer = await ledger.post('/v1/organizations', { name: 'Rogue' }, { token: supervisor.token });

      expect([answer.status, answer.body.code]).toEqual([403, 'Forbidden']);
    });
  });

  describe('principals', () => {
    it('creates a principal whose key works at once, recording only the key’s hash', async () => {
      const answer = await ledger.post('/v1/principals', {
        name: 'Auditor Wang',
        role: 'compliance_officer',
      });

      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        id: expect.any(String),
        keyId: expect.any(String),
        token: expect.stringMatching(/^odl_/),
      });
      expect(Buffer.from(answer.body.token.slice(4), 'base64url')).toHaveLength(32);
      const asItself = await ledger.get(`/v1/principals/${answer.body.id}`, { token: answer.body.token });
      expect(asItself.body).toMatchObject({
        name: 'Auditor Wang',
        role: 'compliance_officer',
        keys: [{ status: 'active' }],
      });
      const stream = await ledger.get(`/v1/streams/principal-${answer.body.id}/events`);
      expect(stream.body.events.map((e: { type: string }) => e.type)).toEqual([
        'PrincipalCreated',
        'ApiKeyIssued',
      ]);
      expect(stream.text).not.toContain(answer.body.token);
      expect(stream.body.events[1].data.keyHash).toBe(
        createHash('sha256').update(answer.body.token).digest('hex'),
      );
    });

    it.each([
      [{ name: 'x', role: 'body_officer' }, 400, 'OrganizationRequired'],
      [{ name: 'x', role: 'body_officer', organizationId: 'nowhere' }, 409, 'UnknownOrganization'],
      [{ name: 'x', role: 'publisher' }, 400, 'PublishScopeRequired'],
      [
        { name: 'x', role: 'supervisor', publish: { types: ['DataAccessed'], sources: ['urn:x'] } },
        400,
        'PublishScopeNotAllowed',
      ],
      [
        { name: 'x', role: 'publisher', publish: { types: ['PrincipalCreated'], sources: ['urn:x'] } },
        400,
        'ValidationFailed',
      ],
      [{ name: 'x', role: 'emperor' }, 400, 'ValidationFailed'],
      [{ name: 'x', role: 'supervisor', token: 'mine' }, 400, 'ValidationFailed'],
    ])('refuses %j with %i %s and writes nothing', async (body, status, code) => {
      const head = await ledger.head();

      const answer = await ledger.post('/v1/principals', body);

      expect([answer.status, answer.body.code]).toEqual([status, code]);
      expect(await ledger.head()).toBe(head);
    });

    it('lets only platform admins create principals or list them', async () => {
      const officer = await ledger.principal('body_officer', { organizationId: 'bureau' });

      expect(
        (await ledger.post('/v1/principals', { name: 'y', role: 'supervisor' }, { token: officer.token }))
          .status,
      ).toBe(403);
      expect((await ledger.get('/v1/principals', { token: officer.token })).status).toBe(403);
      expect((await ledger.get('/v1/principals/bootstrap-admin', { token: officer.token })).status).toBe(403);
    });

    it('changes a role, honouring If-Match', async () => {
      const user = await ledger.principal('data_user');

      const stale = await ledger.post(
        `/v1/principals/${user.id}/role`,
        { role: 'supervisor' },
        { headers: { 'if-match': '"0"' } },
      );
      const current = await ledger.post(
        `/v1/principals/${user.id}/role`,
        { role: 'supervisor' },
        { headers: { 'if-match': '"1"' } },
      );
      const again = await ledger.post(`/v1/principals/${user.id}/role`, { role: 'supervisor' });

      expect([stale.status, stale.body.code]).toEqual([412, 'PreconditionFailed']);
      expect(current.status).toBe(200);
      expect(current.body.events.map((e: { type: string }) => e.type)).toEqual(['PrincipalRoleChanged']);
      expect(current.headers.get('etag')).toBe('"2"');
      expect([again.status, again.body.events]).toEqual([200, []]);
      expect((await ledger.get('/v1/events?type=DataAccessed', { token: user.token })).status).toBe(200);
    });
  });

  describe('keys', () => {
    it('rotates a key: the new one works, the replaced one is refused at once', async () => {
      const user = await ledger.principal('data_user');

      const rotated = await ledger.post(
        `/v1/principals/${user.id}/keys`,
        { replaces: user.keyId },
        { token: user.token },
      );

      expect(rotated.status).toBe(201);
      expect(rotated.body.events.map((e: { type: string }) => e.type)).toEqual([
        'ApiKeyIssued',
        'ApiKeyRevoked',
      ]);
      expect((await ledger.get(`/v1/principals/${user.id}`, { token: rotated.body.token })).status).toBe(200);
      expect((await ledger.get(`/v1/principals/${user.id}`, { token: user.token })).status).toBe(401);
    });

    it('revokes a key with a reason; revoking it again changes nothing', async () => {
      const user = await ledger.principal('data_user');

      const revoked = await ledger.request(
        'DELETE',
        `/v1/principals/${user.id}/keys/${user.keyId}?reason=left%20the%20project`,
      );
      const again = await ledger.request('DELETE', `/v1/principals/${user.id}/keys/${user.keyId}`);

      expect(revoked.status).toBe(200);
      expect(revoked.body.events.map((e: { type: string }) => e.type)).toEqual(['ApiKeyRevoked']);
      expect([again.status, again.body.events]).toEqual([200, []]);
      expect((await ledger.get('/v1/organizations', { token: user.token })).status).toBe(401);
      const stream = await ledger.get(`/v1/streams/principal-${user.id}/events`);
      expect(stream.body.events.at(-1).data).toEqual({ keyId: user.keyId, reason: 'left the project' });
    });

    it('does not let one principal touch another’s keys', async () => {
      const alice = await ledger.principal('data_user');
      const bob = await ledger.principal('data_user');

      const answer = await ledger.request('DELETE', `/v1/principals/${bob.id}/keys/${bob.keyId}`, {
        token: alice.token,
      });

      expect(answer.status).toBe(403);
    });

    it('refuses to revoke the last key of the last platform admin', async () => {
      const admin = await ledger.get('/v1/principals/bootstrap-admin');
      const keyId = admin.body.keys[0].keyId;

      const answer = await ledger.request('DELETE', `/v1/principals/bootstrap-admin/keys/${keyId}`);

      expect([answer.status, answer.body.code]).toEqual([409, 'LastPlatformAdmin']);
      expect((await ledger.get('/v1/organizations')).status).toBe(200);
    });

    it('answers 404 for a key the principal does not have', async () => {
      const user = await ledger.principal('data_user');

      const answer = await ledger.request('DELETE', `/v1/principals/${user.id}/keys/key-0000000000000000`);

      expect([answer.status, answer.body.code]).toEqual([404, 'ApiKeyNotFound']);
    });
  });
});
