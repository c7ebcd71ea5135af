import { createHash } from 'node:crypto';
import type { Browser, Locator } from 'playwright-core';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ConsoleTab, launchChromium } from './console-browser';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/** The value of an attribute on every element a locator finds, in order. */
async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * The public pages of the console (issue 9), in Chromium, for a visitor with no key: the open list
 * (开放清单), page after page, never with non-open or withdrawn data; and the notices of revoked access,
 * never naming the grantee.
 */
describe('the console: the public open list and revocation notices, without a key', () => {
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let officer: { token: string };
  let applicant: { id: string; token: string };
  let supervisor: { token: string };
  let grantId: string;
  let lastPosition = 0;
  /** Open datasets beyond one page of the console's list (20). */
  const OPEN_DATASETS = 22;

  const asOfficer = async (path: string, body: unknown, token = officer.token) => {
    const answer = await ledger.post(path, body, { token });
    if (answer.status >= 300) throw new Error(`${path}: ${answer.text}`);
    lastPosition = Math.max(
      lastPosition,
      ...answer.body.events.map((e: { globalPosition: number }) => e.globalPosition),
    );
    return answer.body;
  };
  const register = (id: string, title: string, classification: string) =>
    asOfficer('/v1/datasets', {
      id,
      title,
      organizationId: 'health-commission',
      classification,
      classificationBasis: 'assessed by the data security office',
      fields: ['clinic', 'month', 'visits'],
      updateFrequency: 'monthly',
      ...(classification === 'conditional' && { openConditions: 'research use under an agreement' }),
    });
  const release = (id: string) =>
    asOfficer(`/v1/datasets/${id}/releases`, {
      version: 1,
      checksum: checksum(id),
      recordCount: 12,
      format: 'csv',
    });

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    browser = await launchChromium();
    officer = await ledger.principal('body_officer', { organizationId: 'health-commission' });
    applicant = await ledger.principal('data_user', { name: 'Fudan research group' });
    supervisor = await ledger.principal('supervisor');

    // Given open datasets beyond one page, a conditional one, a non-open one and a withdrawn one
    for (let n = 1; n <= OPEN_DATASETS; n++) {
      const id = `clinic-${String(n).padStart(2, '0')}`;
      await register(id, `社区诊所月度就诊量 ${n}（Clinic visits ${n}）`, 'unconditional');
      await release(id);
    }
    await register('clinic-conditional', '诊所就诊明细（Clinic visit records）', 'conditional');
    await release('clinic-conditional');
    await register('patients', '患者名单（Patients）', 'non_open');
    await register('old-clinics', '已撤销的诊所清单（Old clinics）', 'unconditional');
    await asOfficer('/v1/datasets/old-clinics/withdraw', { reason: 'the clinics closed' });

    // and a grant on the conditional dataset, revoked publicly
    await asOfficer(
      '/v1/applications',
      {
        id: 'app-1',
        datasetId: 'clinic-conditional',
        purpose: 'seasonal demand study',
        scenario: 'academic research',
        securityMeasures: 'encrypted storage',
        requestedFields: ['clinic', 'month'],
        requestedPeriod: { from: inDays(0), until: inDays(365) },
      },
      applicant.token,
    );
    await asOfficer('/v1/applications/app-1/approve', {
      agreement: {
        scope: 'seasonal demand study',
        fields: ['clinic', 'month'],
        validFrom: inDays(-1),
        validUntil: inDays(180),
        obligations: 'no re-identification',
        reportingInterval: 'P30D',
      },
    });
    const signed = await asOfficer('/v1/applications/app-1/sign-agreement', {}, applicant.token);
    grantId = signed.events[1].streamId.slice('grant-'.length);
    await asOfficer(
      `/v1/grants/${grantId}/revoke`,
      { reason: '超出协议范围使用数据（data used beyond the agreement）', publicize: true },
      supervisor.token,
    );
    await ledger.get(`/v1/public/open-list?minPosition=${lastPosition}`, { token: null });
    await ledger.get(`/v1/public/revocations?minPosition=${lastPosition}`, { token: null });
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

  it('shows a visitor the open list page by page, never non-open or withdrawn data', async () => {
    const all = (await ledger.get('/v1/public/open-list?limit=500', { token: null })).body.items;
    expect(all).toHaveLength(OPEN_DATASETS + 1);

    tab = await ConsoleTab.open(browser, ledger, { route: '#/public/open-list' });
    await tab.page.getByRole('heading', { name: '公共数据开放清单' }).waitFor();
    const rows = tab.page.getByTestId('open-list-item');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(20);
    await tab.screenshot('public-open-list');

    await tab.page.getByRole('button', { name: '加载更多' }).click();

    await rows.nth(20).waitFor();
    expect(await attributes(rows, 'data-id')).toEqual(all.map((item: { id: string }) => item.id));
    expect(await tab.page.getByTestId('paging-status').textContent()).toBe(
      `已显示 ${OPEN_DATASETS + 1} 条 已显示全部。`,
    );
    expect(await tab.page.getByRole('button', { name: '加载更多' }).count()).toBe(0);
    const text = await tab.page.getByTestId('open-list').textContent();
    expect(text).not.toContain('patients');
    expect(text).not.toContain('old-clinics');
    expect(await tab.page.getByTestId('who-am-i').count()).toBe(0);
  });

  it('filters the open list by classification, and keeps the filter in the link', async () => {
    tab = await ConsoleTab.open(browser, ledger, { route: '#/public/open-list' });
    await tab.page.getByTestId('open-list-item').first().waitFor();

    await tab.page.getByLabel('开放类型').selectOption('conditional');
    await tab.page.getByRole('button', { name: '筛选' }).click();

    await tab.page.waitForURL(/classification=conditional/);
    await tab.page.getByTestId('open-list-item').nth(1).waitFor({ state: 'detached' });
    const rows = tab.page.getByTestId('open-list-item');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('开放条件：research use under an agreement');
  });

  it('shows a visitor the publicised revocation, without the grantee', async () => {
    const notices = (await ledger.get('/v1/public/revocations', { token: null })).body.items;
    expect(notices.map((notice: { grantId: string }) => notice.grantId)).toEqual([grantId]);

    tab = await ConsoleTab.open(browser, ledger, { route: '#/public/revocations' });
    await tab.page.getByRole('heading', { name: '数据获取权限撤销公告' }).waitFor();
    const row = tab.page.getByTestId('revocation');
    await row.first().waitFor();

    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-grant')).toBe(grantId);
    const text = await row.textContent();
    expect(text).toContain('诊所就诊明细（Clinic visit records）');
    expect(text).toContain('超出协议范围使用数据（data used beyond the agreement）');
    expect(text).toContain('health-commission');
    expect(await tab.page.locator('main').textContent()).not.toContain(applicant.id);
    await tab.screenshot('public-revocations');
  });

  it('reads the notices in English, and says when a filter finds none', async () => {
    tab = await ConsoleTab.open(browser, ledger, { route: '#/public/revocations', language: 'en' });
    await tab.page.getByTestId('revocation').first().waitFor();

    await tab.page.getByLabel('Dataset id').fill('clinic-01');
    await tab.page.getByRole('button', { name: 'Filter' }).click();

    await tab.page.getByText('No revocation has been made public.').waitFor();
    expect(tab.page.url()).toContain('datasetId=clinic-01');
  });
});
