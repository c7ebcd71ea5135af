import { createHash } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Deadline timers over HTTP: cases filed while the journal's clock is held in September 2025 are long
 * overdue once it is let go, and the worker — BullMQ under `npm run test:services`, in-process
 * otherwise — records DeadlineMissed for each clock that ran out, once, and nothing for a clock
 * stopped in time.
 */
describe('deadline timers', () => {
  let ledger: LedgerUnderTest;
  let frozenAt: number | undefined;
  let officer: { token: string };

  const ok = async (answer: Promise<{ status: number; text: string; body: any }>) => {
    const settled = await answer;
    if (settled.status >= 300) throw new Error(`${settled.status}: ${settled.text}`);
    return settled;
  };
  const stream = (streamId: string) => ledger.get(`/v1/streams/${streamId}/events`);
  const jobs = async () => (await ok(ledger.get('/v1/admin/jobs'))).body;

  beforeAll(async () => {
    // Monday 1 September 2025, 10:00 in Shanghai.
    frozenAt = Date.parse('2025-09-01T02:00:00Z');
    ledger = await LedgerUnderTest.start({ journal: { clock: () => frozenAt ?? Date.now() } });
    officer = await ledger.principal('body_officer', { organizationId: 'ecology-bureau' });
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
    // Wednesday 3 September: one correction is answered well within its 10 working days.
    frozenAt = Date.parse('2025-09-03T02:00:00Z');
    await ok(ledger.post('/v1/corrections/in-time/start-verification', {}, { token: officer.token }));
    await ok(
      ledger.post(
        '/v1/corrections/in-time/resolve',
        { outcome: 'no_error_found', explanation: 'the value is right' },
        { token: officer.token },
      ),
    );
    frozenAt = undefined;
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('records DeadlineMissed once for each clock that ran out, and nothing for one stopped in time', async () => {
    // Three timers, all long due: the late correction, the one answered in time, the monthly update of air.
    await waitFor(async () => {
      const deadlines = (await jobs()).outbox.find((row: { queue: string }) => row.queue === 'deadlines');
      return deadlines?.completed === 3;
    }, 20_000);

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
