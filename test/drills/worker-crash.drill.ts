/**
 * The acceptance drill of issue 5: "SIGKILL the worker in the middle of catching up on 100,000 events
 * and start it again: every view ends equal to a rebuild from zero, no webhook is lost, none is
 * delivered more than its retries allow."
 *
 *   npx nest build projections
 *   npx ts-node --swc -r tsconfig-paths/register test/drills/worker-crash.drill.ts [--events 100000] [--datasets 3000] [--kill-at 0.3]
 *
 * Against PostgreSQL (DATABASE_URL, or the local one) and Redis (REDIS_URL, or the local one):
 * 1. a scratch database, migrated by opening the journal here; a local webhook receiver (counts every
 *    delivery per CloudEvent id, checks the signature) subscribed to DatasetRegistered;
 * 2. the journal filled in-process: dataset registrations, releases, suspensions and restorations,
 *    corrections, and DataAccessed;
 * 3. the built worker (dist/apps/projections/main.js) started, SIGKILLed once its checkpoints are
 *    partway, started again, and awaited until every checkpoint is at the head, nothing due in the
 *    job outbox is left uncompleted and the receiver has every event;
 * 4. every `ledger_views` view snapshotted, every projection rebuilt from zero (ProjectionEngine.rebuild),
 *    snapshotted again and compared; every reactor replayed from zero in a transaction that is rolled
 *    back — its tables must equal the live ones and it must find every job and delivery row it would
 *    write already there;
 * 5. the receiver's ids must cover every subscribed event, none more often than WEBHOOK_ATTEMPTS.
 *
 * Prints what it did and found; exits 0 only when every check holds.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import {
  createProjectionEngine,
  projectedEventOf,
  Projection,
  SIGNATURE_HEADER,
  verifySignature,
  WebhookSubscriptions,
} from '@ledger/projections';
import { loadRulebooks, queuePrefixOf, Rulebooks } from '@ledger/runtime';
import { Journal, NewEvent, openJournal, SqlQueryable } from '@ledger/store';
import { WEBHOOK_ATTEMPTS } from '../../libs/projections/src/webhooks/webhook-outbox';
import { WebhookSecrets } from '../../libs/projections/src/webhooks/webhook-secrets';
import { createScratchDatabase } from '../support/test-backend';
import { DATABASE_URL_OPTION, scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  events: { type: 'string', default: '100000' },
  datasets: { type: 'string', default: '3000' },
  /** SIGKILL once the slowest projection has applied this share of the journal (or, all started, the fastest 90%). */
  'kill-at': { type: 'string', default: '0.3' },
  'database-url': DATABASE_URL_OPTION,
  'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  worker: {
    type: 'string',
    default: join(__dirname, '..', '..', 'dist', 'apps', 'projections', 'main.js'),
  },
  'timeout-seconds': { type: 'string', default: '600' },
  'keep-database': { type: 'boolean', default: false },
  /** Also SIGKILL the restarted worker once this share of the webhooks has arrived (0: do not). */
  'kill-during-delivery': { type: 'string', default: '0.3' },
});
const EVENTS = Number(args.events);
const DATASETS = Math.min(Number(args.datasets), Math.max(1, Math.floor(EVENTS / 4)));
const KILL_AT = Number(args['kill-at']);
const TIMEOUT_MS = Number(args['timeout-seconds']) * 1000;
const SECRET = 'drill-subscriber-secret-0123456789';
const SUBSCRIBED = 'DatasetRegistered';
const RULEBOOK = 'shanghai-public-data-2019/v1';
const FREQUENCIES = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'];
const CLASSIFICATIONS = ['unconditional', 'conditional', 'non_open'];
/** The projections' bookkeeping and the job outbox: not views of the journal. */
const NOT_VIEWS = new Set(['projections', 'projection_checkpoints', 'job_outbox']);

const officer = { id: 'officer-1', role: 'body_officer' as const, organizationId: 'org-0' };
const gateway = { id: 'gateway', role: 'publisher' as const };

