import { createHash } from 'node:crypto';
import { OutboxDispatcher } from '@ledger/runtime';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Deadline timers over HTTP: cases filed while the journal's clock is held in September 2025 are long
 * overdue once it is let go, and the worker — BullMQ under `npm run test:services`, in-process
 * otherwise — records DeadlineMissed for each clock that ran out, once, and nothing for a clock
 * stopped in time. The conditional-access commands decide on the real time (an agreement must still
 * be valid then), so the grant opened in September 2025 runs until 2027 and its expiry stays waiting.
 */
describe('deadline timers', () => {
  let ledger: LedgerUnderTest;
  let frozenAt: number | undefined;
  let officer: { token: string };
  let applicant: { token: string };
  let grantId: string;

  const ok = async (answer: Promise<{ status: number; text: string; body: any }>) => {
    const settled = await answer;
    if (settled.status >= 300) throw new Error(`${settled.status}: ${settled.text}`);
    return settled;
  };
  const stream = (streamId: string) => ledger.get(`/v1/streams/${streamId}/events`);
  const jobs = async () => (await ok(ledger.get('/v1/admin/jobs'))).body;
  const completed = async (queue: string) =>
    (await jobs()).outbox.find((row: { queue: string }) => row.queue === queue)?.completed;
  /**
   * Every timer due: the late correction, the one answered in time, the monthly update of air; the
   * review rounds of `unanswered` (1), `supplemented` (1 and 2) and `granted` (1); the two usage
   * clocks of the grant.
   */
  const everyTimerRan = () => waitFor(async () => (await completed('deadlines')) === 9, 20_000);
  const application = (id: string) => ({
    id,
    datasetId: 'rents',
    purpose: 'a district rent index',
    scenario: 'academic research, published in aggregate',
    securityMeasures: 'an isolated workstation',
    requestedFields: ['district', 'rent'],
    requestedPeriod: { from: '2025-08-31T16:00:00.000Z', until: '2028-08-31T16:00:00.000Z' },
    applicant: { name: 'Wang Fang', contact: 'wang.fang@example.cn' },
  });

  beforeAll(async () => {
    // Monday 1 September 2025, 10:00 in Shanghai.
    frozenAt = Date.parse('2025-09-01T02:00:00Z');
    ledger = await LedgerUnderTest.start({ journal: { clock: () => frozenAt ?? Date.now() } });
    // Every timer is long due from the moment it is written: none is handed to the runner before the
    // clocks that stop in time have been stopped.
    const dispatcher = ledger.app.get(OutboxDispatcher, { strict: false });
    await dispatcher.stop();
    officer = await ledger.principal('body_officer', { organizationId: 'ecology-bureau' });
    applicant = await ledger.principal('data_user', { name: 'Fudan research group' });
    await ok(
      ledger.post(
        '/v1/datasets',
        {
          id: 'air',
          title: 'Air quality',
          organizationId: 'ecology-bureau',
          classification: 'unconditional',
          classificationBasis: 'public information',
          fields: ['station', 'pm25'],
          updateFrequency: 'monthly',
        },
        { token: officer.token },
      ),
    );
    await ok(
      ledger.post(
        '/v1/datasets/air/releases',
        { version: 1, checksum: checksum('air v1'), recordCount: 10, format: 'csv' },
        { token: officer.token },
      ),
    );
    for (const id of ['late', 'in-time']) {
      await ok(
        ledger.post(
          '/v1/corrections',
          {
            id,
            datasetId: 'air',
            datasetVersion: 1,
            description: 'a wrong value',
            reporter: { name: 'Chen Jing', contact: 'chen.jing@example.cn' },
          },
          { token: null },
        ),
      );
    }
    await ok(
      ledger.post(
        '/v1/datasets',
        {
          id: 'rents',
          title: 'Rents',
          organizationId: 'ecology-bureau',
          classification: 'conditional',
          classificationBasis: 'addresses of single dwellings',
          fields: ['district', 'rent'],
          updateFrequency: 'irregular',
        },
        { token: officer.token },
      ),
    );
    await ok(
      ledger.post(
        '/v1/datasets/rents/releases',
        { version: 1, checksum: checksum('rents v1'), recordCount: 10, format: 'csv' },
        { token: officer.token },
      ),
    );
    for (const id of ['unanswered', 'supplemented', 'granted']) {
      await ok(ledger.post('/v1/applications', application(id), { token: applicant.token }));
    }
    // Wednesday 3 September: one correction is answered well within its 10 working days; one
    // application is asked for more and answered (its review starts again), one approved and signed
    // for a grant from 1 September (Shanghai), reporting every 30 days, and reported on.
    frozenAt = Date.parse('2025-09-03T02:00:00Z');
    await ok(
      ledger.post(
        '/v1/applications/supplemented/request-supplement',
        { questions: 'Which districts?' },
        { token: officer.token },
      ),
    );
    await ok(
      ledger.post(
        '/v1/applications/supplemented/supplement',
        { answers: 'All sixteen.' },
        { token: applicant.token },
      ),
    );
    await ok(
      ledger.post(
        '/v1/applications/granted/approve',
        {
          agreement: {
            scope: 'a district rent index',
            fields: ['district', 'rent'],
            validFrom: '2025-08-31T16:00:00.000Z',
            validUntil: '2027-12-31T16:00:00.000Z',
            obligations: 'aggregate publication only; report every 30 days',
            reportingInterval: 'P30D',
          },
        },
        { token: officer.token },
      ),
    );
    const signed = await ok(
      ledger.post('/v1/applications/granted/sign-agreement', {}, { token: applicant.token }),
    );
    grantId = signed.body.events[1].streamId.slice('grant-'.length);
    await ok(
      ledger.post(
        `/v1/grants/${grantId}/usage-reports`,
        {
          period: { from: '2025-08-31T16:00:00.000Z', until: '2025-09-02T16:00:00.000Z' },
          summary: 'the first two days: data loaded',
        },
        { token: applicant.token },
      ),
    );
    await ok(ledger.post('/v1/corrections/in-time/start-verification', {}, { token: officer.token }));
    await ok(
      ledger.post(
        '/v1/corrections/in-time/resolve',
        { outcome: 'no_error_found', explanation: 'the value is right' },
        { token: officer.token },
      ),
    );
    frozenAt = undefined;
    dispatcher.start();
  }, 60_000);

  afterAll(async () => {
    await ledger.stop();
  });

  it('records DeadlineMissed once for each clock that ran out, and nothing for one stopped in time', async () => {
    await everyTimerRan();

    const late = await stream('deadline-correction-late.correction-verification');
    expect(late.status).toBe(200);
    expect(late.body.version).toBe(0);
    expect(late.body.events).toHaveLength(1);
    expect(late.body.events[0]).toMatchObject({
      type: 'DeadlineMissed',
      metadata: {
        actor: { id: 'system', role: 'system' },
        legalBasis: { rulebook: 'shanghai-public-data-2019/v1' },
      },
      data: {
        caseStream: 'correction-late',
        deadline: 'correction_verification',
        // The close of the 10th working day after 1 September (Asia/Shanghai).
        dueAt: '2025-09-15T16:00:00.000Z',
      },
    });
    expect(late.body.events[0].data.lateBy).toMatch(/^PT\d+H/);

    expect((await stream('deadline-correction-in-time.correction-verification')).status).toBe(404);

    const update = await stream('deadline-dataset-air.dataset-update.v1');
    expect(update.body.events).toMatchObject([
      {
        type: 'DeadlineMissed',
        data: { caseStream: 'dataset-air', deadline: 'dataset_update', releaseVersion: 1 },
      },
    ]);
  });

  it('records a missed review once per round, a supplement restarting it, and nothing for a review decided in time', async () => {
    await everyTimerRan();

    const unanswered = await stream('deadline-application-unanswered.application-review.r1');
    expect(unanswered.body.events).toMatchObject([
      {
        type: 'DeadlineMissed',
        metadata: { actor: { id: 'system', role: 'system' } },
        data: {
          caseStream: 'application-unanswered',
          deadline: 'application_review',
          round: 1,
          // The close of the 10th working day after 1 September (Asia/Shanghai).
          dueAt: '2025-09-15T16:00:00.000Z',
        },
      },
    ]);

    expect((await stream('deadline-application-supplemented.application-review.r1')).status).toBe(404);
    const restarted = await stream('deadline-application-supplemented.application-review.r2');
    expect(restarted.body.events).toMatchObject([
      {
        type: 'DeadlineMissed',
        // The close of the 10th working day after 3 September, when the answers came.
        data: { caseStream: 'application-supplemented', round: 2, dueAt: '2025-09-17T16:00:00.000Z' },
      },
    ]);

    expect((await stream('deadline-application-granted.application-review.r1')).status).toBe(404);
  });

  it('records a missed usage report once per due date, a report moving the clock, and waits to expire the grant', async () => {
    await everyTimerRan();

    // Due at the close of 1 October (1 September + 30 days), stopped in time by the report of 3 September.
    expect((await stream(`deadline-grant-${grantId}.usage-report.2025-10-01T16:00:00.000Z`)).status).toBe(
      404,
    );
    // Due at the close of 3 October (3 September, the end of the period reported on, + 30 days).
    const missed = await stream(`deadline-grant-${grantId}.usage-report.2025-10-03T16:00:00.000Z`);
    expect(missed.body.events).toMatchObject([
      {
        type: 'DeadlineMissed',
        data: { caseStream: `grant-${grantId}`, deadline: 'usage_report', dueAt: '2025-10-03T16:00:00.000Z' },
      },
    ]);

    const expiry = (await jobs()).outbox.find((row: { queue: string }) => row.queue === 'grant-expiry');
    expect(expiry).toMatchObject({ pending: 1, completed: 0, nextRunAt: '2027-12-31T16:00:00.000Z' });
  });

  it('shows the runner and the outbox to platform admins only', async () => {
    const overview = await jobs();
    expect(overview.runner).toBe(process.env.LEDGER_TEST_BACKEND === 'postgres' ? 'bullmq' : 'in-process');
    expect(overview.queues.deadlines).toMatchObject({ waiting: 0, delayed: 0, active: 0 });

    expect((await ledger.get('/v1/admin/jobs', { token: officer.token })).status).toBe(403);
    expect((await ledger.get('/v1/admin/jobs', { token: null })).status).toBe(401);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
