import { randomBytes, randomUUID } from 'node:crypto';
import type { SqlQueryable } from '@ledger/store';
import { call, LedgerEndpoint } from './append-load';

/**
 * What the crash and shutdown drills share: `clients` concurrent publishers appending as fast as the
 * ledger answers (each waits for its answer before sending the next), single structured CloudEvents
 * and batches, every event with its own id. Every request is remembered with its ids, its body and
 * what came back (a status, or why nothing did), so the drill can ask the journal afterwards which of
 * them were written — and resend an unanswered one, as a publisher would.
 */

export const DRILL_SOURCE = 'urn:open-data-ledger:drill-gateway';
const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
const SINGLE_CONTENT_TYPE = 'application/cloudevents+json';

export type RequestKind = 'single' | 'batch';

export interface AppendRequest {
  seq: number;
  client: number;
  kind: RequestKind;
  ids: string[];
  body: object;
  sentAt: number;
  answeredAt?: number;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** Why no answer came: ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, timeout… */
  error?: string;
  /** The error's code in a non-2xx answer (problem details `code`). */
  problem?: string;
}

export const isAcknowledged = (request: AppendRequest) =>
  request.status !== undefined && request.status >= 200 && request.status <= 299;

/** Why a fetch got no answer, as short as it can be said. */
export function errorCode(error: unknown): string {
  const failure = error as Error & { cause?: { code?: string; name?: string; message?: string } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return 'timeout';
  return failure.cause?.code ?? failure.cause?.name ?? `${failure.name}: ${failure.message}`.slice(0, 80);
}

/** A publisher allowed DataAccessed from the drills' source; returns its token. */
export async function createPublisher(ledger: LedgerEndpoint, name = 'drill gateway'): Promise<string> {
  const answer = await call(ledger, 'POST', '/v1/principals', {
    body: { name, role: 'publisher', publish: { types: ['DataAccessed'], sources: [DRILL_SOURCE] } },
  });
  if (answer.status !== 201)
    throw new Error(`creating the publisher: ${answer.status} ${JSON.stringify(answer.body)}`);
  return (answer.body as { token: string }).token;
}

export interface ClientOptions {
  /** Every `batchEvery`-th request of a client is a batch (default 3); the others single events. */
  batchEvery?: number;
  /** Events in a batch (default 5). */
  batchSize?: number;
  /** How long a client waits after a request that got no answer or a 5xx (default 50 ms). */
  pauseAfterFailureMs?: number;
}

export class AppendClients {
  readonly requests: AppendRequest[] = [];
  private readonly run = randomBytes(3).toString('hex');
  private running = false;
  private loops: Promise<void>[] = [];
  private seq = 0;

  constructor(
    private readonly ledger: LedgerEndpoint,
    private readonly publisherToken: string,
    private readonly options: ClientOptions = {},
  ) {}

  static async prepare(ledger: LedgerEndpoint, options: ClientOptions = {}): Promise<AppendClients> {
    return new AppendClients(ledger, await createPublisher(ledger), options);
  }

  /** Starts `clients` loops (more can be added by calling again). */
  start(clients: number): void {
    this.running = true;
    const first = this.loops.length;
    for (let client = first; client < first + clients; client++) this.loops.push(this.loop(client));
  }

  /** Stops sending and waits for every answer (or failure). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  get inFlight(): number {
    return this.requests.filter((request) => request.answeredAt === undefined).length;
  }

  acknowledged(): AppendRequest[] {
    return this.requests.filter(isAcknowledged);
  }

  /** Acknowledged events so far. */
  acknowledgedEvents(): number {
    return this.acknowledged().reduce((sum, request) => sum + request.ids.length, 0);
  }

  /** Sends the same request again (same ids, same body), as a publisher retries; records the answer in a copy. */
  async resend(request: AppendRequest): Promise<AppendRequest> {
    const again: AppendRequest = { ...request, seq: this.seq++, sentAt: Date.now() };
    await this.send(again);
    return again;
  }

  private async loop(client: number): Promise<void> {
    const batchEvery = this.options.batchEvery ?? 3;
    let made = 0;
    while (this.running) {
      const kind: RequestKind = made++ % batchEvery === batchEvery - 1 ? 'batch' : 'single';
      const request = this.make(client, kind);
      this.requests.push(request);
      await this.send(request);
      const failed = request.status === undefined || request.status >= 500;
      if (failed && this.running)
        await new Promise((resolve) => setTimeout(resolve, this.options.pauseAfterFailureMs ?? 50));
    }
  }

  private make(client: number, kind: RequestKind): AppendRequest {
    const seq = this.seq++;
    const count = kind === 'batch' ? (this.options.batchSize ?? 5) : 1;
    const events = Array.from({ length: count }, (_, i) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: DRILL_SOURCE,
      type: 'DataAccessed',
      // No subject: a DataAccessed goes to the stream of its dataset, usage-<datasetId>.
      data: {
        datasetId: `drill-${this.run}-${(seq + i) % 40}`,
        principal: `user-${client}`,
        channel: 'api',
        recordCount: seq,
      },
    }));
    return {
      seq,
      client,
      kind,
      ids: events.map((event) => event.id),
      body: kind === 'batch' ? events : events[0],
      sentAt: Date.now(),
    };
  }

  private async send(request: AppendRequest): Promise<void> {
    request.sentAt = Date.now();
    try {
      const answer = await call<{ code?: string }>(this.ledger, 'POST', '/v1/events', {
        token: this.publisherToken,
        body: request.body,
        contentType: request.kind === 'batch' ? BATCH_CONTENT_TYPE : SINGLE_CONTENT_TYPE,
      });
      request.status = answer.status;
      if (answer.status >= 300) request.problem = answer.body?.code ?? String(answer.status);
    } catch (error) {
      request.error = errorCode(error);
    } finally {
      request.answeredAt = Date.now();
    }
  }
}

