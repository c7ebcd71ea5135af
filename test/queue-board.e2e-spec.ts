import { LedgerUnderTest } from './support/ledger-under-test';

const BOARD = '/v1/admin/queues';

/**
 * The queues' admin view (issue 5): bull-board over the ledger's BullMQ queues at /v1/admin/queues,
 * platform admins only — by API key, or by the browser session cookie of POST /v1/admin/session —
 * and without Redis a problem pointing to GET /v1/admin/jobs.
 */
describe('the queue board without Redis', () => {
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start({ env: { REDIS_URL: '' } });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('tells a platform admin that jobs run in process and points to the jobs overview', async () => {
    for (const path of [BOARD, `${BOARD}/api/queues`]) {
      const answer = await ledger.get(path);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'NoQueueBoard', jobs: '/v1/admin/jobs' });
      expect(answer.body.detail).toContain('GET /v1/admin/jobs');
    }
    expect((await ledger.get('/v1/admin/jobs')).body.runner).toBe('in-process');
  });

  it('still refuses callers without a platform admin key', async () => {
    const user = await ledger.principal('data_user');
    expect((await ledger.get(BOARD, { token: null })).status).toBe(401);
    expect((await ledger.get(BOARD, { token: user.token })).status).toBe(403);
  });
});