function event(type: string, data: Record<string, unknown>, actor: object = officer): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: data as NewEvent['data'],
    metadata: {
      actor,
      legalBasis: { rulebook: RULEBOOK, article: 'Measures ch. 2' },
    } as NewEvent['metadata'],
    source: 'urn:open-data-ledger:drill',
    schemaVersion: 1,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const n = (value: number) => value.toLocaleString('en');
const say = (line: string) =>
  console.log(`[${((Date.now() - STARTED) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const STARTED = Date.now();

// ---------------------------------------------------------------------------------------------------
// The receiver: counts deliveries per CloudEvent id and checks every signature.

class Receiver {
  readonly counts = new Map<string, number>();
  requests = 0;
  badSignatures = 0;
  unparsable = 0;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests += 1;
      const body = Buffer.concat(chunks);
      const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
      if (!verifySignature(body, SECRET, typeof header === 'string' ? header : undefined)) {
        this.badSignatures += 1;
        response.statusCode = 401;
        response.end();
        return;
      }
      try {
        const id = (JSON.parse(body.toString('utf8')) as { id: string }).id;
        this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
        response.statusCode = 204;
      } catch {
        this.unparsable += 1;
        response.statusCode = 400;
      }
      response.end();
    });
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// The load: per dataset a registration, releases with now and then a suspension and restoration, now
// and then a correction (requested, verification started, resolved), and DataAccessed in its usage stream.

interface StreamPlan {
  streamId: string;
  events: NewEvent[];
}

function planLoad(): { streams: StreamPlan[]; registrations: Set<string>; total: number } {
  const perDataset = Math.floor(EVENTS / DATASETS);
  const streams: StreamPlan[] = [];
  const registrations = new Set<string>();
  let total = 0;
  for (let d = 0; d < DATASETS; d++) {
    const id = `drill-${d}`;
    const budget = perDataset + (d < EVENTS - perDataset * DATASETS ? 1 : 0);
    const registered = event('DatasetRegistered', {
      title: `Dataset ${d}`,
      organizationId: `org-${d % 25}`,
      classification: CLASSIFICATIONS[d % CLASSIFICATIONS.length],
      classificationBasis: 'public administrative information',
      fields: ['district', 'month', 'count'],
      updateFrequency: FREQUENCIES[d % FREQUENCIES.length],
    });
    registrations.add(registered.id);
    const life: NewEvent[] = [registered];
    const datasetShare = Math.max(2, Math.round(budget * 0.45));
    const cases: StreamPlan[] = [];
    for (let version = 1; life.length < datasetShare; version++) {
      life.push(
        event('DatasetReleased', {
          version,
          checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          recordCount: 1000 + version,
          format: 'csv',
          maskingRules: [],
        }),
      );
      if (version % 5 === 0 && life.length + 2 <= datasetShare) {
        life.push(event('DatasetSuspended', { reason: 'routine security review', cause: 'security' }));
        life.push(event('DatasetRestored', { reason: 'review passed' }));
      }
      if (version === 1 && d % 7 === 0) {
        const steps = [
          event('CorrectionRequested', {
            datasetId: id,
            datasetVersion: 1,
            description: 'the March count of district 3 is doubled',
          }),
        ];
        if (d % 2 === 0) steps.push(event('CorrectionVerificationStarted', {}));
        if (d % 4 === 0) {
          steps.push(
            event('CorrectionResolved', { outcome: 'no_error_found', explanation: 'the count is right' }),
          );
        }
        cases.push({ streamId: `correction-c${d}`, events: steps });
      }
    }
    const caseEvents = cases.reduce((sum, plan) => sum + plan.events.length, 0);
    const accesses = Math.max(0, budget - life.length - caseEvents);
    const usage = Array.from({ length: accesses }, (_, i) =>
      event(
        'DataAccessed',
        {
          datasetId: id,
          principal: `user-${i % 50}`,
          channel: i % 3 === 0 ? 'api' : 'download',
          recordCount: 10 + i,
        },
        gateway,
      ),
    );
    streams.push({ streamId: `dataset-${id}`, events: life }, ...cases);
    if (usage.length > 0) streams.push({ streamId: `usage-${id}`, events: usage });
    total += life.length + caseEvents + usage.length;
  }
  return { streams, registrations, total };
}

/** Appends every stream: a dataset's own stream before its corrections (they name its release). */
async function fill(journal: Journal, streams: StreamPlan[]): Promise<void> {
  let next = 0;
  let appended = 0;
  let shown = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < streams.length) {
        const plan = streams[next++];
        for (let start = 0; start < plan.events.length; start += 500) {
          await journal.store.append(plan.streamId, plan.events.slice(start, start + 500));
        }
        appended += plan.events.length;
        if (appended - shown >= 20_000) {
          shown = appended;
          say(`  appended ${n(appended)}`);
        }
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// The worker as its own process.

interface Worker {
  child: ChildProcess;
  exited: Promise<number | string | null>;
}

function startWorker(env: Record<string, string>, logFile: string): Worker {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [args.worker as string], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { child, exited };
}

async function checkpoints(db: SqlQueryable): Promise<Map<string, number>> {
  const rows = await db.query<{ name: string; position: string }>(
    `SELECT p.name, c.position::text AS position
       FROM ledger_views.projections p
       JOIN ledger_views.projection_checkpoints c ON c.name = p.name AND c.generation = p.active_generation`,
  );
  return new Map(rows.map((row) => [row.name, Number(row.position)]));
}

function describeCheckpoints(positions: Map<string, number>, head: number): string {
  return [...positions].map(([name, position]) => `${name} ${n(position + 1)}/${n(head + 1)}`).join(', ');
}

// ---------------------------------------------------------------------------------------------------
// Views: snapshots and comparisons.

type Snapshot = Map<string, string[]>;

async function viewNames(db: SqlQueryable): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'ledger_views' ORDER BY 1`,
  );
  return rows.map((row) => row.name).filter((name) => !NOT_VIEWS.has(name));
}

