import { WebhookReceiver } from '../libs/projections/src/webhooks/testing/webhook-receiver';
import { LedgerUnderTest } from './support/ledger-under-test';
import { testBackend } from './support/test-backend';

const BOARD = '/v1/admin/queues';
const HTML = { accept: 'text/html,application/xhtml+xml' };

/**
 * The queues' admin view (issue 5): bull-board over the ledger's BullMQ queues at /v1/admin/queues,
 * platform admins only — by API key, or by the browser session cookie of POST /v1/admin/session —
 * and without Redis a problem pointing to GET /v1/admin/jobs.
 */
const describeWithRedis = testBackend() === 'postgres' ? describe : describe.skip;

describeWithRedis('the queue board on Redis', () => {
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

  it('shows_a_platform_admin_the_ledgers_queues_read_only', async () => {
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

  it('refuses_callers_without_a_key_and_callers_who_are_not_platform_admins', async () => {
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

  it('shows_a_browser_without_a_key_a_sign_in_page_that_runs_only_its_own_script', async () => {
    const page = await ledger.get(BOARD, { token: null, headers: HTML });

    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('/v1/admin/session');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('opens_a_browser_session_whose_cookie_only_the_board_accepts_and_only_while_the_key_is_valid', async () => {
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

  it('opens_no_session_for_anyone_but_a_platform_admin_and_closes_one_on_request', async () => {
    expect((await ledger.request('POST', '/v1/admin/session', { token: dataUser.token })).status).toBe(403);
    expect((await ledger.request('POST', '/v1/admin/session', { token: null })).status).toBe(401);

    const closed = await ledger.request('DELETE', '/v1/admin/session', { token: null });
    expect(closed.status).toBe(204);
    expect(closed.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('refuses_to_change_jobs_by_hand', async () => {
    expect((await ledger.request('PUT', `${BOARD}/api/queues/webhooks/pause`)).status).toBe(405);
    expect((await ledger.request('PUT', `${BOARD}/api/queues/webhooks/retry/failed`)).status).toBe(405);
  });
});

describe('the queue board without Redis', () => {
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start({ env: { REDIS_URL: '' } });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('tells_a_platform_admin_that_jobs_run_in_process_and_points_to_the_jobs_overview', async () => {
    for (const path of [BOARD, `${BOARD}/api/queues`]) {
      const answer = await ledger.get(path);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'NoQueueBoard', jobs: '/v1/admin/jobs' });
      expect(answer.body.detail).toContain('GET /v1/admin/jobs');
    }
    expect((await ledger.get('/v1/admin/jobs')).body.runner).toBe('in-process');
  });

  it('still_refuses_callers_without_a_platform_admin_key', async () => {
    const user = await ledger.principal('data_user');
    expect((await ledger.get(BOARD, { token: null })).status).toBe(401);
    expect((await ledger.get(BOARD, { token: user.token })).status).toBe(403);
  });
});
