import { HttpAnswer, LedgerUnderTest } from './support/ledger-under-test';

const API_POLICY = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** The CSP directives of an answer, by name. */
function policyOf(answer: { headers: Headers }): Record<string, string[]> {
  const header = answer.headers.get('content-security-policy') ?? '';
  return Object.fromEntries(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

function expectSecurityHeaders(answer: HttpAnswer): void {
  expect({
    nosniff: answer.headers.get('x-content-type-options'),
    frameOptions: answer.headers.get('x-frame-options'),
    referrer: answer.headers.get('referrer-policy'),
    hsts: answer.headers.get('strict-transport-security'),
    frameAncestors: policyOf(answer)['frame-ancestors'],
  }).toEqual({
    nosniff: 'nosniff',
    frameOptions: 'DENY',
    referrer: 'no-referrer',
    hsts: 'max-age=15552000',
    frameAncestors: ["'none'"],
  });
}

/**
 * Security headers (issue 7): on API answers, problem answers and /docs, with a Content-Security-Policy
 * each kind of answer can live with, and Cache-Control: no-store under /v1 unless a route set its own.
 */
describe('security headers', () => {
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    // Without Redis, under test:services too: the queue board then answers a problem of its own.
    ledger = await LedgerUnderTest.start({ env: { REDIS_URL: '' } });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('come with an API answer, which may not be cached, run anything or be framed', async () => {
    const answer = await ledger.get('/v1/organizations');

    expect(answer.status).toBe(200);
    expectSecurityHeaders(answer);
    expect(policyOf(answer)).toEqual(API_POLICY);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['401 without a key', '/v1/principals', null, 401, 'MissingCredentials'],
    ['401 with a bad key', '/v1/principals', 'odl_not-a-key', 401, 'InvalidCredentials'],
    ['404 on an unknown route', '/v1/nowhere', undefined, 404, 'RouteNotFound'],
    ['400 on a bad query', '/v1/events?limit=100000', undefined, 400, undefined],
  ])('come with a problem answer: %s', async (_, path, token, status, code) => {
    const answer = await ledger.get(path, { token });

    expect(answer.status).toBe(status);
    if (code) expect(answer.body.code).toBe(code);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expectSecurityHeaders(answer);
    expect(policyOf(answer)).toEqual(API_POLICY);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('come with a problem answer of a command refused by the domain', async () => {
    const answer = await ledger.post('/v1/datasets/no-such-dataset/suspend', {
      reason: 'checking',
      cause: 'other',
    });

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expectSecurityHeaders(answer);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('come with the health endpoints and the metrics', async () => {
    for (const path of ['/health/live', '/metrics']) {
      const answer = await ledger.get(path, { token: null });
      expect(answer.status).toBe(200);
      expectSecurityHeaders(answer);
    }
  });

  it('leave the transparency log’s answers their content types', async () => {
    const signed = await ledger.post('/v1/log/checkpoints', undefined);
    expect([200, 201]).toContain(signed.status);

    const checkpoint = await ledger.get('/v1/log/checkpoint', { token: null });
    const note = await ledger.get(`/v1/log/checkpoints/${signed.body.treeSize}`, {
      token: null,
      headers: { accept: 'text/plain' },
    });

    for (const answer of [checkpoint, note]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expectSecurityHeaders(answer);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect(checkpoint.text).toBe(note.text);
  });

  it('leave an audit-trail export its download headers', async () => {
    const answer = await ledger.get('/v1/audit-trail?format=ndjson');

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-trail-[0-9a-f-]{36}\.ndjson"$/,
    );
    expect(answer.headers.get('x-export-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(answer.text.split('\n')[0]).format).toBe('ledger-audit-export/1');
    expectSecurityHeaders(answer);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('leave the journal’s live tail its own caching', async () => {
    const abort = new AbortController();
    const response = await fetch(`${ledger.url}/v1/events`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${ledger.adminToken}` },
      signal: abort.signal,
    });
    abort.abort();

    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  describe('/docs', () => {
    let page: HttpAnswer;

    beforeAll(async () => {
      page = await ledger.get('/docs', { token: null });
    });

    it('comes with the security headers and a policy that lets Swagger UI run from /docs alone', () => {
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expectSecurityHeaders(page);
      expect(policyOf(page)).toEqual({
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'base-uri': ["'none'"],
        'form-action': ["'none'"],
        'frame-ancestors': ["'none'"],
      });
    });

    it('loads every script, stylesheet and icon its page names, from this origin, and runs no inline script', async () => {
      const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      const sources = scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes)?.[1]);
      // script-src 'self' allows only scripts with a src on this origin: an inline one would not run.
      expect(scripts.map(([, , body]) => body.trim())).toEqual(scripts.map(() => ''));
      const links = [...page.text.matchAll(/<link[^>]*href="([^"]+)"/g)].map(([, href]) => href);
      const assets = [...sources, ...links] as string[];
      expect(assets).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/swagger-ui-bundle\.js$/),
          expect.stringMatching(/swagger-ui-init\.js$/),
          expect.stringMatching(/swagger-ui\.css$/),
        ]),
      );

      for (const asset of assets) {
        const url = new URL(asset, `${ledger.url}/docs`);
        expect(url.origin).toBe(ledger.url);
        const answer = await ledger.get(url.pathname, { token: null });
        expect({ asset, status: answer.status }).toEqual({ asset, status: 200 });
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      }
      // The init script carries the OpenAPI document itself: Swagger UI fetches nothing else to start.
      const init = await ledger.get('/docs/swagger-ui-init.js', { token: null });
      expect(init.text).toContain('"openapi"');
      expect(init.headers.get('content-type')).toContain('javascript');
    });

    it('serves the OpenAPI document as JSON', async () => {
      const document = await ledger.get('/docs-json', { token: null });

      expect(document.status).toBe(200);
      expect(document.body.info.title).toBe('Open Data Ledger');
      expectSecurityHeaders(document);
    });
  });

  it('give the queue board’s answers its own policy', async () => {
    // Without Redis the board answers a problem; on Redis its UI, checked in security-headers.services-spec.ts.
    const answer = await ledger.get('/v1/admin/queues');

    expect(answer.status).toBe(404);
    expectSecurityHeaders(answer);
    expect(policyOf(answer)['script-src']).toEqual(["'self'"]);
    expect(policyOf(answer)['base-uri']).toEqual(["'self'"]);
  });
});

describe('security headers with LEDGER_HSTS=off', () => {
  it('leave out Strict-Transport-Security and keep the others', async () => {
    const ledger = await LedgerUnderTest.start({ env: { LEDGER_HSTS: 'off' } });
    try {
      const answer = await ledger.get('/v1/organizations');

      expect(answer.headers.get('strict-transport-security')).toBeNull();
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(policyOf(answer)).toEqual(API_POLICY);
    } finally {
      await ledger.stop();
    }
  });
});
