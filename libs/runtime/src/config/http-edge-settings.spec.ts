import { DEFAULT_HSTS_MAX_AGE_SECONDS, parseRateLimit, readHttpEdgeSettings } from './http-edge-settings';
import { ConfigurationError, loadConfig } from './ledger-config';

const MINUTE = 60_000;
const HOUR = 3_600_000;

function settingsFrom(env: Record<string, string>) {
  const problems: string[] = [];
  const settings = readHttpEdgeSettings((name) => (env[name] === '' ? undefined : env[name]), problems);
  return { settings, problems };
}

describe('the HTTP edge settings', () => {
  describe('a rate limit', () => {
    it.each([
      ['1200', { max: 1200, windowMs: MINUTE }],
      ['20/h', { max: 20, windowMs: HOUR }],
      ['20/1h', { max: 20, windowMs: HOUR }],
      ['3/2s', { max: 3, windowMs: 2_000 }],
      ['600/30s', { max: 600, windowMs: 30_000 }],
      ['100/5min', { max: 100, windowMs: 5 * MINUTE }],
      ['10/1m', { max: 10, windowMs: MINUTE }],
      ['5/250ms', { max: 5, windowMs: 250 }],
      [' 7 / 2S ', { max: 7, windowMs: 2_000 }],
    ])('reads %j as requests per window', (text, limit) => {
      expect(parseRateLimit(text, MINUTE)).toEqual(limit);
    });

    it.each(['off', 'OFF', '0'])('is switched off by %j', (text) => {
      expect(parseRateLimit(text, MINUTE)).toBeUndefined();
    });

    it.each(['-1', '1.5', 'many', '20/', '20/d', '20/50ms', '20/25h', '1/0s', '20 per hour', '99999999999'])(
      'is refused as %j',
      (text) => {
        expect(parseRateLimit(text, MINUTE)).toBeNull();
      },
    );
  });

  it('defaults to 60,000 a minute per principal, 20 filings an hour and 300 other requests a minute per anonymous IP', () => {
    expect(settingsFrom({})).toEqual({
      settings: {
        rateLimits: {
          perPrincipal: { max: 60_000, windowMs: MINUTE },
          anonymousFilings: { max: 20, windowMs: HOUR },
          anonymous: { max: 300, windowMs: MINUTE },
        },
        trustProxy: false,
        hstsMaxAgeSeconds: DEFAULT_HSTS_MAX_AGE_SECONDS,
      },
      problems: [],
    });
  });

  it('leaves out the limits that are off', () => {
    const { settings } = settingsFrom({
      LEDGER_RATE_LIMIT_PER_PRINCIPAL: 'off',
      LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: '0',
      LEDGER_RATE_LIMIT_ANONYMOUS: '50/10s',
    });
    expect(settings.rateLimits).toEqual({ anonymous: { max: 50, windowMs: 10_000 } });
  });

  it('reports a bad limit by name, with the forms it accepts', () => {
    expect(settingsFrom({ LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: 'lots' }).problems).toEqual([
      'LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS must be off (or 0), a number of requests per hour, or N/<window> such as 600/30s or 20/1h (window from 100ms to 24h), not "lots"',
    ]);
  });

  describe('LEDGER_TRUST_PROXY', () => {
    it.each([
      [undefined, false],
      ['off', false],
      ['0', false],
      ['1', 1],
      ['2', 2],
      ['127.0.0.1', ['127.0.0.1']],
      ['10.0.0.0/8, 192.168.1.10 ,::1', ['10.0.0.0/8', '192.168.1.10', '::1']],
      ['fd00::/8', ['fd00::/8']],
      ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
    ])('reads %j as %j', (text, trustProxy) => {
      const { settings, problems } = settingsFrom(text === undefined ? {} : { LEDGER_TRUST_PROXY: text });
      expect({ trustProxy: settings.trustProxy, problems }).toEqual({ trustProxy, problems: [] });
    });

    it.each(['true', 'on', 'all', '*'])(
      'refuses %j: any client could choose the address it is counted under',
      (text) => {
        expect(settingsFrom({ LEDGER_TRUST_PROXY: text }).problems).toEqual([
          expect.stringContaining('LEDGER_TRUST_PROXY must name the proxies'),
        ]);
      },
    );

    it.each(['21', 'proxy.internal', '10.0.0.0/33', '::1/129', '10.0.0.1/8/2', '10.0.0.1,,nope'])(
      'refuses %j',
      (text) => {
        expect(settingsFrom({ LEDGER_TRUST_PROXY: text }).problems).toEqual([
          expect.stringMatching(
            /^LEDGER_TRUST_PROXY must be off, a number of proxy hops from 1 to 20, or a comma-separated list/,
          ),
        ]);
      },
    );
  });

  describe('LEDGER_HSTS', () => {
    it.each([
      [undefined, DEFAULT_HSTS_MAX_AGE_SECONDS],
      ['on', DEFAULT_HSTS_MAX_AGE_SECONDS],
      ['off', 0],
      ['0', 0],
      ['86400', 86_400],
    ])('reads %j as a max-age of %d seconds', (text, maxAge) => {
      expect(settingsFrom(text === undefined ? {} : { LEDGER_HSTS: text }).settings.hstsMaxAgeSeconds).toBe(
        maxAge,
      );
    });

    it.each(['yes', '-1', '63072001'])('refuses %j', (text) => {
      expect(settingsFrom({ LEDGER_HSTS: text }).problems).toEqual([
        expect.stringMatching(/^LEDGER_HSTS must be on/),
      ]);
    });
  });

  it('makes loadConfig refuse to start on a bad value, with every problem at once', () => {
    const env = {
      LEDGER_RATE_LIMIT_PER_PRINCIPAL: 'fast',
      LEDGER_TRUST_PROXY: 'true',
      LEDGER_HSTS: 'always',
    };
    let refusal: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigurationError);
    expect((refusal as Error).message.split('\n- ').slice(1)).toEqual([
      expect.stringMatching(/^LEDGER_RATE_LIMIT_PER_PRINCIPAL must be/),
      expect.stringMatching(/^LEDGER_TRUST_PROXY must/),
      expect.stringMatching(/^LEDGER_HSTS must/),
    ]);
  });
});
