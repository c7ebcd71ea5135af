import { createHash } from 'node:crypto';
import type { Browser, Locator } from 'playwright-core';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ConsoleTab, launchChromium } from './console-browser';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/** The value of an attribute on every element a locator finds, in order. */
async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

interface HistoryItem {
  globalPosition: number;
  streamVersion: number;
  type: string;
}

/**
 * The dataset history pages of the console (issue 9), in Chromium: a supervisor finds a dataset, sees
 * every one of its events, moves to a past moment and sees the state then, and compares two versions —
 * each time what the page shows is checked against what the API answers.
 */
describe('the console: a dataset’s history, its state as of a moment, and a diff', () => {
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let officer: { token: string };
  let supervisor: { token: string };
  const id = 'bus-stops';
  const longId = 'air-quality-hourly';
  /** The globalPosition each step recorded, by name. */
  const positions: Record<string, number> = {};

  const asOfficer = async (path: string, body: unknown) => {
    const answer = await ledger.post(path, body, { token: officer.token });
    if (answer.status >= 300) throw new Error(`${path}: ${answer.text}`);
    return answer.body.events[0].globalPosition as number;
  };
  const register = (datasetId: string, title: string) =>
    asOfficer('/v1/datasets', {
      id: datasetId,
      title,
      organizationId: 'transport',
      classification: 'unconditional',
      classificationBasis: 'public infrastructure, no personal data',
      fields: ['stop', 'line', 'district'],
      updateFrequency: 'monthly',
    });
  const release = (datasetId: string, version: number, notes?: string) =>
    asOfficer(`/v1/datasets/${datasetId}/releases`, {
      version,
      checksum: checksum(`${datasetId} v${version}`),
      recordCount: 1000 + version,
      format: 'csv',
      ...(notes !== undefined && { notes }),
    });
  const historyOf = async (datasetId: string): Promise<HistoryItem[]> => {
    const items: HistoryItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await ledger.get(
        `/v1/datasets/${datasetId}/history?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        { token: supervisor.token },
      );
      items.push(...page.body.items);
      cursor = page.body.next;
    } while (cursor !== undefined);
    return items;
  };

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    browser = await launchChromium();
    officer = await ledger.principal('body_officer', { organizationId: 'transport' });
    supervisor = await ledger.principal('supervisor', { name: 'Zhao Min' });

    // Given a dataset registered, released three times, suspended and restored in between
    positions.registered = await register(id, '公交站点（Bus stops of Shanghai）');
    positions.v1 = await release(id, 1);
    positions.v2 = await release(id, 2, 'new stops in Pudong');
    positions.suspended = await asOfficer(`/v1/datasets/${id}/suspend`, {
      reason: 'a stop list leaked drivers’ phone numbers',
      cause: 'security',
      causeRef: 'INC-7',
    });
    positions.restored = await asOfficer(`/v1/datasets/${id}/restore`, { reason: 'phone numbers removed' });
    positions.v3 = await release(id, 3);
    // and another dataset the finder must be able to tell apart
    await register('metro-lines', '地铁线路（Metro lines）');
    const last = await register(longId, '空气质量小时数据（Air quality, hourly）');
    await ledger.get(`/v1/datasets?minPosition=${last}`, { token: supervisor.token });
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

  const slider = () => tab!.page.getByLabel('拖动选择事件（时间点）');

  it('finds a dataset by a word of its title and opens its history', async () => {
    tab = await ConsoleTab.open(browser, ledger, { token: supervisor.token, route: '#/datasets' });
    await tab.page.getByRole('heading', { name: '查找数据集' }).waitFor();
    const rows = tab.page.locator('table tbody tr');
    // The heading is drawn before the catalogue's answer: wait for the rows it brings.
    await rows.nth(2).waitFor();
    expect(await rows.count()).toBe(3);

    await tab.page.getByLabel('按标题或标识筛选').fill('公交');

    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(id);
    expect(tab.page.url()).toContain('q=');
    await tab.screenshot('dataset-finder');
    await tab.page.getByRole('link', { name: '公交站点（Bus stops of Shanghai）' }).click();
    await tab.page.getByRole('heading', { name: /公交站点/ }).waitFor();
    expect(tab.page.url()).toMatch(/#\/datasets\/bus-stops$/);
  });

  it('shows every event: who, what, when, under which article and why, with its changes', async () => {
    const history = await historyOf(id);

    tab = await ConsoleTab.open(browser, ledger, { token: supervisor.token, route: `#/datasets/${id}` });
    const events = tab.page.getByTestId('history-event');
    await events.first().waitFor();

    expect(await events.count()).toBe(history.length);
    expect(await tab.page.getByTestId('timeline-count').textContent()).toBe(`共 ${history.length} 个事件`);
    expect(await events.locator('.event-type').allTextContents()).toEqual([
      '登记',
      '发布',
      '发布',
      '暂停开放',
      '恢复开放',
      '发布',
    ]);
    expect((await attributes(events, 'data-position')).map(Number)).toEqual(
      history.map((item) => item.globalPosition),
    );
    const suspension = events.nth(3);
    const text = await suspension.textContent();
    expect(text).toContain('Suspended (security INC-7): a stop list leaked drivers’ phone numbers');
    expect(text).toContain('数据开放主体工作人员 · transport');
    expect(text).toContain('Measures');
    expect(text).toContain('状态: 开放中 → 已暂停');
    await suspension.scrollIntoViewIfNeeded();
    await tab.screenshot('dataset-history');
  });

  it('shows every event of a history longer than a page of the API', async () => {
    // Given a dataset with more events than one page of the history holds
    for (let version = 1; version <= 104; version++) await release(longId, version);
    const history = await historyOf(longId);
    expect(history.length).toBe(105);

    tab = await ConsoleTab.open(browser, ledger, { token: supervisor.token, route: `#/datasets/${longId}` });
    // The page reads the history page after page: wait for the last event, not the first.
    await tab.page.getByTestId('history-event').nth(104).waitFor();

    expect(await tab.page.getByTestId('history-event').count()).toBe(105);
    expect(await tab.page.getByTestId('history-event').last().getAttribute('data-position')).toBe(
      String(history[104].globalPosition),
    );
    // 104 releases one after another take a while on a busy machine.
  }, 90_000);

  it('moves to a past moment with the slider and shows the state then, as GET ?asOf answers it', async () => {
    const then = (
      await ledger.get(`/v1/datasets/${id}?asOf=${positions.suspended}`, { token: supervisor.token })
    ).body;
    expect(then).toMatchObject({ status: 'suspended', currentVersion: 2 });
    tab = await ConsoleTab.open(browser, ledger, { token: supervisor.token, route: `#/datasets/${id}` });
    await slider().waitFor();
    expect(await tab.page.getByTestId('as-of-status').textContent()).toBe('开放中');

    // When the slider is moved to the fourth event (the suspension)
    await slider().focus();
    await tab.page.keyboard.press('Home');
    for (let step = 0; step < 3; step++) await tab.page.keyboard.press('ArrowRight');

    // Then the page shows the dataset as it was then, and says what differs from now
    await tab.page.getByTestId('as-of-showing').getByText(`日志位置 ${positions.suspended}`).waitFor();
    await tab.page.getByTestId('as-of-status').getByText('已暂停').waitFor();
    expect(await tab.page.getByTestId('as-of-currentVersion').textContent()).toBe(
      String(then.currentVersion),
    );
    expect(await tab.page.getByTestId('as-of-suspension').textContent()).toBe('安全 · INC-7');
    expect(await tab.page.getByTestId('as-of-value').textContent()).toContain('第 4 / 6 个事件：暂停开放');
    expect(await attributes(tab.page.locator('.as-of-table tr.changed'), 'data-field')).toEqual([
      'status',
      'currentVersion',
      'releases',
      'suspension',
    ]);
    expect(tab.page.url()).toContain(`asOf=${positions.suspended}`);
    await tab.screenshot('dataset-history-as-of');

    // And the moment is in the link: opened elsewhere, it shows the same state
    const link = tab.page.url().slice(tab.page.url().indexOf('#'));
    await tab.close();
    tab = await ConsoleTab.open(browser, ledger, { token: supervisor.token, route: link });
    await tab.page.getByTestId('as-of-status').getByText('已暂停').waitFor();
    expect(await slider().inputValue()).toBe('3');
  });

  it('moves to a date and time: before the registration, the dataset did not exist yet', async () => {
    tab = await ConsoleTab.open(browser, ledger, { token: supervisor.token, route: `#/datasets/${id}` });
    await tab.page.getByLabel('或选择日期时间').fill('2020-01-01T08:00:00');

    await tab.page.getByRole('button', { name: '查看该时刻' }).click();

    await tab.page.getByTestId('as-of-not-yet').waitFor();
    expect(tab.page.url()).toContain('asOf=2020-01-01T');
    const answer = await ledger.get(`/v1/datasets/${id}?asOf=2020-01-01T00:00:00Z`, {
      token: supervisor.token,
    });
    expect(answer.status).toBe(404);
  });

  it('compares two versions, as GET /diff answers', async () => {
    const diff = (
      await ledger.get(`/v1/datasets/${id}/diff?from=${positions.v1}&to=${positions.suspended}`, {
        token: supervisor.token,
      })
    ).body;
    tab = await ConsoleTab.open(browser, ledger, { token: supervisor.token, route: `#/datasets/${id}` });
    await tab.page.getByLabel('从（较早的事件）').waitFor();

    await tab.page.getByLabel('从（较早的事件）').selectOption(String(positions.v1));
    await tab.page.getByLabel('到（较晚的事件）').selectOption(String(positions.suspended));
    await tab.page.getByRole('button', { name: '比较' }).click();

    const table = tab.page.getByTestId('diff');
    await table.waitFor();
    expect(await attributes(table.locator('tbody tr'), 'data-field')).toEqual(
      diff.changes.map((change: { field: string }) => change.field),
    );
    expect(await table.locator('tr[data-field="status"]').textContent()).toBe('状态开放中已暂停');
    expect(await table.locator('tr[data-field="currentVersion"]').textContent()).toBe('当前版本12');
    expect(tab.page.url()).toContain(`from=${positions.v1}&to=${positions.suspended}`);
    await tab.screenshot('dataset-diff');
  });

  it('reads in English too', async () => {
    tab = await ConsoleTab.open(browser, ledger, {
      token: supervisor.token,
      language: 'en',
      route: `#/datasets/${id}?asOf=${positions.v2}`,
    });
    await tab.page.getByTestId('as-of-status').getByText('open').waitFor();
    expect(await tab.page.getByTestId('timeline-count').textContent()).toBe('6 events');
    expect(await tab.page.getByTestId('as-of-value').textContent()).toContain('Event 3 of 6: Released');
  });

  it('asks a visitor to sign in first', async () => {
    tab = await ConsoleTab.open(browser, ledger, { route: `#/datasets/${id}` });
    await tab.page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await tab.page.getByTestId('history-event').count()).toBe(0);
  });
});
