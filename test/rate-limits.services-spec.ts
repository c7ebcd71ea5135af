import { HttpAnswer, LedgerUnderTest } from './support/ledger-under-test';
import { ScratchRedis } from './support/scratch-redis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rate limits on Redis (issue 7, npm run test:services): the counters live in Redis, so every API
 * instance of one ledger counts together; and a Redis that goes away lets requests through rather
 * than failing them. In memory: rate-limits.e2e-spec.ts.
 */
describe('rate limits shared by two instances through Redis', () => {
  let first: LedgerUnderTest;
  let second: LedgerUnderTest;
  const PER_PRINCIPAL = 4;
  const ANONYMOUS = 3;
  const env = {
    LEDGER_RATE_LIMIT_PER_PRINCIPAL: `${PER_PRINCIPAL}/1m`,
    LEDGER_RATE_LIMIT_ANONYMOUS: `${ANONYMOUS}/1m`,
    LEDGER_TRUST_PROXY: '127.0.0.1',
  };

  beforeAll(async () => {
    first = await LedgerUnderTest.start({ env });
    // A second API process on the same journal and the same Redis, as a split deployment runs them.
    second = await LedgerUnderTest.start({
      database: first.database,
      bootstrapToken: first.adminToken,
      env: { ...env, LEDGER_PROCESS: 'api', LEDGER_SEQUENCER: 'off' },
    });
  });

  afterAll(async () => {
    await second?.stop({ keepDatabase: true });
    await first?.stop();
  });

  it('counts a principal’s requests to either instance against one limit', async () => {
    const user = await first.principal('data_user');
    const answers: HttpAnswer[] = [];
    for (const ledger of [first, second, first, second]) {
      answers.push(await ledger.get('/v1/organizations', { token: user.token }));
    }

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((answer) => answer.headers.get('ratelimit-remaining'))).toEqual(['3', '2', '1', '0']);
    for (const ledger of [first, second]) {
      const refused = await ledger.get('/v1/organizations', { token: user.token });
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('RateLimited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('counts an address’s requests without a key to either instance against one limit', async () => {
    const from = { 'x-forwarded-for': '198.51.100.20' };
    const statuses: number[] = [];
    for (const ledger of [first, second, first, second]) {
      statuses.push((await ledger.get('/v1/public/open-list', { token: null, headers: from })).status);
    }

    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('rate limits while Redis is down', () => {
  let redis: ScratchRedis;
  let ledger: LedgerUnderTest;
  const LIMIT = 2;

  beforeAll(async () => {
    redis = await ScratchRedis.start();
    ledger = await LedgerUnderTest.start({
      env: { REDIS_URL: redis.url, LEDGER_RATE_LIMIT_PER_PRINCIPAL: `${LIMIT}/1m` },
    });
  });

  afterAll(async () => {
    // The job runner's BullMQ workers reconnect up to 2 s after Redis is back, and closing them before
    // they have hangs the shutdown (so does closing them while Redis is down): a job-runner matter, not
    // the limits' (it happens with them off too). Give them that time.
    await sleep(2_500);
    await ledger?.stop();
    await redis?.kill();
  });

  it('lets requests through unlimited while the counters cannot be reached, and limits again once Redis is back', async () => {
    const user = await ledger.principal('data_user');
    for (let i = 0; i < LIMIT; i++) {
      expect((await ledger.get('/v1/organizations', { token: user.token })).status).toBe(200);
    }
    expect((await ledger.get('/v1/organizations', { token: user.token })).status).toBe(429);

    await redis.kill();
    const during: HttpAnswer[] = [];
    for (let i = 0; i < 3 * LIMIT; i++)
      during.push(await ledger.get('/v1/organizations', { token: user.token }));

    expect(during.map((answer) => answer.status)).toEqual(Array(3 * LIMIT).fill(200));
    // No count was kept, so none is reported.
    expect(during.every((answer) => answer.headers.get('ratelimit-remaining') === null)).toBe(true);

    // Redis comes back empty: once the connection is up again, counting starts afresh.
    await redis.start();
    const deadline = Date.now() + 15_000;
    let counted: HttpAnswer | undefined;
    while (Date.now() < deadline) {
      const answer = await ledger.get('/v1/organizations', { token: user.token });
      if (answer.headers.get('ratelimit-remaining') !== null) {
        counted = answer;
        break;
      }
      await sleep(200);
    }
    expect(counted?.status).toBe(200);
    for (let i = Number(counted?.headers.get('ratelimit-remaining')); i > 0; i--) {
      await ledger.get('/v1/organizations', { token: user.token });
    }
    expect((await ledger.get('/v1/organizations', { token: user.token })).status).toBe(429);
  });
});
