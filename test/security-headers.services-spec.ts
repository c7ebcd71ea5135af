import { LedgerUnderTest } from './support/ledger-under-test';

const BOARD = '/v1/admin/queues';
const HTML = { accept: 'text/html,application/xhtml+xml' };

/**
 * The queue board's UI under the ledger's security headers (issue 7, npm run test:services: the board
 * needs Redis): a Content-Security-Policy that lets bull-board's own scripts and styles run.
 */
describe('security headers on the queue board', () => {
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('give the board a policy under which every script it names loads from this origin', async () => {
    const page = await ledger.get(BOARD, { headers: HTML });

    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("base-uri 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const base = /<base href="([^"]+)"/.exec(page.text)?.[1] as string;
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    // Only data blocks are inline (the UI's configuration, type="application/json"): nothing inline runs.
    for (const [, attributes, body] of scripts) {
      if (body.trim() !== '') expect(attributes).toContain('type="application/json"');
    }
    const sources = scripts
      .map(([, attributes]) => /src="([^"]+)"/.exec(attributes)?.[1])
      .filter((src): src is string => src !== undefined);
    const styles = [...page.text.matchAll(/<link href="([^"]+)" rel="stylesheet"/g)]
      .map(([, href]) => new URL(href, `${ledger.url}${base}`))
      .filter((url) => url.origin === ledger.url);
    expect(sources.length).toBeGreaterThan(0);
    expect(styles.length).toBeGreaterThan(0);

    for (const url of [...sources.map((src) => new URL(src, `${ledger.url}${base}`)), ...styles]) {
      expect(url.origin).toBe(ledger.url);
      const asset = await ledger.get(url.pathname);
      expect({ asset: url.pathname, status: asset.status }).toEqual({ asset: url.pathname, status: 200 });
    }
  });

  it('keep the sign-in page’s own stricter policy', async () => {
    const page = await ledger.get(BOARD, { token: null, headers: HTML });

    expect(page.status).toBe(401);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