/** Every row of a table or view as JSON text, sorted: a multiset that compares with ===. */
async function rowsOf(db: SqlQueryable, relation: string): Promise<string[]> {
  const rows = await db.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM ${relation} t`);
  return rows.map((row) => row.row).sort();
}

async function snapshot(db: SqlQueryable, names: string[]): Promise<Snapshot> {
  const result: Snapshot = new Map();
  for (const name of names) result.set(name, await rowsOf(db, `ledger_views.${name}`));
  return result;
}

/** Rows only in `a` and rows only in `b` (as multisets). */
function difference(a: string[], b: string[]): { onlyA: string[]; onlyB: string[] } {
  const counts = new Map<string, number>();
  for (const row of a) counts.set(row, (counts.get(row) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const row of b) {
    const left = counts.get(row) ?? 0;
    if (left > 0) counts.set(row, left - 1);
    else onlyB.push(row);
  }
  const onlyA = [...counts].flatMap(([row, count]) => Array<string>(count).fill(row));
  return { onlyA, onlyB };
}

class Rollback extends Error {}

interface ReactorReplay {
  tables: { table: string; live: number; replayed: number; onlyLive: number; onlyReplayed: number }[];
  outboxAdded: number;
  deliveriesAdded: number;
}

/**
 * Replays a reactor from position 0 into a scratch schema, in one transaction rolled back at the end:
 * its tables must equal the live views, and every outbox and delivery row it writes (ON CONFLICT DO
 * NOTHING) must already be there — what the crashed-and-restarted worker wrote is what a run from zero writes.
 */
async function replayReactor(journal: Journal, projection: Projection, head: number): Promise<ReactorReplay> {
  let result: ReactorReplay | undefined;
  const schema = `drill_replay_${projection.name}`;
  const count = async (tx: SqlQueryable, relation: string) =>
    Number((await tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${relation}`))[0].n);
  try {
    await journal.database.transaction(async (tx) => {
      const outboxBefore = await count(tx, 'ledger_views.job_outbox');
      const deliveriesBefore = await count(tx, 'ledger.webhook_deliveries');
      await tx.exec(`CREATE SCHEMA ${schema}`);
      await tx.exec(projection.createTables(schema));
      for (let from = 0; from <= head;) {
        const to = Math.min(head, from + 4_999);
        const page = await journal.store.readAll({
          fromPosition: from,
          toPosition: to,
          limit: 500,
          types: [...projection.eventTypes],
        });
        if (page.length > 0) await projection.apply(tx, page.map(projectedEventOf), schema);
        from = page.length === 500 ? page[page.length - 1].globalPosition + 1 : to + 1;
      }
      const tables = [];
      for (const table of projection.tables) {
        const live = await rowsOf(tx, `ledger_views.${table}`);
        const replayed = await rowsOf(tx, `${schema}.${table}`);
        const { onlyA, onlyB } = difference(live, replayed);
        tables.push({
          table,
          live: live.length,
          replayed: replayed.length,
          onlyLive: onlyA.length,
          onlyReplayed: onlyB.length,
        });
      }
      result = {
        tables,
        outboxAdded: (await count(tx, 'ledger_views.job_outbox')) - outboxBefore,
        deliveriesAdded: (await count(tx, 'ledger.webhook_deliveries')) - deliveriesBefore,
      };
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result as ReactorReplay;
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
    return ok ? 'ok' : 'FAILED';
  };

  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_drill');
  const workDir = mkdtempSync(join(tmpdir(), 'ledger-drill-'));
  const logFile = join(workDir, 'worker.log');
  say(
    `worker-crash drill: scratch database ${scratch.name}, Redis ${args['redis-url']}, worker log ${logFile}`,
  );
  const journal = await openJournal({ databaseUrl: scratch.url, dataDir: 'unused' });
  const receiver = new Receiver();
  await receiver.start();
  const masterKey = randomBytes(32);
  const workerEnv = {
    DATABASE_URL: scratch.url,
    REDIS_URL: args['redis-url'] as string,
    LEDGER_MASTER_KEY: masterKey.toString('hex'),
    LEDGER_DATA_DIR: workDir,
    LOG_LEVEL: 'info',
  };
  let worker: Worker | undefined;
  try {
    // 1. The subscription, sealed as the API seals it, under the master key the worker gets.
    const subscriptions = new WebhookSubscriptions(
      journal.database,
      journal.store,
      new WebhookSecrets(masterKey),
    );
    const subscription = await subscriptions.create({
      url: receiver.url,
      types: [SUBSCRIBED],
      secret: SECRET,
      createdBy: 'drill',
    });
    say(
      `1. receiver on ${receiver.url}; subscription ${subscription.id} to ${SUBSCRIBED} from position ${subscription.fromPosition}`,
    );

    // 2. The load.
    const { streams, registrations, total } = planLoad();
    say(`2. appending ${n(total)} events over ${n(DATASETS)} datasets (${n(streams.length)} streams)`);
    const fillStarted = Date.now();
    await fill(journal, streams);
    const head = await journal.store.head();
    const byType = await journal.database
      .query<{ type: string; n: string }>(
        `SELECT type, count(*)::text AS n FROM ledger.events GROUP BY type ORDER BY 2 DESC`,
      )
      .catch(() => [] as { type: string; n: string }[]);
    say(
      `   journal head ${n(head)} (${n(head + 1)} entries) in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s` +
        (byType.length > 0 ? `: ${byType.map((row) => `${row.type} ${n(Number(row.n))}`).join(', ')}` : ''),
    );

    // 3. The worker, killed partway, started again.
    const engine = createProjectionEngine(journal, { rulebooks: new Rulebooks(loadRulebooks()) });
    const projectionCount = engine.registered.length;
    worker = startWorker(workerEnv, logFile);
    say(`3. worker started (pid ${worker.child.pid}); waiting for its checkpoints to be partway`);
    let atKill = new Map<string, number>();
    const killBy = Date.now() + TIMEOUT_MS;
    for (;;) {
      const exitedEarly = await Promise.race([worker.exited, sleep(25).then(() => undefined)]);
      if (exitedEarly !== undefined)
        throw new Error(`the worker exited by itself (${exitedEarly}); see ${logFile}`);
      const positions = await checkpoints(journal.database);
      const values = [...positions.values()];
      const slowest = positions.size >= projectionCount ? Math.min(...values) : -1;
      const fastest = values.length > 0 ? Math.max(...values) : -1;
      if (slowest >= KILL_AT * head || (slowest > 0 && fastest >= 0.9 * head)) {
        worker.child.kill('SIGKILL');
        atKill = positions;
        break;
      }
      if (Date.now() > killBy) throw new Error('the worker never got partway');
    }
    const killSignal = await worker.exited;
    const deliveredAtKill = receiver.counts.size;
    const outboxAtKill = await journal.database.query<{ queue: string; done: string; open: string }>(
      `SELECT queue, count(*) FILTER (WHERE completed_at IS NOT NULL)::text AS done,
              count(*) FILTER (WHERE completed_at IS NULL)::text AS open
         FROM ledger_views.job_outbox GROUP BY queue ORDER BY queue`,
    );
    const unfinishedAtKill = [...atKill.values()].filter((position) => position < head).length;
    say(`   killed (${killSignal}) at: ${describeCheckpoints(atKill, head)}`);
    say(
      `   at the kill: receiver had ${n(deliveredAtKill)} of ${n(registrations.size)} ids; outbox ${
        outboxAtKill
          .map((row) => `${row.queue} ${n(Number(row.done))} completed / ${n(Number(row.open))} open`)
          .join(', ') || 'empty'
      }`,
    );

    worker = startWorker(workerEnv, logFile);
    say(`   worker started again (pid ${worker.child.pid}); waiting for it to catch up and deliver`);
    const restarted = Date.now();
    let lastReport = 0;
    let caughtUp = false;
    let deliveryKill: string | undefined;
    const KILL_DURING_DELIVERY = Number(args['kill-during-delivery']);
    for (;;) {
      if (
        deliveryKill === undefined &&
        KILL_DURING_DELIVERY > 0 &&
        receiver.counts.size >= KILL_DURING_DELIVERY * registrations.size
      ) {
        const received = receiver.counts.size;
        worker.child.kill('SIGKILL');
        const signal = await worker.exited;
        deliveryKill = `${signal} with ${n(received)} of ${n(registrations.size)} ids received`;
        say(`   killed again while delivering (${deliveryKill}); starting it a third time`);
        worker = startWorker(workerEnv, logFile);
      }
      const exitedEarly = await Promise.race([worker.exited, sleep(250).then(() => undefined)]);
      if (exitedEarly !== undefined)
        throw new Error(`the restarted worker exited (${exitedEarly}); see ${logFile}`);
      const positions = await checkpoints(journal.database);
      const [{ open }] = await journal.database.query<{ open: string }>(
        `SELECT count(*)::text AS open FROM ledger_views.job_outbox WHERE completed_at IS NULL AND run_at <= now()`,
      );
      const atHead =
        positions.size >= projectionCount && [...positions.values()].every((position) => position === head);
      const missing = [...registrations].filter((id) => !receiver.counts.has(id)).length;
      if (atHead && Number(open) === 0 && missing === 0) {
        caughtUp = true;
        break;
      }
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        say(
          `   … ${describeCheckpoints(positions, head)}; outbox due and open ${n(Number(open))}; receiver missing ${n(missing)}`,
        );
      }
      if (Date.now() - restarted > TIMEOUT_MS) break;
    }
    const recovery = (Date.now() - restarted) / 1000;
    say(
      `   ${caughtUp ? 'caught up' : 'NOT caught up within the timeout'} ${recovery.toFixed(1)} s after the restart`,
    );
    // Anything still in flight lands, then the worker stops as it is meant to.
    await sleep(2_000);
    worker.child.kill('SIGTERM');
    const stopCode = await Promise.race([worker.exited, sleep(30_000).then(() => 'still running')]);
    if (stopCode === 'still running') worker.child.kill('SIGKILL');
    await worker.exited;
    worker = undefined;
    say(`   worker stopped (${stopCode})`);

    // 4. Views against a rebuild from zero.
    const finalCheckpoints = await checkpoints(journal.database);
    const names = await viewNames(journal.database);
    say(`4. snapshotting ${names.length} views (${names.join(', ')}) and rebuilding from zero`);
    const before = await snapshot(journal.database, names);
    const rebuilt: string[] = [];
    const replays = new Map<string, ReactorReplay>();
    for (const projection of engine.registered) {
      if (projection.reactor) {
        replays.set(projection.name, await replayReactor(journal, projection, head));
      } else {
        await engine.rebuild(projection.name);
        rebuilt.push(projection.name);
      }
    }
    const after = await snapshot(journal.database, names);

    // 5. Webhooks.
    const expected = [...registrations];
    const lost = expected.filter((id) => !receiver.counts.has(id));
    const unexpected = [...receiver.counts.keys()].filter((id) => !registrations.has(id));
    const counts = [...receiver.counts.values()];
    const duplicated = counts.filter((count) => count > 1).length;
    const extraDeliveries = counts.reduce((sum, count) => sum + count - 1, 0);
    const mostDeliveries = counts.length > 0 ? Math.max(...counts) : 0;
    const [rows] = await journal.database.query<{
      total: string;
      delivered: string;
      most: string;
      retried: string;
    }>(
      `SELECT count(*)::text AS total, count(delivered_at)::text AS delivered,
              coalesce(max(attempts), 0)::text AS most, count(*) FILTER (WHERE attempts > 1)::text AS retried
         FROM ledger.webhook_deliveries WHERE subscription_id = $1`,
      [subscription.id],
    );
    const [outbox] = await journal.database.query<{
      open_due: string;
      open_later: string;
      completed: string;
    }>(
      `SELECT count(*) FILTER (WHERE completed_at IS NULL AND run_at <= now())::text AS open_due,
              count(*) FILTER (WHERE completed_at IS NULL AND run_at > now())::text AS open_later,
              count(*) FILTER (WHERE completed_at IS NOT NULL)::text AS completed
         FROM ledger_views.job_outbox`,
    );

    // The summary.
    console.log('\nSummary');
    console.log('| check | figure | result |');
    console.log('|---|---|---|');
    const row = (name: string, figure: string, result: string) =>
      console.log(`| ${name} | ${figure} | ${result} |`);
    row('events appended', `${n(head + 1)} (${n(registrations.size)} ${SUBSCRIBED})`, '');
    row(
      'SIGKILL while catching up',
      `${describeCheckpoints(atKill, head)}; ${n(deliveredAtKill)} ids delivered`,
      check(killSignal === 'SIGKILL' && unfinishedAtKill > 0, 'the worker was not killed partway'),
    );
    if (KILL_DURING_DELIVERY > 0) {
      row(
        'SIGKILL while delivering',
        deliveryKill ?? 'never reached',
        check(deliveryKill?.startsWith('SIGKILL') ?? false, 'the worker was not killed while delivering'),
      );
    }
    row(
      'restarted worker caught up',
      `${recovery.toFixed(1)} s; ${describeCheckpoints(finalCheckpoints, head)}`,
      check(
        caughtUp && [...finalCheckpoints.values()].every((position) => position === head),
        'not caught up',
      ),
    );
    row(
      'job outbox',
      `${n(Number(outbox.completed))} completed, ${n(Number(outbox.open_due))} due and open, ${n(Number(outbox.open_later))} not due yet (timers)`,
      check(Number(outbox.open_due) === 0, 'due outbox rows left uncompleted'),
    );
    for (const name of names) {
      const a = before.get(name) ?? [];
      const b = after.get(name) ?? [];
      const reactor = [...replays.values()]
        .flatMap((replay) => replay.tables)
        .find((table) => table.table === name);
      if (reactor) {
        row(
          `view ${name} = replay from zero (reactor)`,
          `${n(reactor.live)} rows live, ${n(reactor.replayed)} replayed, ${reactor.onlyLive} only live, ${reactor.onlyReplayed} only replayed`,
          check(reactor.onlyLive === 0 && reactor.onlyReplayed === 0, `view ${name} differs from a replay`),
        );
        continue;
      }
      const { onlyA, onlyB } = difference(a, b);
      row(
        `view ${name} = rebuild from zero`,
        `${n(a.length)} rows before, ${n(b.length)} after, ${onlyA.length} only before, ${onlyB.length} only after`,
        check(onlyA.length === 0 && onlyB.length === 0, `view ${name} differs from its rebuild`),
      );
      for (const sample of [
        ...onlyA.slice(0, 2).map((r) => `before: ${r}`),
        ...onlyB.slice(0, 2).map((r) => `after:  ${r}`),
      ]) {
        console.log(`|   ${sample.slice(0, 300)} | | |`);
      }
    }
    for (const [name, replay] of replays) {
      row(
        `reactor ${name} replayed from zero writes nothing new`,
        `${replay.outboxAdded} outbox rows, ${replay.deliveriesAdded} delivery rows missing`,
        check(replay.outboxAdded === 0 && replay.deliveriesAdded === 0, `reactor ${name} had missed work`),
      );
    }
    row(
      'webhook delivery rows',
      `${n(Number(rows.total))} rows, ${n(Number(rows.delivered))} delivered, ${n(Number(rows.retried))} retried, most attempts ${rows.most}`,
      check(
        Number(rows.total) === expected.length && Number(rows.delivered) === expected.length,
        'delivery rows incomplete',
      ),
    );
    row(
      'no webhook lost',
      `${n(expected.length - lost.length)} of ${n(expected.length)} ids received; ${unexpected.length} unexpected`,
      check(lost.length === 0 && unexpected.length === 0, 'webhooks lost or unexpected'),
    );
    row(
      `none beyond its retries (≤ ${WEBHOOK_ATTEMPTS})`,
      `${n(receiver.requests)} requests; ${duplicated} ids twice or more (${extraDeliveries} extra), most ${mostDeliveries}`,
      check(mostDeliveries <= WEBHOOK_ATTEMPTS, 'an id delivered more often than its retries allow'),
    );
    row(
      'signatures',
      `${receiver.badSignatures} bad, ${receiver.unparsable} unparsable`,
      check(receiver.badSignatures === 0 && receiver.unparsable === 0, 'bad signatures'),
    );
    row('rebuilt', rebuilt.join(', '), '');
    console.log(failures.length === 0 ? '\nDrill passed.' : `\nDrill FAILED:\n- ${failures.join('\n- ')}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    if (worker) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await receiver.close();
    await journal.close();
    await clearQueues(workerEnv);
    if (args['keep-database']) say(`kept database ${scratch.url}; worker log ${logFile}`);
    else {
      await scratch.drop();
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

/** Removes the drill's BullMQ keys (the prefix is the scratch database's own). */
async function clearQueues(env: { DATABASE_URL: string; REDIS_URL: string }): Promise<void> {
  const prefix = queuePrefixOf({ databaseUrl: env.DATABASE_URL, dataDir: 'unused' });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (error) {
    console.error(`could not clear the drill's Redis keys under ${prefix}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