// ---------------------------------------------------------------------------------------------------

/** A pg Pool as the store's SqlQueryable (rows only). */
export function queryableOf(pool: {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
}): SqlQueryable {
  return { query: async (sql, params) => (await pool.query(sql, params)).rows };
}

/** How many rows of ledger.events carry each of `ids` (absent: none). */
export async function journalCounts(db: SqlQueryable, ids: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let start = 0; start < ids.length; start += 10_000) {
    const rows = await db.query<{ id: string; n: string }>(
      `SELECT event_id AS id, count(*)::text AS n FROM ledger.events WHERE event_id = ANY($1) GROUP BY event_id`,
      [ids.slice(start, start + 10_000)],
    );
    for (const row of rows) counts.set(row.id, Number(row.n));
  }
  return counts;
}

export interface JournalFindings {
  acknowledgedEvents: number;
  /** Acknowledged events not in the journal. */
  lost: string[];
  /** Events in the journal more than once. */
  duplicated: string[];
  /** Requests that got no 2xx, split by whether their events were written. */
  unacknowledgedWritten: number;
  unacknowledgedAbsent: number;
  batches: number;
  /** Batches some of whose events are in the journal and some not. */
  halfWritten: AppendRequest[];
  /** Events in the journal that no request sent. */
  strangers: number;
}

/** Checks every request against the journal: acknowledged ⇒ present once; a batch all or nothing. */
export async function checkAgainstJournal(
  db: SqlQueryable,
  requests: AppendRequest[],
): Promise<JournalFindings> {
  const ids = requests.flatMap((request) => request.ids);
  const counts = await journalCounts(db, ids);
  const findings: JournalFindings = {
    acknowledgedEvents: 0,
    lost: [],
    duplicated: [...counts].filter(([, count]) => count > 1).map(([id]) => id),
    unacknowledgedWritten: 0,
    unacknowledgedAbsent: 0,
    batches: 0,
    halfWritten: [],
    strangers: 0,
  };
  for (const request of requests) {
    const present = request.ids.filter((id) => counts.has(id)).length;
    if (isAcknowledged(request)) {
      findings.acknowledgedEvents += request.ids.length;
      findings.lost.push(...request.ids.filter((id) => !counts.has(id)));
    } else if (present > 0) findings.unacknowledgedWritten += 1;
    else findings.unacknowledgedAbsent += 1;
    if (request.kind === 'batch') {
      findings.batches += 1;
      if (present > 0 && present < request.ids.length) findings.halfWritten.push(request);
    }
  }
  const [strangers] = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ledger.events WHERE type = 'DataAccessed' AND NOT (event_id = ANY($1))`,
    [ids],
  );
  findings.strangers = Number(strangers.n);
  return findings;
}

/** `{201: 4000, 200: 3}` and errors as "201×4,000, 200×3, ECONNREFUSED×12". */
export function describeOutcomes(requests: AppendRequest[]): string {
  const counts = new Map<string, number>();
  for (const request of requests) {
    const key = request.status !== undefined ? String(request.status) : (request.error ?? 'in flight');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return (
    [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `${key}×${count.toLocaleString('en')}`)
      .join(', ') || 'none'
  );
}
