import { LedgerUnderTest } from './support/ledger-under-test';
import { testBackend } from './support/test-backend';

describe('operations endpoints', () => {
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('reports liveness and readiness without a key, with the journal backend and Redis when configured', async () => {
    const live = await ledger.get('/health/live', { token: null });
    const ready = await ledger.get('/health/ready', { token: null });

    expect(live.body).toEqual({ status: 'ok' });
    expect(ready.status).toBe(200);
    expect(ready.body.info.journal).toMatchObject({ status: 'up', backend: testBackend() });
    expect(ready.body.info.redis).toMatchObject({ status: 'up', configured: testBackend() === 'postgres' });
  });

  it("shows how far the transparency log's tree and latest checkpoint are behind the journal", async () => {
    const checkpoint = await ledger.post('/v1/log/checkpoints', {});

    const ready = await ledger.get('/health/ready', { token: null });

    expect(ready.body.info.transparencyLog).toMatchObject({
      status: 'up',
      latestCheckpointSize: checkpoint.body.treeSize,
      latestCheckpointAt: checkpoint.body.signedAt,
    });
    const { treeSize, entriesNotYetInTree } = ready.body.info.transparencyLog;
    expect(treeSize + entriesNotYetInTree).toBe((await ledger.head()) + 1);
    const metrics = await ledger.get('/metrics', { token: null });
    expect(metrics.text).toContain(`ledger_log_checkpoint_tree_size ${checkpoint.body.treeSize}`);
  });

  it('serves Prometheus metrics that count appends', async () => {
    await ledger.post('/v1/organizations', { name: 'Counted' });

    const metrics = await ledger.get('/metrics', { token: null });

    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(/ledger_journal_appended_events_total \d+/);
    expect(metrics.text).toContain('ledger_http_request_duration_seconds_bucket');
  });

  it('describes every route in the OpenAPI document', async () => {
    const document = await ledger.get('/docs-json', { token: null });
    const routes = Object.entries(document.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );

    expect(routes.sort()).toEqual(
      [
        'DELETE /v1/principals/{id}/keys/{keyId}',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'GET /v1/events',
        'GET /v1/organizations',
        'GET /v1/organizations/{id}',
        'GET /v1/principals',
        'GET /v1/principals/{id}',
        'GET /v1/streams/{streamId}/events',
        'POST /v1/events',
        'POST /v1/organizations',
        'POST /v1/principals',
        'POST /v1/principals/{id}/keys',
        'POST /v1/principals/{id}/role',
        'GET /v1/log/checkpoint',
        'GET /v1/log/key',
        'GET /v1/log/checkpoints',
        'POST /v1/log/checkpoints',
        'GET /v1/log/checkpoints/{size}',
        'GET /v1/log/entries/{position}',
        'GET /v1/log/proofs/inclusion',
        'GET /v1/me',
        'GET /v1/log/proofs/consistency',
        'GET /v1/audit-trail',
        'POST /v1/exports',
        'GET /v1/exports/{id}',
        'GET /v1/exports/{id}/file',
        'GET /v1/rulebooks',
        'GET /v1/rulebooks/{version}',
        'POST /v1/datasets',
        'GET /v1/datasets',
        'GET /v1/datasets/{id}',
        'GET /v1/public/open-list',
        'GET /v1/datasets/{id}/history',
        'GET /v1/datasets/{id}/diff',
        'POST /v1/datasets/{id}/reclassify',
        'POST /v1/datasets/{id}/releases',
        'POST /v1/datasets/{id}/suspend',
        'POST /v1/datasets/{id}/restore',
        'POST /v1/datasets/{id}/withdraw',
        'POST /v1/corrections',
        'POST /v1/corrections/{id}/start-verification',
        'POST /v1/corrections/{id}/resolve',
        'POST /v1/objections',
        'POST /v1/objections/{id}/start-verification',
        'POST /v1/objections/{id}/resolve',
        'GET /v1/public/filings/{receipt}',
        'GET /v1/corrections',
        'GET /v1/objections',
        'GET /v1/statistics/organizations/{id}',
        'POST /v1/erasures',
        'GET /v1/admin/jobs',
        'POST /v1/admin/session',
        'DELETE /v1/admin/session',
        'POST /v1/subscriptions',
        'GET /v1/subscriptions',
        'DELETE /v1/subscriptions/{id}',
        'GET /v1/subscriptions/{id}/deliveries',
        'POST /v1/applications',
        'POST /v1/applications/{id}/request-supplement',
        'POST /v1/applications/{id}/supplement',
        'POST /v1/applications/{id}/approve',
        'POST /v1/applications/{id}/reject',
        'POST /v1/applications/{id}/withdraw',
        'POST /v1/applications/{id}/sign-agreement',
        'POST /v1/grants/{id}/usage-reports',
        'POST /v1/grants/{id}/suspend',
        'POST /v1/grants/{id}/reinstate',
        'POST /v1/grants/{id}/revoke',
        'POST /v1/violations',
        'POST /v1/violations/{id}/open-investigation',
        'POST /v1/violations/{id}/confirm',
        'POST /v1/violations/{id}/dismiss',
        'GET /v1/applications',
        'GET /v1/applications/{id}',
        'GET /v1/grants',
        'GET /v1/grants/{id}',
        'GET /v1/violations',
        'GET /v1/violations/{id}',
        'GET /v1/detections',
        'GET /v1/public/revocations',
        'GET /v1/corrections/{id}/personal-data',
        'GET /v1/objections/{id}/personal-data',
        'GET /v1/applications/{id}/personal-data',
      ].sort(),
    );
    expect((await ledger.get('/docs', { token: null })).status).toBe(200);
  });
});
