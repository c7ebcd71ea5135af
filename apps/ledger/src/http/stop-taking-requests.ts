import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Problem, sendProblem } from './problem';

/** Apps that are stopping: every request they receive from then on is answered 503. */
const stopping = new WeakSet<FastifyInstance>();

/** Seconds a refused client is told to wait (another instance, or this one restarted, takes it). */
const RETRY_AFTER_SECONDS = '5';

/** When each stopping app last refused a request. */
const lastRefusalAt = new WeakMap<FastifyInstance, number>();

/**
 * While the ledger stops, every request that arrives is answered 503 (ShuttingDown, Retry-After,
 * Connection: close) before anything else runs for it; the client resends it elsewhere or later,
 * with the same event ids. Installed by createLedgerApp; switched on by stopTakingRequests.
 */
export function refuseRequestsWhileStopping(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (_request, reply) => {
    if (!stopping.has(fastify)) return;
    lastRefusalAt.set(fastify, Date.now());
    await sendProblem(
      reply,
      new Problem(503, 'ShuttingDown', 'the ledger is stopping; retry shortly', {
        headers: { connection: 'close', 'retry-after': RETRY_AFTER_SECONDS },
      }),
    );
    return reply;
  });
}

export interface StopTakingRequestsOptions {
  /** The listener closes once no request has come for this long (default 250 ms)… */
  quietMs?: number;
  /** …or after this long at most (default 2 s). */
  maxWaitMs?: number;
}

/**
 * The first step of stopping the API, before Nest's hooks and Fastify's close (which then waits for
 * the requests in flight): every request from now on is answered 503 (ShuttingDown, Retry-After,
 * Connection: close), on a connection already open or a new one, until none has come for `quietMs`
 * (at most `maxWaitMs`); then the listener closes and new connections are refused.
 *
 * Neither the listener nor the open connections are closed at once, as http.Server#close would:
 * a connection still in the listen backlog (the event loop busy, as an embedded ledger's is under
 * load) would be reset by the kernel, and one idle in keep-alive with a request already on its way
 * would be dropped — to the client, a reset it cannot tell from a crash. Answered 503 instead, the
 * client knows nothing was done and resends, with the same event ids, elsewhere or later.
 */
export async function stopTakingRequests(
  app: NestFastifyApplication,
  options: StopTakingRequestsOptions = {},
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const server = app.getHttpServer() as Server;
  const quietMs = options.quietMs ?? 250;
  const started = Date.now();
  stopping.add(fastify);
  lastRefusalAt.set(fastify, started);
  const deadline = started + (options.maxWaitMs ?? 2_000);
  for (;;) {
    const quietUntil = (lastRefusalAt.get(fastify) ?? started) + quietMs;
    const wait = Math.min(quietUntil, deadline) - Date.now();
    if (wait <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  // net.Server's close: stops listening, without http.Server's closing of the idle connections.
  if (server.listening) NetServer.prototype.close.call(server);
}
