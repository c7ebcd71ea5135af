import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ConsoleTab, launchChromium } from './console-browser';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * The work queues page (issue 9), in Chromium: a body officer sees its organisation's cases with their
 * due dates, overdue ones first and marked in words, acts on them from the page (start verification,
 * resolve, request a supplement, reject), sees the new status, and sees the server's refusals in words.
 * The journal's clock is held in September 2025 while the first cases are filed, so they are overdue now.
 */
describe('the console: work queues, in Chromium', () => {
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let frozenAt: number | undefined;
  let officer: { id: string; token: string };
  let otherOfficer: { id: string; token: string };
  let applicant: { id: string; token: string };

  const ok = (answer: { status: number; text: string; body: any }) => {
    if (answer.status >= 300) throw new Error(`${answer.status}: ${answer.text}`);
    return answer.body;
  };
  const register = async (token: string, id: string, organizationId: string, classification: string) => {
    ok(
      await ledger.post(
        '/v1/datasets',
        {
          id,
          title: `${id} dataset`,
          organizationId,
          classification,
          classificationBasis: 'public information',
          fields: ['station', 'day', 'pm25'],
          updateFrequency: 'monthly',
        },
        { token },
      ),
    );
  };
  const release = async (token: string, datasetId: string, version: number) =>
    ok(
      await ledger.post(
        `/v1/datasets/${datasetId}/releases`,
        { version, checksum: checksum(`${datasetId} v${version}`), recordCount: 10, format: 'csv' },
        { token },
      ),
    );
  const fileCorrection = async (id: string, datasetId: string) =>
    ok(
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
  const streamOf = async (streamId: string) =>
    ok(await ledger.get(`/v1/streams/${streamId}/events`)) as {
      version: number;
      events: { type: string; data: any; metadata: any }[];
    };
  const rowOf = (id: string) => tab!.page.locator(`tr[data-testid="queue-row"][data-id="${id}"]`);

  beforeAll(async () => {
    // Friday 26 September 2025, 10:00 in Shanghai: the cases filed now are long overdue today.
    frozenAt = Date.parse('2025-09-26T02:00:00Z');
    ledger = await LedgerUnderTest.start({ journal: { clock: () => frozenAt ?? Date.now() } });
    browser = await launchChromium();
    officer = await ledger.principal('body_officer', { organizationId: 'ecology-bureau', name: 'Wang Fang' });
    otherOfficer = await ledger.principal('body_officer', { organizationId: 'housing-bureau' });
    applicant = await ledger.principal('data_user', { name: 'Fudan research group' });
    await register(officer.token, 'air-quality', 'ecology-bureau', 'unconditional');
    await register(otherOfficer.token, 'rents', 'housing-bureau', 'unconditional');
    await release(officer.token, 'air-quality', 1);
    await release(otherOfficer.token, 'rents', 1);
    await fileCorrection('c-overdue', 'air-quality');
    await fileCorrection('c-elsewhere', 'rents');

    // Today: a fresh correction, the release that corrects the first, and an application.
    frozenAt = undefined;
    await fileCorrection('c-fresh', 'air-quality');
    await release(officer.token, 'air-quality', 2);
    await register(officer.token, 'clinic-visits', 'ecology-bureau', 'conditional');
    await release(officer.token, 'clinic-visits', 1);
    ok(
      await ledger.post(
        '/v1/applications',
        {
          id: 'app-1',
          datasetId: 'clinic-visits',
          purpose: 'study seasonal demand on community clinics',
          scenario: 'academic research',
          securityMeasures: 'encrypted storage',
          requestedFields: ['station', 'day'],
          requestedPeriod: { from: inDays(0), until: inDays(365) },
          applicant: { name: '王老师', contact: 'wang@fudan.example.cn' },
        },
        { token: applicant.token },
      ),
    );
  });

  afterEach(async () => {
    const errors = tab?.errors ?? [];
    await tab?.close();
    tab = undefined;
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it('shows a body officer its organisation’s corrections with due dates, the overdue one first and marked in words', async () => {
    // Given corrections on two organisations' datasets, one filed in September 2025
    const queue = ok(await ledger.get('/v1/corrections', { token: officer.token }));

    // When the officer of the first opens the queue (in Chinese, the default)
    tab = await ConsoleTab.open(browser, ledger, { token: officer.token, route: '#/queues/corrections' });
    await tab.page.getByTestId('queue-table').waitFor();

    // Then it sees its own cases only, the overdue one first, marked with words, with the due dates the API gives
    const rows = tab.page.getByTestId('queue-row');
    expect(await Promise.all((await rows.all()).map((row) => row.getAttribute('data-id')))).toEqual([
      'c-overdue',
      'c-fresh',
    ]);
    expect(await rowOf('c-overdue').textContent()).toContain('已逾期');
    expect(await rowOf('c-fresh').textContent()).not.toContain('已逾期');
    expect(await rowOf('c-fresh').textContent()).toContain('剩余');
    for (const item of queue.items) {
      expect(await rowOf(item.id).locator('time').getAttribute('datetime')).toBe(item.dueAt);
    }
    expect(queue.items.map((item: { overdue: boolean }) => item.overdue)).toEqual([true, false]);
    expect(await tab.page.locator('caption').textContent()).toBe('纠错申请：本页 2 件，其中逾期 1 件');

    // And the overdue filter leaves only the overdue case
    await tab.page.getByLabel('只看逾期案件').check();
    await rowOf('c-fresh').waitFor({ state: 'detached' });
    expect(await rows.first().getAttribute('data-id')).toBe('c-overdue');
    await tab.page.getByLabel('只看逾期案件').uncheck();
    await rowOf('c-fresh').waitFor();
    await tab.screenshot('work-queues');
  });

  it('starts the verification of the overdue correction and resolves it from the queue, with If-Match', async () => {
    // Given the overdue correction, submitted
    tab = await ConsoleTab.open(browser, ledger, {
      language: 'en',
      token: officer.token,
      route: '#/queues/corrections',
    });
    const ifMatch: Record<string, string | undefined> = {};
    tab.page.on('request', (request) => {
      if (request.method() === 'POST')
        ifMatch[new URL(request.url()).pathname] = request.headers()['if-match'];
    });
    await rowOf('c-overdue').getByRole('button', { name: 'Handle c-overdue' }).click();
    const panel = tab.page.getByTestId('case-panel');
    await panel.getByTestId('case-version').waitFor();

    // When the officer starts the verification
    await panel.getByRole('button', { name: 'Start verification' }).click();

    // Then the queue shows it under verification (read after the command's position)
    await tab.page
      .getByTestId('action-notice')
      .filter({ hasText: 'CorrectionVerificationStarted' })
      .waitFor();
    await rowOf('c-overdue').getByText('Under verification').waitFor();

    // When it resolves it as corrected by release 2
    await panel.getByLabel('Corrected (in a new release)').check();
    await panel.getByLabel('Release that carries the correction').fill('2');
    await panel.getByLabel('Explanation').fill('The PM2.5 value of 3 May is fixed in release 2.');
    await tab.page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
    await tab.screenshot('work-queues-resolve');
    await panel.getByRole('button', { name: 'Resolve' }).click();

    // Then the queue shows the new status, and the journal recorded CorrectionResolved
    await rowOf('c-overdue').getByText('Corrected', { exact: true }).waitFor();
    expect(await rowOf('c-overdue').textContent()).not.toContain('Overdue');
    const stream = await streamOf('correction-c-overdue');
    expect(stream.events.map((event) => event.type)).toEqual([
      'CorrectionRequested',
      'CorrectionVerificationStarted',
      'CorrectionResolved',
    ]);
    expect(stream.events[2].data).toEqual({
      outcome: 'corrected',
      releaseVersion: 2,
      explanation: 'The PM2.5 value of 3 May is fixed in release 2.',
    });
    expect(stream.events[2].metadata.actor.id).toBe(officer.id);
    // Each action was conditional on the version the page had read.
    expect(ifMatch).toEqual({
      '/v1/corrections/c-overdue/start-verification': '"0"',
      '/v1/corrections/c-overdue/resolve': '"1"',
    });
    expect(tab.refusedLoads).toEqual([]);
    await tab.screenshot('work-queues-resolved');
  });

  it('shows the server’s refusals in words: a release left out, and a case changed meanwhile', async () => {
    // Given the fresh correction, opened in the page
    tab = await ConsoleTab.open(browser, ledger, {
      language: 'en',
      token: officer.token,
      route: '#/queues/corrections',
    });
    await rowOf('c-fresh').getByRole('button', { name: 'Handle c-fresh' }).click();
    const panel = tab.page.getByTestId('case-panel');
    await panel.getByTestId('case-version').waitFor();
    const head = await ledger.head();

    // When a colleague starts its verification meanwhile, and the officer then tries the same
    ok(await ledger.post('/v1/corrections/c-fresh/start-verification', {}, { token: officer.token }));
    await panel.getByRole('button', { name: 'Start verification' }).click();

    // Then the page says the case changed (412), and nothing more was recorded
    const problem = panel.getByRole('alert');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('PreconditionFailed');
    expect(await ledger.head()).toBe(head + 1);

    // When the officer reloads the queue and resolves it as corrected without naming the release
    await tab.page.reload();
    await tab.page.waitForLoadState('networkidle');
    await rowOf('c-fresh').getByRole('button', { name: 'Handle c-fresh' }).click();
    await panel.getByLabel('Corrected (in a new release)').check();
    await panel.getByLabel('Explanation').fill('fixed');
    await panel.getByRole('button', { name: 'Resolve' }).click();

    // Then the refusal is shown in words, with its code, and the case is still under verification
    await panel
      .getByRole('alert')
      .filter({ hasText: 'name the release that carries the correction' })
      .waitFor();
    expect(await panel.getByRole('alert').getAttribute('data-code')).toBe('ReleaseVersionRequired');
    expect(await ledger.head()).toBe(head + 1);
    expect(await rowOf('c-fresh').textContent()).toContain('Under verification');
    expect(tab.refusedLoads).toHaveLength(2);
    await tab.screenshot('work-queues-refused');
  });

  it('asks an applicant for a supplement, then rejects the application, from the applications queue', async () => {
    // Given a submitted application on the organisation's conditional dataset
    tab = await ConsoleTab.open(browser, ledger, {
      language: 'en',
      token: officer.token,
      route: '#/queues/applications',
    });
    await rowOf('app-1').getByRole('button', { name: 'Handle app-1' }).click();
    const panel = tab.page.getByTestId('case-panel');
    await panel.getByText('study seasonal demand on community clinics').waitFor();

    // When the officer asks for a supplement
    await panel.getByText('Request a supplement', { exact: true }).first().click();
    await panel.getByLabel('Questions for the applicant').fill('Who will see the clinic-level figures?');
    await panel.getByRole('button', { name: 'Request a supplement' }).click();

    // Then the application waits for the applicant, and only rejecting is left
    await rowOf('app-1').getByText('Supplement requested').waitFor();
    expect(await panel.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // When it rejects without a reason code, then with one
    await panel.getByText('Reject', { exact: true }).first().click();
    await panel.getByLabel('Explanation').fill('The purpose does not need clinic-level data.');
    await panel.getByRole('button', { name: 'Reject' }).click();
    await panel.getByRole('alert').waitFor();
    expect(await panel.getByRole('alert').textContent()).toContain('reasonCodes');
    await panel.getByLabel('Reason codes (comma-separated)').fill('purpose_unclear, fields_excessive');
    await panel.getByRole('button', { name: 'Reject' }).click();

    // Then the queue shows it rejected, and the view has the reasons
    await rowOf('app-1').getByText('Rejected').waitFor();
    expect(ok(await ledger.get('/v1/applications/app-1'))).toMatchObject({
      status: 'rejected',
      reasonCodes: ['purpose_unclear', 'fields_excessive'],
    });
    expect(tab.refusedLoads).toHaveLength(1);
    await tab.screenshot('work-queues-applications');
  });
});
