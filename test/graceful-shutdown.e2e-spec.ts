import { request as httpRequest, Agent, IncomingHttpHeaders } from 'node:http';
import pino from 'pino';
import { EVENT_STORE, stopOnSignals } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { stopTakingRequests } from '../apps/ledger/src/http/stop-taking-requests';
import { LedgerUnderTest } from './support/ledger-under-test';
import { testBackend } from './support/test-backend';

const SIGNAL = 'SIGUSR2';
const SOURCE = 'urn:test:gateway';

interface Outcome {
  status?: number;
  headers?: IncomingHttpHeaders;
  body?: string;
  error?: string;
}

/** One request over node:http, on `agent`'s kept-alive connection, or on a new one (agent: false). */
function send(
  url: string,
  options: { method: string; path: string; agent: Agent | false; token?: string; body?: unknown },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = httpRequest(
      `${url}${options.path}`,
      {
        method: options.method,
        agent: options.agent,
        headers: {
          ...(options.token && { authorization: `Bearer ${options.token}` }),
          ...(body !== undefined && { 'content-type': 'application/cloudevents+json' }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(body);
  });
}

function anEvent(n: number) {
  return {
    specversion: '1.0',
    id: `stop-${n}-${Math.random().toString(36).slice(2)}`,
    source: SOURCE,
    type: 'DataAccessed',
    data: { datasetId: 'ds-1', principal: `user-${n}`, channel: 'api', recordCount: n },
  };
}

/**
 * What the ledger does on SIGTERM (apps/ledger/src/main.ts: stopOnSignals with stopTakingRequests
 * first), on the suite's backend: every request from then on answered 503 — on a connection already
 * open (not reset, as Fastify's close alone did) or a new one — the requests in flight answered,
 * everything closed, exit code 0, and then new connections refused.
 */
describe(`stopping on SIGTERM, on ${testBackend()}`, () => {
  it('answers 503 on open and new connections, finishes the appends in flight, exits 0, then refuses connections', async () => {
    const ledger = await LedgerUnderTest.start();
    const publisher = await ledger.principal('publisher', {
      publish: { types: ['DataAccessed'], sources: [SOURCE] },
    });
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    let exited: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (exited = resolve));
    let closed = false;
    expect(process.listenerCount(SIGNAL)).toBe(0);
    const unsubscribe = stopOnSignals(
      {
        close: async () => {
          await ledger.stop();
          closed = true;
        },
      },
      {
        logger: pino({ level: 'silent' }),
        signals: [SIGNAL],
        exit: (code) => exited(code),
        before: () => stopTakingRequests(ledger.app),
      },
    );
    try {
      // A connection that stays open, idle, through the signal.
      expect((await send(ledger.url, { method: 'GET', path: '/health/live', agent: keptAlive })).status).toBe(
        200,
      );

      // Appends that are being written when the signal comes: each waits 300 ms inside the store.
      const store = ledger.app.get<EventStore>(EVENT_STORE);
      const appendMany = store.appendMany.bind(store);
      let entered = 0;
      store.appendMany = async (appends) => {
        entered += 1;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return appendMany(appends);
      };
      const inFlight = Array.from({ length: 16 }, (_, i) =>
        send(ledger.url, {
          method: 'POST',
          path: '/v1/events',
          agent: false,
          token: publisher.token,
          body: anEvent(i),
        }),
      );
      while (entered < 16) await new Promise((resolve) => setTimeout(resolve, 5));
      process.emit(SIGNAL, SIGNAL);

      const onOpenConnection = await send(ledger.url, {
        method: 'POST',
        path: '/v1/events',
        agent: keptAlive,
        token: publisher.token,
        body: anEvent(99),
      });
      const onNewConnection = await send(ledger.url, {
        method: 'POST',
        path: '/v1/events',
        agent: false,
        token: publisher.token,
        body: anEvent(98),
      });
      const answers = await Promise.all(inFlight);

      expect(onOpenConnection).toMatchObject({
        status: 503,
        headers: { connection: 'close', 'retry-after': '5' },
      });
      expect(JSON.parse(onOpenConnection.body as string)).toMatchObject({
        status: 503,
        code: 'ShuttingDown',
      });
      expect(onNewConnection).toMatchObject({ status: 503, headers: { connection: 'close' } });
      // Every append in flight was finished and acknowledged, none cut off.
      expect(answers.map((a) => a.status ?? a.error)).toEqual(Array(16).fill(201));
      expect(await exitCode).toBe(0);
      expect(closed).toBe(true);
      // Stopped: the listener is closed.
      expect((await send(ledger.url, { method: 'GET', path: '/health/live', agent: false })).error).toBe(
        'ECONNREFUSED',
      );
    } finally {
      unsubscribe();
      keptAlive.destroy();
    }
  }, 60_000);
});
