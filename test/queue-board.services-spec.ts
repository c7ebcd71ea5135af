import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { WebhookReceiver } from '../libs/projections/src/webhooks/testing/webhook-receiver';
import { LedgerUnderTest } from './support/ledger-under-test';

const BOARD = '/v1/admin/queues';
const HTML = { accept: 'text/html,application/xhtml+xml' };

/**
 * The queues' admin view (issue 5): bull-board over the ledger's BullMQ queues at /v1/admin/queues,
 * platform admins only — by API key, or by the browser session cookie of POST /v1/admin/session —
 * on Redis (npm run test:services). Without Redis: queue-board.e2e-spec.ts.
 */
describe('the queue board on Redis', () => {
  let ledger: LedgerUnderTest;
  let receiver: WebhookReceiver;
  let dataUser: { token: string };

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    receiver = await WebhookReceiver.start();
    dataUser = await ledger.principal('data_user');
    // Jobs on two queues: a webhook delivery and a long export.
    const officer = await ledger.principal('body_officer', { organizationId: 'board-body' });
    await ledger.post('/v1/subscriptions', {
      url: receiver.url,
      types: ['DatasetRegistered'],
      secret: 'a-subscriber-secret-0123456789',
    });
    const registered = await ledger.post(
      '/v1/datasets',
      {
        id: 'board-stops',
        title: 'Bus stops',
        organizationId: 'board-body',
        classification: 'unconditional',
        classificationBasis: 'public information',
        fields: ['name'],
        updateFrequency: 'monthly',
      },
      { token: officer.token },
    );
    expect(registered.status).toBe(201);
    expect((await ledger.post('/v1/exports', { format: 'ndjson' })).status).toBe(202);
    await receiver.waitFor((received) => received.length === 1);
  });

  afterAll(async () => {
    await receiver.close();
    await ledger.stop();
  });

  it('shows a platform admin the ledgers queues read only', async () => {
    const answer = await ledger.get(`${BOARD}/api/queues`);

    expect(answer.status).toBe(200);
    const queues = answer.body.queues as { name: string; readOnlyMode: boolean }[];
    expect(queues.map((queue) => queue.name).sort()).toEqual(expect.arrayContaining(['exports', 'webhooks']));
    expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);
    const page = await ledger.get(BOARD, { headers: HTML });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain(`<base href="${BOARD}/" />`);
    expect((await ledger.get(`${BOARD}/static/images/logo.svg`)).status).toBe(200);
  });

  it('refuses callers without a key and callers who are not platform admins', async () => {
    for (const path of [`${BOARD}/api/queues`, BOARD, `${BOARD}/static/images/logo.svg`]) {
      const anonymous = await ledger.get(path, { token: null });
      expect({ path, status: anonymous.status, code: anonymous.body.code }).toEqual({
        path,
        status: 401,
        code: 'MissingCredentials',
      });
      expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
      expect((await ledger.get(path, { token: 'odl_not-a-key' })).status).toBe(401);
      const user = await ledger.get(path, { token: dataUser.token });
      expect({ path, status: user.status, code: user.body.code }).toEqual({
        path,
        status: 403,
        code: 'Forbidden',
      });
    }
  });

  it('shows a browser without a key a sign in page that runs only its own script', async () => {
    const page = await ledger.get(BOARD, { token: null, headers: HTML });

    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('/v1/admin/session');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('opens a browser session whose cookie only the board accepts and only while the key is valid', async () => {
    const admin = await ledger.principal('platform_admin', { name: 'board admin' });
    const opened = await ledger.request('POST', '/v1/admin/session', { token: admin.token });
    expect(opened.status).toBe(204);
    const setCookie = opened.headers.get('set-cookie') as string;
    expect(setCookie).toMatch(
      /^ledger_queue_board=[^;]+; Path=\/v1\/admin\/queues; Max-Age=28800; HttpOnly; Secure; SameSite=Strict$/,
    );
    const cookie = { cookie: setCookie.split(';')[0] };

    expect((await ledger.get(`${BOARD}/api/queues`, { token: null, headers: cookie })).status).toBe(200);
    expect((await ledger.get(BOARD, { token: null, headers: { ...cookie, ...HTML } })).status).toBe(200);
    // The cookie is no key anywhere else.
    expect((await ledger.get('/v1/admin/jobs', { token: null, headers: cookie })).status).toBe(401);

    expect((await ledger.request('DELETE', `/v1/principals/${admin.id}/keys/${admin.keyId}`)).status).toBe(
      200,
    );
    const revoked = await ledger.get(`${BOARD}/api/queues`, { token: null, headers: cookie });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('set-cookie')).toContain(
      'ledger_queue_board=; Path=/v1/admin/queues; Max-Age=0',
    );
  });

  it('lets a platform admin signed in with a JWT in, by header and by session, and no other role', async () => {
    const issuerKey = await generateKeyPair('EdDSA', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(issuerKey.publicKey)), kid: 'board-1', alg: 'EdDSA' }] };
    const withJwt = await LedgerUnderTest.start({
      database: ledger.database,
      env: { LEDGER_JWT_ISSUER: 'https://sso.example.sh.gov.cn', LEDGER_JWT_JWKS: JSON.stringify(jwks) },
    });
    const tokenFor = (role: string) =>
      new SignJWT({ role, name: `board ${role}` })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'board-1' })
        .setIssuer('https://sso.example.sh.gov.cn')
        .setAudience('open-data-ledger')
        .setSubject(`sso-${role}`)
        .setExpirationTime('5m')
        .sign(issuerKey.privateKey);
    try {
      const admin = await tokenFor('platform_admin');
      expect((await withJwt.get(`${BOARD}/api/queues`, { token: admin })).status).toBe(200);
      const opened = await withJwt.request('POST', '/v1/admin/session', { token: admin });
      expect(opened.status).toBe(204);
      const cookie = { cookie: (opened.headers.get('set-cookie') as string).split(';')[0] };
      expect((await withJwt.get(`${BOARD}/api/queues`, { token: null, headers: cookie })).status).toBe(200);

      const supervisor = await tokenFor('supervisor');
      expect((await withJwt.get(`${BOARD}/api/queues`, { token: supervisor })).status).toBe(403);
    } finally {
      await withJwt.stop({ keepDatabase: true });
    }
  });

  it('opens no session for anyone but a platform admin and closes one on request', async () => {
    expect((await ledger.request('POST', '/v1/admin/session', { token: dataUser.token })).status).toBe(403);
    expect((await ledger.request('POST', '/v1/admin/session', { token: null })).status).toBe(401);

    const closed = await ledger.request('DELETE', '/v1/admin/session', { token: null });
    expect(closed.status).toBe(204);
    expect(closed.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('refuses to change jobs by hand', async () => {
    expect((await ledger.request('PUT', `${BOARD}/api/queues/webhooks/pause`)).status).toBe(405);
    expect((await ledger.request('PUT', `${BOARD}/api/queues/webhooks/retry/failed`)).status).toBe(405);
  });
});
