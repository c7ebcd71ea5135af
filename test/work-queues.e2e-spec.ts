import { createHash } from 'node:crypto';
import { LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

const at = (time: string) => Date.parse(time);
const DAY = 86_400;

/**
 * The work queues and the evaluation figures over HTTP. The journal's clock is held at chosen times
 * (Asia/Shanghai working days in September–October 2025, around the National Day holiday) while the
 * cases are filed and decided, then let go: cases left open since then are overdue today, a case
 * filed today is not.
 */
describe('work queues and statistics per organisation', () => {
  let ledger: LedgerUnderTest;
  let frozenAt: number | undefined;
  let ecology: { token: string };
  let housing: { token: string };
  let supervisor: { token: string };
  let compliance: { token: string };
  let dataUser: { token: string };
  /** The last position written, for minPosition. */
  let position = 0;

  const track = (answer: { status: number; body: any; text: string }, status = [200, 201]) => {
    if (!status.includes(answer.status)) throw new Error(`${answer.status}: ${answer.text}`);
    for (const event of answer.body.events ?? []) position = Math.max(position, event.globalPosition);
    return answer;
  };
  const asOfficer = async (token: string, path: string, body: unknown) =>
    track(await ledger.post(path, body, { token }));
  const fileCorrection = async (id: string, datasetId: string) =>
    track(
      await ledger.post(
        '/v1/corrections',
        {
          id,
          datasetId,
          datasetVersion: 1,
          description: 'a wrong value',
          reporter: { name: 'Chen Jing', contact: 'chen.jing@example.cn' },
        },
        { token: null },
      ),
    );
  const fileObjection = async (id: string, datasetId: string) =>
    track(
      await ledger.post(
        '/v1/objections',
        {
          id,
          datasetId,
          ground: 'privacy',
          description: 'my phone number is in it',
          objector: { name: 'Zhao Lei', contact: '+86 139 0000 0000' },
        },
        { token: null },
      ),
    );
  const release = (token: string, datasetId: string, version: number) =>
    asOfficer(token, `/v1/datasets/${datasetId}/releases`, {
      version,
      checksum: checksum(`${datasetId} v${version}`),
      recordCount: 10,
      format: 'csv',
    });
  const register = (token: string, id: string, organizationId: string) =>
    asOfficer(token, '/v1/datasets', {
      id,
      title: id,
      organizationId,
      classification: 'unconditional',
      classificationBasis: 'public information',
      fields: ['a', 'b'],
      updateFrequency: 'monthly',
    });
  const read = (path: string, token = ledger.adminToken) =>
    ledger.get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`, { token });
  const ids = (answer: { body: { items: { id: string }[] } }) => answer.body.items.map((item) => item.id);

  beforeAll(async () => {
    // Friday 26 September 2025, 10:00 in Shanghai.
    frozenAt = at('2025-09-26T02:00:00Z');
    ledger = await LedgerUnderTest.start({ journal: { clock: () => frozenAt ?? Date.now() } });
    ecology = await ledger.principal('body_officer', { organizationId: 'ecology-bureau' });
    housing = await ledger.principal('body_officer', { organizationId: 'housing-bureau' });
    supervisor = await ledger.principal('supervisor');
    compliance = await ledger.principal('compliance_officer');
    dataUser = await ledger.principal('data_user');

    await register(ecology.token, 'air', 'ecology-bureau');
    await register(housing.token, 'rents', 'housing-bureau');
    await release(ecology.token, 'air', 1);
    await release(housing.token, 'rents', 1);
    for (const id of ['c1', 'c2', 'c3']) await fileCorrection(id, 'air');
    await fileCorrection('c4', 'rents');

    // Sunday 28 September, a make-up working day: c1 is corrected by release v2, in 2 days.
    frozenAt = at('2025-09-28T02:00:00Z');
    await asOfficer(ecology.token, '/v1/corrections/c1/start-verification', {});
    await release(ecology.token, 'air', 2);
    await asOfficer(ecology.token, '/v1/corrections/c1/resolve', {
      outcome: 'corrected',
      releaseVersion: 2,
      explanation: 'fixed in v2',
    });

    // Monday 29 September: an objection, and the suspension three hours later, the same working day.
    frozenAt = at('2025-09-29T02:00:00Z');
    await fileObjection('o1', 'air');
    frozenAt = at('2025-09-29T05:00:00Z');
    await asOfficer(ecology.token, '/v1/datasets/air/suspend', {
      reason: 'a private number may be in the data',
      cause: 'objection',
      causeRef: 'o1',
    });

    // Monday 20 October: c2 decided after its deadline (Thursday 16 October), o1 within its 15 working days.
    frozenAt = at('2025-10-20T02:00:00Z');
    await asOfficer(ecology.token, '/v1/corrections/c2/start-verification', {});
    await asOfficer(ecology.token, '/v1/corrections/c2/resolve', {
      outcome: 'no_error_found',
      explanation: 'the value is right',
    });
    await asOfficer(ecology.token, '/v1/objections/o1/start-verification', {});
    await asOfficer(ecology.token, '/v1/objections/o1/resolve', {
      outcome: 'restored',
      explanation: 'the number is the clinic’s',
    });

    // Today: a fresh correction and a fresh objection, not overdue.
    frozenAt = undefined;
    await fileCorrection('c5', 'air');
    await fileObjection('o2', 'air');
  });

  afterAll(async () => {
    await ledger.stop();
  });

  describe('GET /v1/corrections', () => {
    it('lists open cases first, earliest deadline first (so the overdue lead), then resolved ones', async () => {
      const answer = await read('/v1/corrections');

      expect(answer.status).toBe(200);
      expect(ids(answer)).toEqual(['c3', 'c4', 'c5', 'c1', 'c2']);
      expect(answer.body.items.map((item: { overdue: boolean }) => item.overdue)).toEqual([
        true,
        true,
        false,
        false,
        false,
      ]);
      expect(answer.body.next).toBeUndefined();
    });

    it('shows each case’s deadlines as the public receipt does, counted across the National Day holiday', async () => {
      const items = (await read('/v1/corrections')).body.items as any[];
      const byId = Object.fromEntries(items.map((item) => [item.id, item]));

      expect(byId.c3).toMatchObject({
        status: 'submitted',
        datasetId: 'air',
        organizationId: 'ecology-bureau',
        filedAt: '2025-09-26T02:00:00.000Z',
        // Ten working days after Friday 26 September: the close of Thursday 16 October.
        dueAt: '2025-10-16T16:00:00.000Z',
        overdue: true,
        deadlines: [
          {
            clock: 'correction_verification',
            dueAt: '2025-10-16T16:00:00.000Z',
            state: 'missed',
            rulebook: 'shanghai-public-data-2019/v1',
          },
        ],
      });
      expect(byId.c3.timeRemaining).toBeLessThan(-365 * DAY);
      expect(byId.c1).toMatchObject({
        status: 'corrected',
        outcome: 'corrected',
        releaseVersion: 2,
        resolvedAt: '2025-09-28T02:00:00.000Z',
        verificationStartedAt: '2025-09-28T02:00:00.000Z',
        overdue: false,
        deadlines: [{ state: 'met', metAt: '2025-09-28T02:00:00.000Z' }],
      });
      expect(byId.c1.timeRemaining).toBeUndefined();
      expect(byId.c2).toMatchObject({ outcome: 'no_error_found', deadlines: [{ state: 'missed' }] });
      expect(byId.c5).toMatchObject({
        status: 'submitted',
        overdue: false,
        deadlines: [{ state: 'running' }],
      });
      expect(byId.c5.timeRemaining).toBeGreaterThan(7 * DAY);
      expect(byId.c5.timeRemaining).toBeLessThan(30 * DAY);
    });

    it('filters by overdue, status, dataset and organisation', async () => {
      expect(ids(await read('/v1/corrections?overdue=true'))).toEqual(['c3', 'c4']);
      expect(ids(await read('/v1/corrections?overdue=false'))).toEqual(['c5', 'c1', 'c2']);
      expect(ids(await read('/v1/corrections?status=open'))).toEqual(['c3', 'c4', 'c5']);
      expect(ids(await read('/v1/corrections?status=corrected'))).toEqual(['c1']);
      expect(ids(await read('/v1/corrections?datasetId=rents'))).toEqual(['c4']);
      expect(ids(await read('/v1/corrections?organizationId=ecology-bureau&overdue=true'))).toEqual(['c3']);
    });

    it('pages with limit and cursor, in queue order', async () => {
      const first = await read('/v1/corrections?limit=2');
      const second = await read(`/v1/corrections?limit=2&cursor=${first.body.next}`);
      const third = await read(`/v1/corrections?limit=2&cursor=${second.body.next}`);

      expect([ids(first), ids(second), ids(third)]).toEqual([['c3', 'c4'], ['c5', 'c1'], ['c2']]);
      expect(third.body.next).toBeUndefined();
    });

    it('shows a body officer only its own organisation’s cases, and refuses it another’s (403)', async () => {
      expect(ids(await read('/v1/corrections', ecology.token))).toEqual(['c3', 'c5', 'c1', 'c2']);
      expect(ids(await read('/v1/corrections?overdue=true', housing.token))).toEqual(['c4']);

      const other = await read('/v1/corrections?organizationId=housing-bureau', ecology.token);
      expect([other.status, other.body.code]).toEqual([403, 'NotYourOrganization']);
    });

    it('lets supervisors and compliance officers read every case, and refuses a data user (403) and no key (401)', async () => {
      expect(ids(await read('/v1/corrections', supervisor.token))).toHaveLength(5);
      expect(ids(await read('/v1/corrections', compliance.token))).toHaveLength(5);
      expect((await read('/v1/corrections', dataUser.token)).status).toBe(403);
      expect((await ledger.get('/v1/corrections', { token: null })).status).toBe(401);
    });

    it.each([
      ['an unknown parameter', '?colour=red', 'ValidationFailed'],
      ['overdue that is not a boolean', '?overdue=yes', 'ValidationFailed'],
      ['a status corrections do not have', '?status=restored', 'ValidationFailed'],
      ['a limit of 0', '?limit=0', 'ValidationFailed'],
      ['a cursor this list did not give', '?cursor=bm90LWEtY3Vyc29y', 'InvalidCursor'],
      ['a minPosition beyond the head', '?minPosition=999999999', 'PositionBeyondHead'],
    ])('refuses %s with 400', async (_, query, code) => {
      const answer = await ledger.get(`/v1/corrections${query}`);
      expect([answer.status, answer.body.code]).toEqual([400, code]);
    });

    it('never shows personal data', async () => {
      const answer = await read('/v1/corrections');
      expect(answer.text).not.toContain('Chen');
      expect(answer.text).not.toContain('chen.jing');
    });
  });

  describe('GET /v1/objections', () => {
    it('shows the suspension clock stopped by the same-day suspension, and an unsuspended objection due first for suspension', async () => {
      const answer = await read('/v1/objections');

      expect(ids(answer)).toEqual(['o2', 'o1']);
      const [o2, o1] = answer.body.items;
      expect(o1).toMatchObject({
        status: 'restored',
        outcome: 'restored',
        suspendedAt: '2025-09-29T05:00:00.000Z',
        deadlines: [
          { clock: 'objection_suspension', dueAt: '2025-09-29T16:00:00.000Z', state: 'met' },
          { clock: 'objection_verification', state: 'met', metAt: '2025-10-20T02:00:00.000Z' },
        ],
      });
      expect(o2).toMatchObject({ status: 'filed', overdue: false });
      expect(o2.dueAt).toBe(o2.deadlines[0].dueAt);
      expect(o2.deadlines.map((d: { clock: string; state: string }) => [d.clock, d.state])).toEqual([
        ['objection_suspension', 'running'],
        ['objection_verification', 'running'],
      ]);
      expect(answer.text).not.toContain('Zhao');
    });

    it('reads its own writes with minPosition', async () => {
      const filed = await fileObjection('o3', 'rents');
      const answer = await ledger.get(
        `/v1/objections?datasetId=rents&minPosition=${filed.body.events[0].globalPosition}`,
        { token: housing.token },
      );
      expect(ids(answer)).toEqual(['o3']);
    });
  });

  describe('GET /v1/statistics/organizations/{id}', () => {
    const period = '?from=2025-09-01T00:00:00%2B08:00&to=2025-11-01T00:00:00%2B08:00';

    it('gives the evaluation figures of a body for a period', async () => {
      const answer = await read(`/v1/statistics/organizations/ecology-bureau${period}`, supervisor.token);

      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        organizationId: 'ecology-bureau',
        from: '2025-08-31T16:00:00.000Z',
        to: '2025-10-31T16:00:00.000Z',
        corrections: {
          filed: 3,
          resolved: 2,
          outcomes: { corrected: 1, no_error_found: 1 },
          // 2 days and 24 days: the median between them, p90 nine tenths of the way.
          timeToDecide: {
            decided: 2,
            medianSeconds: 13 * DAY,
            p90Seconds: 2 * DAY + 0.9 * 22 * DAY,
            shareWithinDeadline: 0.5,
          },
          shareProducingRelease: 0.5,
          openNow: 2,
          overdueNow: 1,
        },
        objections: {
          filed: 1,
          resolved: 1,
          outcomes: { restored: 1 },
          timeToDecide: { decided: 1, medianSeconds: 21 * DAY, shareWithinDeadline: 1 },
          timeToSuspension: { suspended: 1, medianSeconds: 3 * 3600, shareSameWorkingDay: 1 },
          openNow: 1,
          overdueNow: 0,
        },
        // v2 came two days after v1, well within a month and a day; v1 had no clock running.
        releases: { released: 2, withDeadline: 1, onTime: 1, onTimeRate: 1 },
      });
    });

    it('counts from the beginning until now when no period is given', async () => {
      const answer = await read('/v1/statistics/organizations/ecology-bureau', ecology.token);

      expect(answer.body).toMatchObject({ from: null, corrections: { filed: 4, resolved: 2 } });
      expect(Date.parse(answer.body.to)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('gives nulls, not zeros, for shares of nothing', async () => {
      const answer = await read(
        '/v1/statistics/organizations/housing-bureau?from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z',
        housing.token,
      );

      expect(answer.body.corrections).toMatchObject({
        filed: 0,
        timeToDecide: { decided: 0, medianSeconds: null, shareWithinDeadline: null },
        shareProducingRelease: null,
        overdueNow: 1,
      });
    });

    it('refuses a body officer another body’s figures (403), a data user (403), an unknown body (404)', async () => {
      const other = await read('/v1/statistics/organizations/housing-bureau', ecology.token);
      expect([other.status, other.body.code]).toEqual([403, 'NotYourOrganization']);
      expect((await read('/v1/statistics/organizations/ecology-bureau', dataUser.token)).status).toBe(403);
      const unknown = await read('/v1/statistics/organizations/nobody');
      expect([unknown.status, unknown.body.code]).toEqual([404, 'OrganizationNotFound']);
    });

    it.each([
      ['an unknown parameter', '?period=q1', 'ValidationFailed'],
      ['a from that is not RFC 3339', '?from=yesterday', 'ValidationFailed'],
      [
        'a period that ends before it begins',
        '?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z',
        'InvalidPeriod',
      ],
    ])('refuses %s with 400', async (_, query, code) => {
      const answer = await ledger.get(`/v1/statistics/organizations/ecology-bureau${query}`);
      expect([answer.status, answer.body.code]).toEqual([400, code]);
    });
  });
});
