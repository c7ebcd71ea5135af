import { Inject, Injectable } from '@nestjs/common';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  LEDGER_CONFIG,
  LedgerConfig,
  LOGGER,
  Logger,
  queuePrefixOf,
  RateLimit,
  REDIS,
  type Redis,
} from '@ledger/runtime';
import type { LedgerRequestContext } from '../access/access.decorators';
import { Problem } from '../http/problem';

type Check = ReturnType<FastifyInstance['createRateLimit']>;

interface Bucket {
  limit: RateLimit;
  check: Check;
  /** What was exceeded, for the problem's detail. */
  refusal: (limit: RateLimit) => string;
}

/** The two anonymous filings (http-api.md: "no login needed"), by route and method. */
const ANONYMOUS_FILING_ROUTES = new Set(['POST /v1/corrections', 'POST /v1/objections']);
/** Probes and scrapers must always get through; the queue board checks platform-admin credentials of its own. */
const UNLIMITED_PATHS = ['/health', '/metrics', '/v1/admin/queues'];
/** A limiter store that does not answer in this time is treated as down. */
const STORE_TIMEOUT_MS = 1_000;
/** While the store is down, one warning per this period rather than one per request. */
const STORE_WARNING_INTERVAL_MS = 60_000;

/**
 * The ledger's rate limits (issue 7) on @fastify/rate-limit's counters — in Redis when REDIS_URL is
 * set, shared by every process of the ledger; in memory otherwise:
 * - per principal, for requests with an API key or a JWT, all of a principal's keys together: checked
 *   by RateLimitGuard, after the authentication guard has said who the principal is;
 * - per client IP, for requests without credentials: anonymous filings (POST /v1/corrections and
 *   POST /v1/objections) under their own stricter limit, everything else under the anonymous limit.
 *   Whether a request is anonymous is known from its headers alone, so this runs in an onRequest hook,
 *   before the body is even read.
 * /health/*, /metrics and the queue board are never limited. A limiter whose store fails or stalls
 * lets the request through and logs a warning: the limiter must not take the ledger down with Redis.
 * A refusal is 429 RateLimited with Retry-After; every limited answer carries RateLimit-* and
 * X-RateLimit-* headers.
 */
@Injectable()
export class RateLimits {
  private perPrincipal?: Bucket;
  private anonymousFilings?: Bucket;
  private anonymous?: Bucket;
  private storeWarnedAt = 0;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Registers the plugin, the limiters and the anonymous hook; call before the app starts listening. */
  async install(fastify: FastifyInstance): Promise<void> {
    await fastify.register(fastifyRateLimit, {
      global: false,
      // Store errors reach enforce(), which logs them and lets the request through.
      skipOnError: false,
      ...(this.redis && {
        redis: this.redis,
        // Every process of this ledger counts together; other ledgers on the same Redis apart.
        nameSpace: `${queuePrefixOf(this.config)}:rate-limit:`,
      }),
    });
    const { perPrincipal, anonymousFilings, anonymous } = this.config.rateLimits;
    const clientIp = (request: FastifyRequest) => normalizeIP(request.ip);
    this.perPrincipal = bucket(
      fastify,
      perPrincipal,
      (request) => `principal:${principalIdOf(request)}`,
      (limit) =>
        `more than ${limit.max} requests in ${duration(limit.windowMs)} from this principal (all its keys and sign-ins count together)`,
    );
    this.anonymousFilings = bucket(
      fastify,
      anonymousFilings,
      (request) => `filing:${clientIp(request)}`,
      (limit) =>
        `more than ${limit.max} filings without a key in ${duration(limit.windowMs)} from this address; a filing sent with an API key is not counted here`,
    );
    this.anonymous = bucket(
      fastify,
      anonymous,
      (request) => `anonymous:${clientIp(request)}`,
      (limit) =>
        `more than ${limit.max} requests without a key in ${duration(limit.windowMs)} from this address; requests with an API key are counted per principal instead`,
    );
    fastify.addHook('onRequest', async (request, reply) => this.limitAnonymous(request, reply));
  }

  /** Counts a request of an authenticated principal; throws 429 RateLimited over the limit. */
  async limitPrincipal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (this.perPrincipal && !isUnlimited(request)) await this.enforce(this.perPrincipal, request, reply);
  }

  private async limitAnonymous(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.headers.authorization !== undefined || isUnlimited(request)) return;
    const filing = ANONYMOUS_FILING_ROUTES.has(`${request.method} ${request.routeOptions.url}`);
    const limiter = filing ? this.anonymousFilings : this.anonymous;
    if (limiter) await this.enforce(limiter, request, reply);
  }

  private async enforce(limiter: Bucket, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let outcome: Awaited<ReturnType<Check>>;
    try {
      outcome = await withTimeout(limiter.check(request), STORE_TIMEOUT_MS);
    } catch (error) {
      this.warnStoreDown(error);
      return;
    }
    if (outcome.isAllowed) return;
    const resetSeconds = Math.max(1, outcome.ttlInSeconds);
    const headers = {
      'ratelimit-limit': String(outcome.max),
      'ratelimit-remaining': String(outcome.remaining),
      'ratelimit-reset': String(resetSeconds),
      'x-ratelimit-limit': String(outcome.max),
      'x-ratelimit-remaining': String(outcome.remaining),
      'x-ratelimit-reset': String(resetSeconds),
    };
    if (!outcome.isExceeded) {
      reply.headers(headers);
      return;
    }
    this.logger.debug({ key: outcome.key, url: request.url }, 'rate limited');
    throw new Problem(
      429,
      'RateLimited',
      `${limiter.refusal(limiter.limit)}; retry in ${resetSeconds} ${resetSeconds === 1 ? 'second' : 'seconds'}`,
      { headers: { ...headers, 'retry-after': String(resetSeconds) } },
    );
  }

  private warnStoreDown(error: unknown): void {
    if (Date.now() - this.storeWarnedAt < STORE_WARNING_INTERVAL_MS) return;
    this.storeWarnedAt = Date.now();
    this.logger.warn(
      { err: error },
      'rate limits: the counter store (Redis) failed; requests go through unlimited until it answers again',
    );
  }
}

function bucket(
  fastify: FastifyInstance,
  limit: RateLimit | undefined,
  key: (request: FastifyRequest) => string,
  refusal: (limit: RateLimit) => string,
): Bucket | undefined {
  if (!limit) return undefined;
  const check = fastify.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: key });
  return { limit, check, refusal };
}

/** Set by the authentication guard; RateLimitGuard counts only requests that have one. */
function principalIdOf(request: FastifyRequest & LedgerRequestContext): string | undefined {
  return request.principal?.id;
}

/** The path itself or anything under it, whether a route matched or not. */
function isUnlimited(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url.split('?', 1)[0];
  return UNLIMITED_PATHS.some((unlimited) => path === unlimited || path.startsWith(`${unlimited}/`));
}

/** "1 minute", "2 hours", "30 seconds", "250 ms": the window as the refusal names it. */
function duration(ms: number): string {
  const units: [number, string][] = [
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1_000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the rate-limit store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
