import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { SIGNATURE_HEADER, verifySignature } from '@ledger/projections';

/**
 * What the Redis-outage drill and its short CI version share: a steady append load over HTTP that
 * remembers every event the ledger acknowledged, and a webhook subscriber that counts deliveries per
 * CloudEvent id.
 */

export interface LedgerEndpoint {
  /** http://127.0.0.1:<port> */
  url: string;
  adminToken: string;
}

/** Before, during and after the outage: the load's figures are kept per phase. */
export type Phase = 'before' | 'outage' | 'after';
export const PHASES: readonly Phase[] = ['before', 'outage', 'after'];

export const LOAD_EVENT_TYPES = ['DataAccessed', 'DatasetRegistered'];
const SOURCE = 'urn:open-data-ledger:drill-gateway';
const ORGANIZATION = 'drill-body';
const BATCH_SIZE = 5;
const REQUEST_TIMEOUT_MS = 15_000;

export async function call<TBody = any>(
  ledger: LedgerEndpoint,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: TBody; headers: Headers }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.token ?? ledger.adminToken}`,
    ...options.headers,
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${ledger.url}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    body: (type.includes('json') && text.length > 0 ? JSON.parse(text) : text) as TBody,
    headers: response.headers,
  };
}

async function expectCreated(answer: Promise<{ status: number; body: any }>, what: string) {
  const { status, body } = await answer;
  if (status < 200 || status > 299) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** A subscription of `url` to the load's event types (and any others given). */
export async function subscribe(
  ledger: LedgerEndpoint,
  url: string,
  secret: string,
  types: readonly string[] = LOAD_EVENT_TYPES,
): Promise<{ id: string }> {
  return expectCreated(
    call(ledger, 'POST', '/v1/subscriptions', { body: { url, types, secret } }),
    'subscribing the receiver',
  );
}

// ---------------------------------------------------------------------------------------------------

/**
 * A webhook subscriber on a free loopback port: checks each signature, counts deliveries per
 * CloudEvent id and remembers when each id first arrived. `failureRate` of the requests are answered
 * 503, so some deliveries sit in the job runner as retries (delayed jobs) when Redis goes away.
 */
export class DeliveryCounter {
  readonly counts = new Map<string, number>();
  readonly firstArrival = new Map<string, number>();
  requests = 0;
  refused = 0;
  badSignatures = 0;
  /** While true, every delivery is answered 503 (its retry waits in the job runner). */
  refuseAll = false;
  private port = 0;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests += 1;
      const body = Buffer.concat(chunks);
      const signature = request.headers[SIGNATURE_HEADER.toLowerCase()];
      if (!verifySignature(body, this.secret, typeof signature === 'string' ? signature : undefined)) {
        this.badSignatures += 1;
        response.statusCode = 401;
        response.end();
        return;
      }
      if (this.refuseAll || Math.random() < this.failureRate) {
        this.refused += 1;
        response.statusCode = 503;
        response.end();
        return;
      }
      const id = (JSON.parse(body.toString('utf8')) as { id: string }).id;
      this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
      if (!this.firstArrival.has(id)) this.firstArrival.set(id, Date.now());
      response.statusCode = 204;
      response.end();
    });
  });

  constructor(
    readonly secret: string,
    private readonly failureRate = 0,
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Ids of `expected` not received yet. */
  missing(expected: Iterable<string>): string[] {
    return [...expected].filter((id) => !this.counts.has(id));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

// ---------------------------------------------------------------------------------------------------

export interface PhaseFigures {
  requests: number;
  events: number;
  /** Events the ledger acknowledged (2xx). */
  acknowledged: number;
  /** Responses per HTTP status. */
  statuses: Map<number, number>;
  /** Requests that got no answer (refused connection, timeout), by message. */
  errors: Map<string, number>;
  /** Slowest acknowledgement, ms. */
  slowestMs: number;
  /** 503 answers without a Retry-After header. */
  unavailableWithoutRetryAfter: number;
}

function emptyFigures(): PhaseFigures {
  return {
    requests: 0,
    events: 0,
    acknowledged: 0,
    statuses: new Map(),
    errors: new Map(),
    slowestMs: 0,
    unavailableWithoutRetryAfter: 0,
  };
}

type Kind = 'single' | 'batch' | 'registration';

/**
 * A steady append load: every 50 ms it sends what brings the total to `rate` × elapsed time —
 * single structured CloudEvents (DataAccessed), batches of five, and every tenth request a dataset
 * registration through POST /v1/datasets (a command) — without waiting for earlier answers, so a
 * slow answer shows as latency rather than as a lower rate. Every acknowledged event id is kept.
 */
export class AppendLoad {
  readonly figures = new Map<Phase, PhaseFigures>(PHASES.map((phase) => [phase, emptyFigures()]));
  /** Every event id the ledger acknowledged (2xx), with the phase it was sent in. */
  readonly acknowledged = new Map<string, Phase>();
  /** The global position the ledger acknowledged each event id at. */
  readonly positions = new Map<string, number>();
  /** The ids of every CloudEvent sent (acknowledged or not; dataset registrations get theirs from the ledger). */
  readonly sentIds = new Set<string>();
  private readonly run = randomBytes(3).toString('hex');
  private sentEvents = 0;
  private requestCount = 0;
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** Ticks at which the in-flight cap held sends back. */
  heldBack = 0;
  /** When the latest-sent request that was not acknowledged (not 2xx, or no answer) was sent; 0: none. */
  lastRefusedSentAt = 0;

  private constructor(
    private readonly ledger: LedgerEndpoint,
    private readonly publisherToken: string,
    private readonly officerToken: string,
    private readonly phase: () => Phase,
  ) {}

  /** Creates the organisation, a body officer and a publisher allowed DataAccessed from the drill's source. */
  static async prepare(ledger: LedgerEndpoint, phase: () => Phase): Promise<AppendLoad> {
    const organization = await call(ledger, 'GET', `/v1/organizations/${ORGANIZATION}`);
    if (organization.status === 404) {
      await expectCreated(
        call(ledger, 'POST', '/v1/organizations', { body: { id: ORGANIZATION, name: 'Drill body' } }),
        'creating the organisation',
      );
    }
    const officer = await expectCreated(
      call(ledger, 'POST', '/v1/principals', {
        body: { name: 'drill officer', role: 'body_officer', organizationId: ORGANIZATION },
      }),
      'creating the body officer',
    );
    const publisher = await expectCreated(
      call(ledger, 'POST', '/v1/principals', {
        body: {
          name: 'drill gateway',
          role: 'publisher',
          publish: { types: ['DataAccessed'], sources: [SOURCE] },
        },
      }),
      'creating the publisher',
    );
    return new AppendLoad(ledger, publisher.token, officer.token, phase);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get eventsSent(): number {
    return this.sentEvents;
  }

  /** All phases together. */
  total(): PhaseFigures {
    const total = emptyFigures();
    for (const figures of this.figures.values()) {
      total.requests += figures.requests;
      total.events += figures.events;
      total.acknowledged += figures.acknowledged;
      total.slowestMs = Math.max(total.slowestMs, figures.slowestMs);
      total.unavailableWithoutRetryAfter += figures.unavailableWithoutRetryAfter;
      for (const [status, count] of figures.statuses)
        total.statuses.set(status, (total.statuses.get(status) ?? 0) + count);
      for (const [error, count] of figures.errors)
        total.errors.set(error, (total.errors.get(error) ?? 0) + count);
    }
    return total;
  }

  start(rate: number, { maxInFlight = 400 } = {}): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - this.startedAt) / 1000) * rate);
      while (this.sentEvents < due) {
        if (this.inFlight.size >= maxInFlight) {
          this.heldBack += 1;
          return;
        }
        this.send();
      }
    }, 50);
  }

  /** Stops sending and waits for every answer. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private send(): void {
    const n = this.requestCount++;
    const kind: Kind = n % 10 === 9 ? 'registration' : n % 3 === 2 ? 'batch' : 'single';
    const count = kind === 'batch' ? BATCH_SIZE : 1;
    this.sentEvents += count;
    const phase = this.phase();
    const figures = this.figures.get(phase) as PhaseFigures;
    figures.requests += 1;
    figures.events += count;
    const started = Date.now();
    const request = this.request(kind, n)
      .then(({ status, body, headers }) => {
        figures.statuses.set(status, (figures.statuses.get(status) ?? 0) + 1);
        if (status === 503 && !headers.get('retry-after')) figures.unavailableWithoutRetryAfter += 1;
        if (status < 200 || status > 299) this.lastRefusedSentAt = Math.max(this.lastRefusedSentAt, started);
        if (status >= 200 && status <= 299) {
          figures.slowestMs = Math.max(figures.slowestMs, Date.now() - started);
          for (const event of (body as { events: { id: string; globalPosition: number }[] }).events) {
            this.acknowledged.set(event.id, phase);
            this.positions.set(event.id, event.globalPosition);
            figures.acknowledged += 1;
          }
        }
      })
      .catch((error: Error) => {
        this.lastRefusedSentAt = Math.max(this.lastRefusedSentAt, started);
        const message = `${error.name}: ${error.message}`.slice(0, 120);
        figures.errors.set(message, (figures.errors.get(message) ?? 0) + 1);
      })
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  private request(kind: Kind, n: number) {
    if (kind === 'registration') {
      return call(this.ledger, 'POST', '/v1/datasets', {
        token: this.officerToken,
        body: {
          id: `drill-${this.run}-${n}`,
          title: `Drill dataset ${n}`,
          organizationId: ORGANIZATION,
          classification: n % 2 === 0 ? 'unconditional' : 'conditional',
          classificationBasis: 'public administrative information',
          fields: ['district', 'month', 'count'],
          updateFrequency: 'monthly',
        },
      });
    }
    const events = Array.from({ length: kind === 'batch' ? BATCH_SIZE : 1 }, (_, i) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: SOURCE,
      type: 'DataAccessed',
      // No subject: a DataAccessed goes to the stream of its dataset, usage-<datasetId>.
      data: {
        datasetId: `drill-${this.run}-${(n + i) % 40}`,
        principal: `user-${n % 97}`,
        channel: 'api',
        recordCount: n,
      },
    }));
    for (const event of events) this.sentIds.add(event.id);
    return kind === 'batch'
      ? call(this.ledger, 'POST', '/v1/events', {
          token: this.publisherToken,
          body: events,
          contentType: 'application/cloudevents-batch+json',
        })
      : call(this.ledger, 'POST', '/v1/events', {
          token: this.publisherToken,
          body: events[0],
          contentType: 'application/cloudevents+json',
        });
  }
}

/** `{201: 4000, 200: 3}` as "201×4,000, 200×3". */
export function describeStatuses(statuses: Map<number, number>): string {
  return (
    [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count.toLocaleString('en')}`)
      .join(', ') || 'none'
  );
}
