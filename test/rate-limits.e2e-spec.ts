import { createHash } from 'node:crypto';
import { HttpAnswer, LedgerUnderTest } from './support/ledger-under-test';

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** Waits out a refusal's Retry-After: the one place a test must let the clock run. */
const waitOut = (refusal: HttpAnswer) =>
  new Promise((resolve) => setTimeout(resolve, Number(refusal.headers.get('retry-after')) * 1000 + 100));

function expectRateLimited(answer: HttpAnswer, limit: number, windowSeconds: number): void {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body).toEqual({
    type: 'urn:open-data-ledger:problem:RateLimited',
    title: 'Too Many Requests',
    status: 429,
    code: 'RateLimited',
    detail: expect.stringMatching(/; retry in \d+ seconds?$/),
  });
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(answer.body.detail).toContain(`retry in ${retryAfter} second`);
  expect({
    limit: answer.headers.get('ratelimit-limit'),
    remaining: answer.headers.get('ratelimit-remaining'),
    reset: answer.headers.get('ratelimit-reset'),
    xLimit: answer.headers.get('x-ratelimit-limit'),
    xRemaining: answer.headers.get('x-ratelimit-remaining'),
  }).toEqual({
    limit: String(limit),
    remaining: '0',
    reset: String(retryAfter),
    xLimit: String(limit),
    xRemaining: '0',
  });
  // A refusal in the rate limits' hook still carries the security headers.
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
}

/**
 * Rate limits (issue 7): per principal for requests with a key, per client IP for requests without
 * one — anonymous filings under a stricter limit of their own — 429 RateLimited with Retry-After, and
 * nothing written by a refused request. Two ledgers in memory here; Redis-backed counters shared by two
 * instances in rate-limits.services-spec.ts.
 */
