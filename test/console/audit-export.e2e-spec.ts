import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { runVerifyCommand } from '../../apps/cli/src/verify/verify-command';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ConsoleTab, launchChromium } from './console-browser';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The audit export page (issue 9), in Chromium: a compliance officer chooses a range and a filter,
 * starts a long export, follows its progress to the end, downloads the file (fetched with the key as a
 * Bearer token, saved from a Blob) and reads the command that verifies it offline — which does.
 */
describe('the console: audit export, in Chromium', () => {
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let auditor: { id: string; token: string };
  const downloads = mkdtempSync(join(tmpdir(), 'console-export-'));

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    browser = await launchChromium();
    auditor = await ledger.principal('compliance_officer', { name: 'Sun Li' });
    const officer = await ledger.principal('body_officer', { organizationId: 'ecology-bureau' });
    const registered = await ledger.post(
      '/v1/datasets',
      {
        id: 'air-quality',
        title: 'Air quality',
        organizationId: 'ecology-bureau',
        classification: 'unconditional',
        classificationBasis: 'public information',
        fields: ['station', 'pm25'],
        updateFrequency: 'monthly',
      },
      { token: officer.token },
    );
    expect(registered.status).toBe(201);
    for (const version of [1, 2]) {
      const released = await ledger.post(
        '/v1/datasets/air-quality/releases',
        { version, checksum: checksum(`v${version}`), recordCount: 10, format: 'csv' },
        { token: officer.token },
      );
      expect(released.status).toBe(201);
    }
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
    rmSync(downloads, { recursive: true, force: true });
  });

  it('runs an export from the page: filter, start, progress to the end, download, and the verify command', async () => {
    // Given a journal with two releases of a dataset, and the ledger's verifier key
    const head = await ledger.head();
    const { verifierKey } = (await ledger.get('/v1/log/key', { token: null })).body;

    // When the compliance officer exports positions [0, head + 1) showing the releases in full
    tab = await ConsoleTab.open(browser, ledger, {
      language: 'en',
      token: auditor.token,
      route: '#/exports',
    });
    await tab.page.getByLabel('By position').check();
    await tab.page.getByLabel('From position (inclusive)').fill('0');
    await tab.page.getByLabel('To position (exclusive)').fill(String(head + 1));
    await tab.page.getByLabel('Event types (comma-separated)').fill('DatasetReleased');
    await tab.page.getByLabel('File format').selectOption('ndjson');
    await tab.page.getByRole('button', { name: 'Start the export' }).click();

    // Then the page follows the export until it is completed, its progress bar full
    const job = tab.page.getByTestId('export-job');
    await job.getByTestId('export-status').and(tab.page.locator('[data-status="completed"]')).waitFor();
    const id = /#\/exports\/([0-9a-f-]{36})$/.exec(tab.page.url())?.[1];
    expect(id).toBeDefined();
    const progress = job.getByLabel(/^Progress: /);
    expect([await progress.getAttribute('value'), await progress.getAttribute('max')]).toEqual([
      String(head + 1),
      String(head + 1),
    ]);
    expect(await job.locator('label').first().textContent()).toBe(
      `Progress: ${head + 1} of ${head + 1} positions (100%)`,
    );
    expect((await ledger.get(`/v1/exports/${id}`, { token: auditor.token })).body).toMatchObject({
      status: 'completed',
      range: { from: 0, to: head + 1 },
    });

    // And it shows the command that verifies the file offline, with the ledger's key
    const command = await job.getByTestId('verify-command').textContent();
    expect(command).toBe(`npx ledger verify audit-trail-${id}.ndjson --key '${verifierKey}'`);
    await tab.screenshot('audit-export');

    // When the officer downloads the file
    const [download] = await Promise.all([
      tab.page.waitForEvent('download'),
      job.getByRole('button', { name: 'Download the export' }).click(),
    ]);
    const saved = join(downloads, download.suggestedFilename());
    await download.saveAs(saved);

    // Then it is the NDJSON export: a header, one line per position, and the trailer
    expect(download.suggestedFilename()).toBe(`audit-trail-${id}.ndjson`);
    const lines = readFileSync(saved, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({
      format: 'ledger-audit-export/1',
      range: { from: 0, to: head + 1 },
      verifierKey,
      filter: { type: ['DatasetReleased'] },
    });
    expect(lines[0].exportedBy).toMatchObject({ id: auditor.id });
    expect(lines).toHaveLength(head + 3);
    expect(lines[lines.length - 1]).toEqual({ count: head + 1, matched: 2 });
    expect(lines.filter((line) => line.entry?.type === 'DatasetReleased')).toHaveLength(2);
    await job.getByText(`Saved audit-trail-${id}.ndjson`).waitFor();
    // The key went in a header, never in a URL.
    expect(download.url()).toMatch(/^blob:/);

    // And the command shown on the page verifies it
    const key = /--key '(.+)'$/.exec(command ?? '')?.[1] as string;
    let verdict = '';
    const output = { stdout: { write: (text: string) => (verdict += text) }, stderr: { write: () => true } };
    expect(await runVerifyCommand(saved, { key }, output)).toBe(0);
    expect(verdict).toMatch(/^OK/);
    expect(tab.refusedLoads).toEqual([]);
    await tab.screenshot('audit-export-downloaded');
  });

  it('shows a filter the ledger refuses in words, and starts nothing', async () => {
    // Given the export page
    tab = await ConsoleTab.open(browser, ledger, {
      language: 'en',
      token: auditor.token,
      route: '#/exports',
    });
    const head = await ledger.head();

    // When the officer asks for a stream id that is not one
    await tab.page.getByLabel('Stream id').fill('not a stream');
    await tab.page.getByRole('button', { name: 'Start the export' }).click();

    // Then the refusal and its field are shown, and nothing was recorded
    const problem = tab.page.getByRole('alert');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('streamId must look like <category>-<id>');
    expect(await ledger.head()).toBe(head);
    expect(tab.page.url()).toMatch(/#\/exports$/);
    expect(tab.refusedLoads).toHaveLength(1);
  });
});
