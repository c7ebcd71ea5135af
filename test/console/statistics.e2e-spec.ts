import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ConsoleTab, launchChromium } from './console-browser';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 86_400;

/** As the page writes them in English: `50.0%`, `2.0 d`, `3.0 h`, `No data`. */
const percent = (share: number | null) => (share === null ? 'No data' : `${(share * 100).toFixed(1)}%`);
const duration = (seconds: number | null) =>
  seconds === null
    ? 'No data'
    : seconds >= DAY
      ? `${(seconds / DAY).toFixed(1)} d`
      : `${(seconds / 3600).toFixed(1)} h`;

/**
 * The statistics page (issue 9), in Chromium: a supervisor chooses a body and a period and sees the
 * on-time rates and response times as ECharts charts (a canvas) and as tables whose figures are the
 * API's. The journal's clock is held at chosen times in September and October 2025 so that one
 * correction is decided in time and one late, and an objection suspends its dataset the same day.
 */
describe('the console: statistics, in Chromium', () => {
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let frozenAt: number | undefined;
  let officer: { token: string };
  let supervisor: { token: string };

  const ok = async (answer: Promise<{ status: number; text: string; body: any }>) => {
    const settled = await answer;
    if (settled.status >= 300) throw new Error(`${settled.status}: ${settled.text}`);
    return settled.body;
  };
  const asOfficer = (path: string, body: unknown) => ok(ledger.post(path, body, { token: officer.token }));
  const release = (version: number) =>
    asOfficer('/v1/datasets/air/releases', {
      version,
      checksum: checksum(`air v${version}`),
      recordCount: 10,
      format: 'csv',
    });
  const file = (kind: 'corrections' | 'objections', id: string) =>
    ok(
      ledger.post(
        `/v1/${kind}`,
        kind === 'corrections'
          ? { id, datasetId: 'air', datasetVersion: 1, description: 'a wrong value' }
          : {
              id,
              datasetId: 'air',
              ground: 'privacy',
              description: 'my phone number is in it',
              objector: { name: 'Zhao Lei', contact: '+86 139 0000 0000' },
            },
        { token: null },
      ),
    );

  beforeAll(async () => {
    // Friday 26 September 2025, 10:00 in Shanghai.
    frozenAt = Date.parse('2025-09-26T02:00:00Z');
    ledger = await LedgerUnderTest.start({ journal: { clock: () => frozenAt ?? Date.now() } });
    browser = await launchChromium();
    officer = await ledger.principal('body_officer', { organizationId: 'ecology-bureau' });
    supervisor = await ledger.principal('supervisor', { name: 'Liu Min' });
    await ledger.principal('body_officer', { organizationId: 'housing-bureau' });
    await asOfficer('/v1/datasets', {
      id: 'air',
      title: 'Air quality',
      organizationId: 'ecology-bureau',
      classification: 'unconditional',
      classificationBasis: 'public information',
      fields: ['station', 'pm25'],
      updateFrequency: 'monthly',
    });
    await release(1);
    await file('corrections', 'c1');
    await file('corrections', 'c2');
    await file('corrections', 'c3');

    // Sunday 28 September (a make-up working day): c1 corrected by release 2, in time.
    frozenAt = Date.parse('2025-09-28T02:00:00Z');
    await asOfficer('/v1/corrections/c1/start-verification', {});
    await release(2);
    await asOfficer('/v1/corrections/c1/resolve', {
      outcome: 'corrected',
      releaseVersion: 2,
      explanation: 'v2',
    });

    // Monday 29 September: an objection, and the suspension three hours later.
    frozenAt = Date.parse('2025-09-29T02:00:00Z');
    await file('objections', 'o1');
    frozenAt = Date.parse('2025-09-29T05:00:00Z');
    await asOfficer('/v1/datasets/air/suspend', {
      reason: 'a private number',
      cause: 'objection',
      causeRef: 'o1',
    });

    // Monday 20 October: c2 decided late (due 16 October); o1 within its deadline.
    frozenAt = Date.parse('2025-10-20T02:00:00Z');
    await asOfficer('/v1/corrections/c2/start-verification', {});
    await asOfficer('/v1/corrections/c2/resolve', { outcome: 'no_error_found', explanation: 'right' });
    await asOfficer('/v1/objections/o1/start-verification', {});
    await asOfficer('/v1/objections/o1/resolve', { outcome: 'restored', explanation: 'the clinic’s number' });
    frozenAt = undefined;
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

  it('shows a supervisor the on-time rates and response times as charts, and as tables with the API’s figures', async () => {
    // Given the figures the API gives for the body and for September–October 2025 (Shanghai time),
    // once its views have applied everything recorded (the worker may still be catching up on PostgreSQL)
    const figures = await ok(
      ledger.get(
        `/v1/statistics/organizations/ecology-bureau?from=2025-09-01T00:00:00%2B08:00&to=2025-11-01T00:00:00%2B08:00&minPosition=${await ledger.head()}`,
        { token: supervisor.token },
      ),
    );
    expect(figures.corrections.timeToDecide).toMatchObject({ decided: 2, shareWithinDeadline: 0.5 });

    // When the supervisor opens the page and chooses that body and period
    tab = await ConsoleTab.open(browser, ledger, {
      language: 'en',
      token: supervisor.token,
      route: '#/statistics',
    });
    await tab.page.getByLabel('Data-opening body').selectOption('ecology-bureau');
    await tab.page.getByLabel('From').fill('2025-09-01');
    await tab.page.getByLabel('To (inclusive)').fill('2025-10-31');
    await tab.page.getByRole('button', { name: 'Show' }).click();
    await tab.page.getByTestId('statistics-period').filter({ hasText: 'ecology-bureau' }).waitFor();
    expect(tab.page.url()).toContain(
      '#/statistics?organization=ecology-bureau&from=2025-09-01&to=2025-10-31',
    );
    expect(await tab.page.getByTestId('statistics-period').textContent()).toContain(
      'ecology-bureau: 1 September 2025 to 31 October 2025',
    );

    // Then both charts are drawn on a canvas
    for (const chart of ['on-time-chart', 'response-times-chart']) {
      const canvas = tab.page.getByTestId(chart).locator('canvas');
      await canvas.waitFor();
      expect(Number(await canvas.getAttribute('width'))).toBeGreaterThan(100);
      expect(await tab.page.getByTestId(chart).getAttribute('role')).toBe('img');
    }

    // And the tables carry the API's figures
    const cells = async (table: string, row: string) =>
      (await tab!.page.getByTestId(table).locator(`tr[data-row="${row}"] td`).allTextContents()).map((text) =>
        text.trim(),
      );
    expect(await cells('on-time-table', 'corrections')).toEqual([
      String(figures.corrections.timeToDecide.decided),
      percent(figures.corrections.timeToDecide.shareWithinDeadline),
    ]);
    expect(await cells('on-time-table', 'corrections')).toEqual(['2', '50.0%']);
    expect(await cells('on-time-table', 'suspension')).toEqual([
      String(figures.objections.timeToSuspension.suspended),
      percent(figures.objections.timeToSuspension.shareSameWorkingDay),
    ]);
    expect(await cells('on-time-table', 'objections')).toEqual([
      String(figures.objections.timeToDecide.decided),
      percent(figures.objections.timeToDecide.shareWithinDeadline),
    ]);
    expect(await cells('on-time-table', 'releases')).toEqual([
      String(figures.releases.withDeadline),
      percent(figures.releases.onTimeRate),
    ]);
    expect(await cells('on-time-table', 'applications')).toEqual(['0', 'No data']);
    expect(await cells('response-times-table', 'corrections')).toEqual([
      String(figures.corrections.timeToDecide.decided),
      duration(figures.corrections.timeToDecide.medianSeconds),
      duration(figures.corrections.timeToDecide.p90Seconds),
    ]);
    expect(await cells('response-times-table', 'objections')).toEqual([
      String(figures.objections.timeToDecide.decided),
      duration(figures.objections.timeToDecide.medianSeconds),
      duration(figures.objections.timeToDecide.p90Seconds),
    ]);
    expect(await cells('response-times-table', 'suspension')).toEqual(['1', '3.0 h', '—']);
    expect(await cells('counts-table', 'corrections')).toEqual([
      String(figures.corrections.filed),
      String(figures.corrections.resolved),
      String(figures.corrections.openNow),
      String(figures.corrections.overdueNow),
    ]);
    expect(await cells('counts-table', 'corrections')).toEqual(['3', '2', '1', '1']);
    expect(tab.refusedLoads).toEqual([]);
    await tab.screenshot('statistics');
    await tab.page.getByTestId('counts-table').scrollIntoViewIfNeeded();
    await tab.screenshot('statistics-tables');
  });

  it('loads ECharts only on the statistics page, and shows a body officer its own body only (in Chinese)', async () => {
    // Given the console opened on the work queues, then on the statistics page
    tab = await ConsoleTab.open(browser, ledger, { token: officer.token, route: '#/queues' });
    const scripts: string[] = [];
    tab.page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await tab.page.getByTestId('queue-table').waitFor();
    expect(scripts).toEqual([]);

    // When the officer moves to the statistics page
    await tab.page.getByRole('link', { name: '统计' }).click();
    await tab.page.getByTestId('on-time-chart').locator('canvas').waitFor();

    // Then the charts' code came as a chunk of its own, and the only body offered is its own
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatch(/^\/console\/assets\/.+\.js$/);
    expect(await tab.page.getByLabel('数据开放主体').locator('option').allTextContents()).toEqual([
      'ecology-bureau',
    ]);
    expect(await tab.page.getByTestId('statistics-period').textContent()).toContain(
      'ecology-bureau：最早记录 至 当前',
    );
    await tab.screenshot('statistics-zh');
  });
});