describe('rate limits per principal', () => {
  let ledger: LedgerUnderTest;
  const LIMIT = 3;
  const WINDOW_SECONDS = 3;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start({
      env: { LEDGER_RATE_LIMIT_PER_PRINCIPAL: `${LIMIT}/${WINDOW_SECONDS}s` },
    });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  /** A request of the bootstrap admin, which is limited too: it waits out a refusal and asks again. */
  async function patiently(send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    for (;;) {
      const answer = await send();
      if (answer.status !== 429) return answer;
      await waitOut(answer);
    }
  }

  async function principal(role: string): Promise<{ id: string; token: string }> {
    const created = await patiently(() => ledger.post('/v1/principals', { name: `a ${role}`, role }));
    expect(created.status).toBe(201);
    return created.body;
  }

  it('refuses a principal’s request over the limit with 429 RateLimited and Retry-After, writing nothing', async () => {
    const writer = await principal('platform_admin');
    const answers: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const created = await ledger.post(
        '/v1/organizations',
        { id: `limited-${i}`, name: `Bureau ${i}` },
        { token: writer.token },
      );
      answers.push(created.status);
      expect(created.headers.get('ratelimit-remaining')).toBe(String(LIMIT - i - 1));
    }
    expect(answers).toEqual([201, 201, 201]);
    const head = await ledger.head();

    const refused = await ledger.post(
      '/v1/organizations',
      { id: 'refused-bureau', name: 'Refused' },
      { token: writer.token },
    );

    expectRateLimited(refused, LIMIT, WINDOW_SECONDS);
    expect(refused.body.detail).toContain(
      `more than ${LIMIT} requests in ${WINDOW_SECONDS} seconds from this principal`,
    );
    expect(await ledger.head()).toBe(head);
    const reader = await principal('supervisor');
    expect((await ledger.get('/v1/organizations/refused-bureau', { token: reader.token })).status).toBe(404);
  });

  it('counts every key of one principal together and leaves other principals alone', async () => {
    const user = await principal('data_user');
    const other = await principal('data_user');
    const secondKey = await patiently(() => ledger.post(`/v1/principals/${user.id}/keys`, undefined));
    expect(secondKey.status).toBe(201);

    expect((await ledger.get('/v1/organizations', { token: user.token })).status).toBe(200);
    expect((await ledger.get('/v1/organizations', { token: secondKey.body.token })).status).toBe(200);
    expect((await ledger.get('/v1/organizations', { token: user.token })).status).toBe(200);
    expectRateLimited(
      await ledger.get('/v1/organizations', { token: secondKey.body.token }),
      LIMIT,
      WINDOW_SECONDS,
    );

    const unaffected = await ledger.get('/v1/organizations', { token: other.token });
    expect(unaffected.status).toBe(200);
    expect(unaffected.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));
  });

  it('lets the principal in again once the window is over', async () => {
    const user = await principal('data_user');
    for (let i = 0; i < LIMIT; i++) await ledger.get('/v1/organizations', { token: user.token });
    const refused = await ledger.get('/v1/organizations', { token: user.token });
    expectRateLimited(refused, LIMIT, WINDOW_SECONDS);

    await waitOut(refused);

    const again = await ledger.get('/v1/organizations', { token: user.token });
    expect(again.status).toBe(200);
    expect(again.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));
  });

  it('never limits the health endpoints and the metrics, with a key or without', async () => {
    const user = await principal('data_user');
    for (let i = 0; i < LIMIT; i++) await ledger.get('/v1/organizations', { token: user.token });
    expect((await ledger.get('/v1/organizations', { token: user.token })).status).toBe(429);

    const statuses = new Set<number>();
    for (let i = 0; i < 3 * LIMIT; i++) {
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        statuses.add((await ledger.get(path, { token: user.token })).status);
        statuses.add((await ledger.get(path, { token: null })).status);
      }
    }
    expect([...statuses]).toEqual([200]);
  });

  it('counts a batch of published events as one request', async () => {
    const created = await patiently(() =>
      ledger.post('/v1/principals', {
        name: 'a gateway',
        role: 'publisher',
        publish: { types: ['DataAccessed'], sources: ['urn:gateway:download'] },
      }),
    );
    const publisher = created.body as { token: string };
    const events = [1, 2].map((n) => ({
      specversion: '1.0',
      id: `batch-event-${n}`,
      source: 'urn:gateway:download',
      type: 'DataAccessed',
      subject: 'usage-nowhere',
      data: { datasetId: 'nowhere', principal: 'someone', channel: 'api', recordCount: 1 },
    }));

    const batch = await ledger.post('/v1/events', events, {
      token: publisher.token,
      contentType: 'application/cloudevents-batch+json',
    });

    expect(batch.status).not.toBe(429);
    expect(batch.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));
  });
});

