import { isIP } from 'node:net';

/** At most `max` requests per `windowMs` (a fixed window that starts with the first request). */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/** The ledger's rate limits; an absent limit is off. */
export interface RateLimitSettings {
  /** Every request made with an API key or a JWT, counted per principal (all its keys together). */
  perPrincipal?: RateLimit;
  /** POST /v1/corrections and POST /v1/objections without credentials, counted per client IP. */
  anonymousFilings?: RateLimit;
  /** Every other request without credentials, counted per client IP. */
  anonymous?: RateLimit;
}

/**
 * Fastify's `trustProxy`: false (the client is the socket's peer), the number of proxy hops in front
 * of the ledger, or the proxies' addresses and subnets (and proxy-addr's `loopback`, `linklocal`,
 * `uniquelocal`). It decides which address X-Forwarded-For yields as the client's, so the per-IP limits
 * count the client rather than the proxy.
 */
export type TrustProxySetting = false | number | string[];

/** What the HTTP edge needs: rate limits, the proxies to trust, HSTS. Part of LedgerConfig. */
export interface HttpEdgeSettings {
  rateLimits: RateLimitSettings;
  trustProxy: TrustProxySetting;
  /** Strict-Transport-Security max-age in seconds; 0 sends no such header. */
  hstsMaxAgeSeconds: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** 180 days: long enough to matter, short enough to undo a mistake within a season. */
export const DEFAULT_HSTS_MAX_AGE_SECONDS = 15_552_000;
const MAX_HSTS_MAX_AGE_SECONDS = 63_072_000;
const MAX_PROXY_HOPS = 20;
const PROXY_ADDRESS_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

const RATE_LIMITS = [
  {
    name: 'LEDGER_RATE_LIMIT_PER_PRINCIPAL',
    key: 'perPrincipal',
    // A gateway publishing usage, or a body's catalogue system, is one principal sending thousands a
    // minute: the default stops a runaway client, not a busy service.
    max: 60_000,
    windowMs: MINUTE,
    per: 'minute',
  },
  {
    name: 'LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS',
    key: 'anonymousFilings',
    max: 20,
    windowMs: HOUR,
    per: 'hour',
  },
  { name: 'LEDGER_RATE_LIMIT_ANONYMOUS', key: 'anonymous', max: 300, windowMs: MINUTE, per: 'minute' },
] as const;

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, min: MINUTE, h: HOUR };
const MIN_WINDOW_MS = 100;
const MAX_WINDOW_MS = 24 * HOUR;
const MAX_REQUESTS = 1_000_000_000;

/** Reads LEDGER_RATE_LIMIT_*, LEDGER_TRUST_PROXY and LEDGER_HSTS, adding what is wrong to `problems`. */
export function readHttpEdgeSettings(
  text: (name: string) => string | undefined,
  problems: string[],
): HttpEdgeSettings {
  const rateLimits: RateLimitSettings = {};
  for (const limit of RATE_LIMITS) {
    const raw = text(limit.name);
    const parsed =
      raw === undefined ? { max: limit.max, windowMs: limit.windowMs } : parseRateLimit(raw, limit.windowMs);
    if (parsed === null) {
      problems.push(
        `${limit.name} must be off (or 0), a number of requests per ${limit.per}, or N/<window> such as 600/30s or 20/1h (window from 100ms to 24h), not ${JSON.stringify(raw)}`,
      );
    } else if (parsed !== undefined) {
      rateLimits[limit.key] = parsed;
    }
  }
  return {
    rateLimits,
    trustProxy: readTrustProxy(text('LEDGER_TRUST_PROXY'), problems),
    hstsMaxAgeSeconds: readHsts(text('LEDGER_HSTS'), problems),
  };
}

/** `off`/`0`: undefined; `N` or `N/<duration>`: the limit; anything else: null. */
export function parseRateLimit(raw: string, defaultWindowMs: number): RateLimit | undefined | null {
  const value = raw.trim().toLowerCase();
  if (value === 'off' || value === '0') return undefined;
  const match = /^(\d{1,10})(?:\s*\/\s*(\d{1,8})?\s*(ms|s|min|m|h))?$/.exec(value);
  if (!match) return null;
  const max = Number(match[1]);
  const windowMs =
    match[3] === undefined ? defaultWindowMs : Number(match[2] ?? 1) * DURATION_UNITS[match[3]];
  if (max < 1 || max > MAX_REQUESTS || windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) return null;
  return { max, windowMs };
}

function readTrustProxy(raw: string | undefined, problems: string[]): TrustProxySetting {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === 'off' || value === 'false' || value === '0') return false;
  if (value === 'on' || value === 'true' || value === 'all' || value === '*') {
    problems.push(
      'LEDGER_TRUST_PROXY must name the proxies (addresses or subnets) or give their number of hops: trusting every sender of X-Forwarded-For would let any client choose the address it is counted under',
    );
    return false;
  }
  if (/^\d{1,3}$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && hops <= MAX_PROXY_HOPS) return hops;
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const wrong = entries.filter((entry) => !isProxyAddress(entry));
  if (entries.length === 0 || wrong.length > 0 || /^\d+$/.test(value)) {
    problems.push(
      `LEDGER_TRUST_PROXY must be off, a number of proxy hops from 1 to ${MAX_PROXY_HOPS}, or a comma-separated list of proxy addresses or subnets (e.g. 10.0.0.0/8,::1, or loopback, linklocal, uniquelocal), not ${JSON.stringify(raw)}`,
    );
    return false;
  }
  return entries;
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_ADDRESS_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function readHsts(raw: string | undefined, problems: string[]): number {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === 'on') return DEFAULT_HSTS_MAX_AGE_SECONDS;
  if (value === 'off') return 0;
  if (/^\d{1,9}$/.test(value) && Number(value) <= MAX_HSTS_MAX_AGE_SECONDS) return Number(value);
  problems.push(
    `LEDGER_HSTS must be on (max-age ${DEFAULT_HSTS_MAX_AGE_SECONDS} s, 180 days), off, or a max-age in seconds up to ${MAX_HSTS_MAX_AGE_SECONDS}, not ${JSON.stringify(raw)}`,
  );
  return DEFAULT_HSTS_MAX_AGE_SECONDS;
}
