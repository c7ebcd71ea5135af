import { createHash } from 'node:crypto';
import type { Browser, Route } from 'playwright-core';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ConsoleTab, launchChromium } from './console-browser';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

/** Flips the lowest bit of the first byte of a base64 hash. */
function flipped(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}

/**
 * "Verified in your browser" (issue 9), in Chromium: the page checks an event's entry, inclusion proof
 * and the signed checkpoint itself, with WebCrypto, so an answer tampered with on the way — a proof
 * hash, the checkpoint's signature, the entry — is caught and said in words.
 */
describe('the console: an event verified in the browser, and tampering caught', () => {
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let officer: { token: string };
  let supervisor: { token: string };
  const id = 'park-visits';
  const positions: number[] = [];

  const asOfficer = async (path: string, body: unknown) => {
    const answer = await ledger.post(path, body, { token: officer.token });
    if (answer.status >= 300) throw new Error(`${path}: ${answer.text}`);
    positions.push(answer.body.events[0].globalPosition);
  };

  beforeAll(async () => {
    // A day between automatic checkpoints: the tests sign them when they mean to.
    ledger = await LedgerUnderTest.start({ env: { LEDGER_CHECKPOINT_INTERVAL_MS: '86400000' } });
    browser = await launchChromium();
    officer = await ledger.principal('body_officer', { organizationId: 'greening-bureau' });
    supervisor = await ledger.principal('supervisor');
    await asOfficer('/v1/datasets', {
      id,
      title: '公园游客量（Park visits）',
      organizationId: 'greening-bureau',
      classification: 'unconditional',
      classificationBasis: 'aggregate counts',
      fields: ['park', 'day', 'visits'],
      updateFrequency: 'daily',
    });
    for (const version of [1, 2]) {
      await asOfficer(`/v1/datasets/${id}/releases`, {
        version,
        checksum: checksum(`v${version}`),
        recordCount: 300,
        format: 'csv',
      });
    }
    const signed = await ledger.post('/v1/log/checkpoints', {});
    expect([201, 200]).toContain(signed.status);
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

  async function openHistory(): Promise<ConsoleTab> {
    const opened = await ConsoleTab.open(browser, ledger, {
      token: supervisor.token,
      route: `#/datasets/${id}`,
    });
    await opened.page.getByTestId('history-event').first().waitFor();
    return opened;
  }

  /** Clicks "verify" on the event at `position` and answers the outcome and the words shown. */
  async function verify(position: number): Promise<{ outcome: string; reason: string; text: string }> {
    const panel = tab!.page.getByTestId(`verification-${position}`);
    await panel.getByRole('button', { name: `在浏览器中验证第 ${position} 号记录` }).click();
    const outcome = panel.getByTestId('verification-outcome');
    await outcome.waitFor();
    const text = panel.getByTestId('verification-text');
    return {
      outcome: (await outcome.textContent()) ?? '',
      reason: (await text.getAttribute('data-reason')) ?? '',
      text: (await text.textContent()) ?? '',
    };
  }

  it('verifies an event: its leaf hash, its inclusion proof and the signed checkpoint', async () => {
    tab = await openHistory();

    const result = await verify(positions[1]);

    expect(result.outcome).toBe('✓ 已验证');
    expect(result.text).toContain('叶哈希');
    const panel = tab.page.getByTestId(`verification-${positions[1]}`);
    await panel.getByText('验证细节').click();
    const details = await panel.locator('dl').textContent();
    const entry = (await ledger.get(`/v1/log/entries/${positions[1]}`)).body;
    expect(details).toContain(entry.leafHash);
    expect(details).toContain(
      (await ledger.get('/v1/log/key', { token: null })).body.verifierKey.split('+')[0],
    );
    await tab.screenshot('verification-verified');
  });

  it('fails when a hash of the inclusion proof is tampered with on the way: root mismatch', async () => {
    tab = await openHistory();
    await tab.page.route('**/v1/log/proofs/inclusion**', async (route: Route) => {
      const response = await route.fetch();
      const proof = await response.json();
      proof.proof[0] = flipped(proof.proof[0]);
      await route.fulfill({ response, json: proof });
    });

    const result = await verify(positions[1]);

    expect(result).toMatchObject({ outcome: '✗ 验证失败', reason: 'rootMismatch' });
    expect(result.text).toContain('根哈希不一致');
    await tab.screenshot('verification-tampered-proof');
  });

  it('fails when the checkpoint’s signature is tampered with: bad signature', async () => {
    tab = await openHistory();
    await tab.page.route('**/v1/log/checkpoint', async (route: Route) => {
      const response = await route.fetch();
      const note = await response.text();
      const line = note.trimEnd().split('\n').at(-1) as string;
      const [dash, keyName, signature] = line.split(' ');
      const bytes = Buffer.from(signature, 'base64');
      bytes[40] ^= 1; // inside the Ed25519 signature, after the 4-byte key id
      await route.fulfill({
        response,
        body: note.replace(line, `${dash} ${keyName} ${bytes.toString('base64')}`),
      });
    });

    const result = await verify(positions[0]);

    expect(result).toMatchObject({ outcome: '✗ 验证失败', reason: 'badSignature' });
    expect(result.text).toContain('签名无效');
    await tab.screenshot('verification-tampered-checkpoint');
  });

  it('fails when the entry is altered on the way: leaf hash mismatch', async () => {
    tab = await openHistory();
    await tab.page.route('**/v1/log/entries/**', async (route: Route) => {
      const response = await route.fetch();
      const answer = await response.json();
      answer.entry.data.recordCount += 1;
      await route.fulfill({ response, json: answer });
    });

    const result = await verify(positions[2]);

    expect(result).toMatchObject({ outcome: '✗ 验证失败', reason: 'leafHashMismatch' });
    expect(result.text).toContain('叶哈希不一致');
  });

  it('says an event newer than the latest checkpoint awaits one, and verifies it once signed', async () => {
    await asOfficer(`/v1/datasets/${id}/suspend`, { reason: 'counting sensors replaced', cause: 'other' });
    const newest = positions[positions.length - 1];
    tab = await openHistory();

    expect(await verify(newest)).toMatchObject({ outcome: '尚待签名', reason: '' });

    expect((await ledger.post('/v1/log/checkpoints', {})).status).toBe(201);
    await tab.page.getByTestId(`verification-${newest}`).getByRole('button').first().click();
    await tab.page
      .getByTestId(`verification-${newest}`)
      .getByTestId('verification-outcome')
      .getByText('已验证')
      .waitFor();
  });
});