describe('rate limits per client IP for requests without a key', () => {
  let ledger: LedgerUnderTest;
  let officer: { token: string };
  const FILINGS = 20;
  const ANONYMOUS = 5;
  const datasetId = 'street-lights';

  const correction = () => ({
    datasetId,
    datasetVersion: 1,
    description: 'lamp 12 is listed twice',
    reporter: { name: 'Wang Fang', contact: 'wang.fang@example.cn' },
  });

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start({
      env: {
        // The ledger listens on 127.0.0.1: the test is the proxy, and X-Forwarded-For names the client.
        LEDGER_TRUST_PROXY: '127.0.0.1',
        LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: `${FILINGS}/1h`,
        LEDGER_RATE_LIMIT_ANONYMOUS: `${ANONYMOUS}/1h`,
      },
    });
    officer = await ledger.principal('body_officer', { organizationId: 'lighting-bureau' });
    const registered = await ledger.post(
      '/v1/datasets',
      {
        id: datasetId,
        title: 'Street lights',
        organizationId: 'lighting-bureau',
        classification: 'unconditional',
        classificationBasis: 'public infrastructure',
        fields: ['lamp', 'street'],
        updateFrequency: 'monthly',
      },
      { token: officer.token },
    );
    expect(registered.status).toBe(201);
    const released = await ledger.post(
      `/v1/datasets/${datasetId}/releases`,
      { version: 1, checksum: checksum('v1'), recordCount: 10, format: 'json' },
      { token: officer.token },
    );
    expect(released.status).toBe(201);
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it(`refuses the ${FILINGS + 1}st anonymous filing from one address in the window, writing nothing, and not another address’s`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < FILINGS; i++) {
      const filed = await ledger.post('/v1/corrections', correction(), {
        token: null,
        headers: from('198.51.100.1'),
      });
      statuses.push(filed.status);
    }
    expect(statuses).toEqual(Array(FILINGS).fill(201));
    const head = await ledger.head();

    const refused = await ledger.post('/v1/corrections', correction(), {
      token: null,
      headers: from('198.51.100.1'),
    });
    const objection = await ledger.post(
      '/v1/objections',
      {
        datasetId,
        ground: 'privacy',
        description: 'lamp 12 shows my house',
        objector: { name: 'Wang Fang', contact: 'wang.fang@example.cn' },
      },
      { token: null, headers: from('198.51.100.1') },
    );

    expectRateLimited(refused, FILINGS, 3600);
    expect(refused.body.detail).toContain(
      `more than ${FILINGS} filings without a key in 1 hour from this address`,
    );
    expectRateLimited(objection, FILINGS, 3600);
    expect(await ledger.head()).toBe(head);
    const elsewhere = await ledger.post('/v1/corrections', correction(), {
      token: null,
      headers: from('203.0.113.9'),
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.headers.get('ratelimit-remaining')).toBe(String(FILINGS - 1));
  });

  it('does not count a filing sent with a key against the address', async () => {
    for (let i = 0; i < FILINGS; i++) {
      await ledger.post('/v1/corrections', correction(), { token: null, headers: from('198.51.100.2') });
    }
    expect(
      (await ledger.post('/v1/corrections', correction(), { token: null, headers: from('198.51.100.2') }))
        .status,
    ).toBe(429);

    const withKey = await ledger.post('/v1/corrections', correction(), {
      token: officer.token,
      headers: from('198.51.100.2'),
    });

    expect(withKey.status).toBe(201);
  });

  it('counts other requests without a key per address under their own limit, apart from filings', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < ANONYMOUS + 1; i++) {
      statuses.push(
        (await ledger.get('/v1/public/open-list', { token: null, headers: from('198.51.100.3') })).status,
      );
    }
    expect(statuses).toEqual([...Array(ANONYMOUS).fill(200), 429]);
    const refused = await ledger.get('/v1/public/open-list', { token: null, headers: from('198.51.100.3') });
    expectRateLimited(refused, ANONYMOUS, 3600);
    expect(refused.body.detail).toContain(
      `more than ${ANONYMOUS} requests without a key in 1 hour from this address`,
    );

    // The same address may still file, and reads with a key are counted per principal.
    expect(
      (await ledger.post('/v1/corrections', correction(), { token: null, headers: from('198.51.100.3') }))
        .status,
    ).toBe(201);
    expect(
      (await ledger.get('/v1/public/open-list', { token: officer.token, headers: from('198.51.100.3') }))
        .status,
    ).toBe(200);
  });

  it('never limits the health endpoints and the metrics', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 2 * ANONYMOUS; i++) {
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        statuses.add((await ledger.get(path, { token: null, headers: from('198.51.100.4') })).status);
      }
    }
    expect([...statuses]).toEqual([200]);
  });

  it('counts the address X-Forwarded-For names only when the peer is a trusted proxy', async () => {
    // Without LEDGER_TRUST_PROXY every request is counted under the peer's address, whatever it claims.
    const direct = await LedgerUnderTest.start({ env: { LEDGER_RATE_LIMIT_ANONYMOUS: '2/1h' } });
    try {
      const statuses: number[] = [];
      for (const ip of ['198.51.100.5', '198.51.100.6', '198.51.100.7']) {
        statuses.push((await direct.get('/v1/public/open-list', { token: null, headers: from(ip) })).status);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await direct.stop();
    }
  });
});
