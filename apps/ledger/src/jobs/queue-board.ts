import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import {
  JOURNAL,
  LEDGER_CONFIG,
  LedgerConfig,
  LOGGER,
  Logger,
  outboxCounts,
  queuePrefixOf,
} from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { authorizationOf, mayCall } from '../access/authorization-matrix';
import { BearerCredentials, MALFORMED } from '../access/bearer-credentials';
import { Problem, sendProblem } from '../http/problem';
import {
  expiredSessionCookie,
  QUEUE_BOARD_PATH,
  sessionTokenOf,
  SIGN_IN_PAGE,
  SIGN_IN_PAGE_CSP,
} from './admin-session';

/** How often the board looks in the job outbox for queues it does not show yet. */
const QUEUE_DISCOVERY_MS = 10_000;

/**
 * The queues' admin view (issue 5): bull-board at /v1/admin/queues, over the ledger's BullMQ queues
 * (those the job outbox names, under this ledger's key prefix), read-only — every job comes from the
 * outbox, which hands it over again as it sees fit, so retrying, promoting or removing jobs by hand is
 * not offered (bull-board refuses those calls with 405). The UI, its assets and its API are routes of
 * their own in Fastify, outside Nest's guard, so a hook in their scope checks the caller as the guard
 * does — platform admins only — taking the key from `Authorization: Bearer` or from the session
 * cookie of POST /v1/admin/session; a browser without one gets a sign-in page. Without Redis there
 * are no queues to show: the route answers 404 NoQueueBoard, pointing to GET /v1/admin/jobs.
 */
@Injectable()
export class QueueBoard implements OnModuleInit, OnApplicationShutdown {
  private redis?: Redis;
  private readonly queues = new Map<string, Queue>();
  private board?: ReturnType<typeof createBullBoard>;
  private discoveredAt = 0;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly credentials: BearerCredentials,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(JOURNAL) private readonly journal: Journal,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.admit(request, reply));
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store').header('x-frame-options', 'DENY');
      });
      if (this.config.redisUrl) await this.mountBoard(scope, this.config.redisUrl);
      else this.mountEmbeddedAnswer(scope);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.redis?.disconnect();
  }

  private async mountBoard(scope: FastifyInstance, url: string): Promise<void> {
    // One connection for every queue shown; it fails fast while Redis is away (the board shows the error).
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 500, 2_000),
    });
    this.redis.on('error', (error) =>
      this.logger.debug({ err: error }, 'queue board: redis connection error'),
    );
    const serverAdapter = new BullBoardFastifyAdapter();
    this.board = createBullBoard({
      queues: [],
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Open Data Ledger jobs' } },
    });
    scope.addHook('preHandler', async () => this.discoverQueues());
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  }

  private mountEmbeddedAnswer(scope: FastifyInstance): void {
    const answer = async (_request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(
        reply,
        new Problem(
          404,
          'NoQueueBoard',
          'jobs run in this process (no REDIS_URL is set), so there are no BullMQ queues to show; GET /v1/admin/jobs shows the jobs per queue and state, and the job outbox',
          { jobs: '/v1/admin/jobs' },
        ),
      );
    for (const url of [QUEUE_BOARD_PATH, `${QUEUE_BOARD_PATH}/*`]) {
      scope.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'], url, handler: answer });
    }
  }

  /**
   * The roles the authorisation matrix names (platform admins), by the Authorization header (an API key
   * or a JWT) or else the session cookie (which holds one of the two).
   */
  private async admit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const header = request.headers.authorization;
    const fromCookie = header === undefined ? sessionTokenOf(request.headers.cookie) : undefined;
    if (header === undefined && fromCookie === undefined) {
      return refuse(
        request,
        reply,
        'MissingCredentials',
        'send Authorization: Bearer <API key or JWT>, or open a browser session with POST /v1/admin/session',
      );
    }
    const principal = await this.credentials.principalOf(header ?? `Bearer ${fromCookie}`);
    if (principal === MALFORMED) {
      if (fromCookie !== undefined) reply.header('set-cookie', expiredSessionCookie());
      return refuse(
        request,
        reply,
        'InvalidCredentials',
        'the Authorization header must be "Bearer <API key>"',
      );
    }
    if (!principal) {
      if (fromCookie !== undefined) reply.header('set-cookie', expiredSessionCookie());
      return refuse(request, reply, 'InvalidCredentials', 'the API key is unknown or revoked');
    }
    const { entry } = authorizationOf(request.method, request.routeOptions.url);
    if (!entry || !mayCall(entry, principal.role)) {
      const who = entry && entry.who !== 'public' ? entry.who.join(', ') : 'nobody';
      return sendProblem(
        reply,
        Problem.forbidden(
          `the queue board is for ${who} (the authorisation matrix); you are a ${principal.role}`,
        ),
      );
    }
    return undefined;
  }

  /** Adds a board queue for every queue the job outbox names that the board does not show yet. */
  private async discoverQueues(): Promise<void> {
    if (!this.board || !this.redis || Date.now() - this.discoveredAt < QUEUE_DISCOVERY_MS) return;
    this.discoveredAt = Date.now();
    try {
      for (const { queue: name } of await outboxCounts(this.journal.database)) {
        if (this.queues.has(name)) continue;
        const queue = new Queue(name, { connection: this.redis, prefix: queuePrefixOf(this.config) });
        queue.on('error', (error) =>
          this.logger.debug({ err: error, queue: name }, 'queue board: queue error'),
        );
        this.queues.set(name, queue);
        this.board.addQueue(new BullMQAdapter(queue, { readOnlyMode: true }));
      }
    } catch (error) {
      this.discoveredAt = 0;
      this.logger.warn({ err: error }, 'queue board: could not read the queue names from the job outbox');
    }
  }
}

/** 401: a sign-in page for a browser finding its way here, a problem for anyone else. */
function refuse(request: FastifyRequest, reply: FastifyReply, code: string, detail: string): FastifyReply {
  const browser = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
  if (browser) {
    return reply
      .code(401)
      .header('content-security-policy', SIGN_IN_PAGE_CSP)
      .type('text/html; charset=utf-8')
      .send(SIGN_IN_PAGE);
  }
  return sendProblem(
    reply,
    new Problem(401, code, detail, { headers: { 'www-authenticate': 'Bearer realm="open-data-ledger"' } }),
  );
}
