/**
 * The journal's append figures on PostgreSQL, each printed beside its ceiling measured in the same run
 * (issue 2, "Speed"):
 *   - single-event appends over HTTP at 32 connections vs. a bare Fastify route parsing the same JSON;
 *   - 100-event batches over HTTP (events/s);
 *   both against the API process alone (LEDGER_PROCESS=api, its worker elsewhere) and again against an
 *   API that runs the projection worker too, as `npm start` does;
 *   - in-process appends through the EventStore port from 32 callers vs. plain 100-row INSERTs of the
 *     same rows into the same database;
 * and (issue 3) each append figure again with the transparency log's sequencer off (LEDGER_SEQUENCER=off),
 * so the log's cost shows as "with the log / without" (target ≥ 80%).
 *
 *   npm run bench:append -- [--seconds 10] [--database-url postgres://…] [--only http|in-process]
 *
 * Needs the built ledger (the script builds it) and a PostgreSQL it may create a scratch database in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { NoteSigner } from '@ledger/transparency';
import { generateKeyPairSync } from 'node:crypto';
import {
  encodeEntry,
  leafHashOf,
  LogSequencer,
  NewEvent,
  openJournal,
  prepareEvent,
  TransparencyLog,
} from '@ledger/store';
import { createScratchDatabase, withClient } from '../test/support/test-backend';
import {
  HttpFigures,
  LEDGER_NODE_FLAGS,
  loadHttp,
  loadInProcess,
  percent,
  rate,
  startProcess,
  stopProcess,
  waitForLogToCatchUp,
  waitForViewsToCatchUp,
} from './support/measure';
import { DATABASE_URL_OPTION, scriptOptions } from '../test/support/script-options';

const args = scriptOptions(__filename, {
  seconds: { type: 'string', default: '10' },
  only: { type: 'string' },
  'database-url': DATABASE_URL_OPTION,
});
const seconds = Number(args.seconds);
const SOURCE = 'urn:bench:gateway';
const LEDGER_PORT = '3901';
const BARE_PORT = '3902';
/** The log's name, for the ledger's checkpoints and the in-process sequencer's alike: a log keeps one signer. */
const LOG_ORIGIN = 'bench.example/log';
const BENCH_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({
  format: 'pem',
  type: 'pkcs8',
}) as string;
const FIELDS = Array.from({ length: 12 }, (_, i) => `field_number_${i}_of_the_dataset`);

/** A DataAccessed CloudEvent of about 500 bytes. */
function cloudEvent(id: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: SOURCE,
    type: 'DataAccessed',
    time: '2026-11-29T08:00:00.000Z',
    data: {
      datasetId: 'bench-dataset',
      principal: 'bench-user',
      channel: 'api',
      recordCount: 1200,
      fields: FIELDS,
    },
  };
}

function newEvent(): NewEvent {
  const { data } = cloudEvent('') as { data: NewEvent['data'] };
  return {
    id: randomUUID(),
    type: 'DataAccessed',
    data,
    metadata: {
      actor: { id: 'bench-publisher', role: 'publisher' },
      legalBasis: { rulebook: 'bench/v1', article: 'ch. 4' },
    },
    source: SOURCE,
    schemaVersion: 1,
    occurredAt: '2026-11-29T08:00:00.000Z',
  };
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_bench');
  const databaseUrl = scratch.url;
  console.log(
    `Append benchmark on PostgreSQL (scratch database ${scratch.name}), ${seconds} s per measurement\n`,
  );
  try {
    const http = args.only === 'in-process' ? undefined : await measureHttp(databaseUrl);
    if (!http) await openJournal({ databaseUrl, dataDir: 'unused' }).then((journal) => journal.close());
    const inProcess = args.only === 'http' ? undefined : await measureInProcess(databaseUrl);
    report(http, inProcess);
  } finally {
    await scratch.drop();
  }
}

interface HttpResults {
  bare: HttpFigures;
  single: HttpFigures;
  batch: HttpFigures;
  withoutLog: { single: HttpFigures; batch: HttpFigures };
  withWorker: { single: HttpFigures; batch: HttpFigures };
}

async function measureHttp(databaseUrl: string): Promise<HttpResults> {
  const body = JSON.stringify(cloudEvent(randomUUID()));
  console.log(`HTTP (event body ${Buffer.byteLength(body)} bytes, 32 connections):`);
  const bareServer = await startProcess(join(__dirname, 'support', 'bare-fastify.js'), { PORT: BARE_PORT });
  const bare = await loadHttp({
    title: 'bare Fastify route parsing the JSON body',
    url: `http://127.0.0.1:${BARE_PORT}/ingest`,
    connections: 32,
    seconds,
    headers: { 'content-type': 'application/json' },
    body: () => body,
  });
  await stopProcess(bareServer);
  const adminToken = randomBytes(24).toString('hex');
  console.log('\n  the API process alone, without the transparency log (LEDGER_SEQUENCER=off):');
  const withoutLog = await measureLedger(databaseUrl, adminToken, { sequencer: 'off', role: 'api' });
  console.log('\n  the API process alone, with the transparency log (sequencer and checkpoints in it):');
  const withLog = await measureLedger(databaseUrl, adminToken, { sequencer: 'on', role: 'api' });
  console.log('\n  the API with the projection worker in the same process (as `npm start` runs it):');
  const withWorker = await measureLedger(databaseUrl, adminToken, { sequencer: 'on', role: 'all' });
  return { bare, ...withLog, withoutLog, withWorker };
}

/**
 * The journal's figures are the API process's (LEDGER_PROCESS=api, the split deployment of
 * architecture.md): its projection worker runs elsewhere and catches up behind the appends. The same
 * loads against an API that runs the worker too (every projection folding every event as it lands, on
 * the same two cores) are printed beside them.
 */
async function measureLedger(
  databaseUrl: string,
  adminToken: string,
  { sequencer, role }: { sequencer: 'on' | 'off'; role: 'api' | 'all' },
): Promise<{ single: HttpFigures; batch: HttpFigures }> {
  const ledger = await startProcess(
    join(__dirname, '..', 'dist', 'apps', 'ledger', 'main.js'),
    {
      DATABASE_URL: databaseUrl,
      PORT: LEDGER_PORT,
      LEDGER_BOOTSTRAP_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      LEDGER_PROCESS: role,
      LEDGER_SEQUENCER: sequencer,
      // One publisher key sends every request: the per-key limit (60,000 a minute) is not what is measured.
      LEDGER_RATE_LIMIT_PER_PRINCIPAL: 'off',
      LEDGER_SIGNING_KEY: BENCH_SIGNING_KEY,
      LEDGER_LOG_ORIGIN: LOG_ORIGIN,
      LEDGER_CHECKPOINT_INTERVAL_MS: '1000',
    },
    `http://127.0.0.1:${LEDGER_PORT}/health/ready`,
    LEDGER_NODE_FLAGS,
  );
  try {
    // Its sequencer and worker start over what the runs before this one appended (the log was off in
    // the first); measured once both have caught up, so the figures are the steady state's.
    if (sequencer === 'on') await waitForLogToCatchUp(`http://127.0.0.1:${LEDGER_PORT}`, databaseUrl);
    if (role === 'all') await waitForViewsToCatchUp(`http://127.0.0.1:${LEDGER_PORT}`);
    const publisher = await createPublisher(adminToken);
    const headers = { authorization: `Bearer ${publisher}` };
    const prefix = randomBytes(4).toString('hex');
    let counter = 0;
    await checkpoint(databaseUrl);
    const single = await loadHttp({
      title: 'POST /v1/events, one structured CloudEvent per request',
      url: `http://127.0.0.1:${LEDGER_PORT}/v1/events`,
      connections: 32,
      seconds,
      headers: { ...headers, 'content-type': 'application/cloudevents+json' },
      body: () => JSON.stringify(cloudEvent(`${prefix}-${counter++}`)),
    });
    await checkpoint(databaseUrl);
    const batch = await loadHttp({
      title: 'POST /v1/events, batches of 100 CloudEvents',
      url: `http://127.0.0.1:${LEDGER_PORT}/v1/events`,
      connections: 16,
      seconds,
      headers: { ...headers, 'content-type': 'application/cloudevents-batch+json' },
      body: () => JSON.stringify(Array.from({ length: 100 }, () => cloudEvent(`${prefix}-${counter++}`))),
    });
    return { single, batch };
  } finally {
    await stopProcess(ledger);
  }
}

async function createPublisher(adminToken: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${LEDGER_PORT}/v1/principals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench gateway',
      role: 'publisher',
      publish: { types: ['DataAccessed'], sources: [SOURCE] },
    }),
  });
  const created = (await response.json()) as { token?: string };
  if (!created.token) throw new Error(`could not create the bench publisher: ${JSON.stringify(created)}`);
  return created.token;
}

interface InProcessResults {
  plainInsertRows: number;
  portBatchEvents: number;
  portSingleEvents: number;
  portBatchEventsWithLog: number;
}

async function measureInProcess(databaseUrl: string): Promise<InProcessResults> {
  console.log('\nIn process (32 concurrent callers):');
  const pool = new Pool({ connectionString: databaseUrl, max: 32 });
  await pool.query('CREATE TABLE bench_plain_rows (LIKE ledger.events INCLUDING ALL)');
  // The same rows as the journal gets: random UUID event ids, ~700-byte canonical entries, real hashes.
  const template = prepareEvent('usage-bench', newEvent());
  const canonical = encodeEntry(template, 0, 0, '2026-11-29T08:00:00.000Z');
  let nextRow = 0;
  await checkpoint(databaseUrl);
  const plainInsertRows = await loadInProcess(
    'plain 100-row INSERTs (the ceiling)',
    32,
    seconds,
    async () => {
      const first = nextRow;
      nextRow += 100;
      const positions = Array.from({ length: 100 }, (_, i) => first + i);
      const ids = positions.map(() => randomUUID());
      const hashes = positions.map((position) => leafHashOf(canonical + position).toString('hex'));
      await pool.query(
        `INSERT INTO bench_plain_rows
         (global_position, event_id, stream_id, stream_version, type, recorded_at, actor_id, entry, leaf_hash, fingerprint)
       SELECT p, id, 'usage-bench', p, 'DataAccessed', now(), 'bench-publisher', $3, decode(h, 'hex'), decode(h, 'hex')
         FROM unnest($1::int8[], $2::text[], $4::text[]) AS r(p, id, h)`,
        [positions, ids, canonical, hashes],
      );
      return 100;
    },
  );
  await pool.end();

  const journal = await openJournal({ databaseUrl, dataDir: 'unused' });
  try {
    await checkpoint(databaseUrl);
    const portBatchEvents = await loadInProcess(
      'EventStore.append, 100 events per call',
      32,
      seconds,
      async () => {
        await journal.store.append('usage-bench-batch', Array.from({ length: 100 }, newEvent));
        return 100;
      },
    );
    await checkpoint(databaseUrl);
    const portSingleEvents = await loadInProcess(
      'EventStore.append, 1 event per call',
      32,
      seconds,
      async () => {
        await journal.store.append('usage-bench-single', [newEvent()]);
        return 1;
      },
    );
    // The same appends with the log's sequencer integrating behind them and signing every second.
    const sequencer = new LogSequencer({
      log: new TransparencyLog(journal.database),
      store: journal.store,
      signer: NoteSigner.fromPem(LOG_ORIGIN, BENCH_SIGNING_KEY),
      checkpointIntervalMs: 1000,
    });
    await sequencer.start();
    await checkpoint(databaseUrl);
    const portBatchEventsWithLog = await loadInProcess(
      'EventStore.append, 100 events per call, with the log sequencing',
      32,
      seconds,
      async () => {
        await journal.store.append('usage-bench-batch-logged', Array.from({ length: 100 }, newEvent));
        return 100;
      },
    );
    await sequencer.stop();
    return { plainInsertRows, portBatchEvents, portSingleEvents, portBatchEventsWithLog };
  } finally {
    await journal.close();
  }
}

/**
 * Each measurement, over HTTP and in process, starts from a checkpoint: the one before it wrote
 * hundreds of megabytes, and the checkpoint that follows (and the full-page images it brings into the
 * WAL) would otherwise fall on whichever measurement comes next.
 */
async function checkpoint(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, (client) => client.query('CHECKPOINT'));
}

function report(http: HttpResults | undefined, inProcess: InProcessResults | undefined): void {
  const rows: [string, string, string, string][] = [];
  if (http) {
    rows.push(
      [
        'bare Fastify route (ceiling)',
        `${rate(http.bare.requestsPerSecond)} req/s`,
        `p99 ${http.bare.p99Ms} ms`,
        '',
      ],
      [
        'single-event appends over HTTP',
        `${rate(http.single.requestsPerSecond)} events/s`,
        `p99 ${http.single.p99Ms} ms (target < 25)`,
        `${percent(http.single.requestsPerSecond, http.bare.requestsPerSecond)} of bare (target ≥ 25%)`,
      ],
      [
        '100-event batches over HTTP',
        `${rate(http.batch.requestsPerSecond * 100)} events/s`,
        `p99 ${http.batch.p99Ms} ms`,
        'target ≥ 20,000 events/s',
      ],
      [
        'single-event, API + worker in one process',
        `${rate(http.withWorker.single.requestsPerSecond)} events/s`,
        `p99 ${http.withWorker.single.p99Ms} ms`,
        `${percent(http.withWorker.single.requestsPerSecond, http.bare.requestsPerSecond)} of bare`,
      ],
      [
        '100-event batches, API + worker in one process',
        `${rate(http.withWorker.batch.requestsPerSecond * 100)} events/s`,
        `p99 ${http.withWorker.batch.p99Ms} ms`,
        '',
      ],
      [
        'single-event, log off',
        `${rate(http.withoutLog.single.requestsPerSecond)} events/s`,
        `p99 ${http.withoutLog.single.p99Ms} ms`,
        `with the log: ${percent(http.single.requestsPerSecond, http.withoutLog.single.requestsPerSecond)} of this (target ≥ 80%)`,
      ],
      [
        '100-event batches, log off',
        `${rate(http.withoutLog.batch.requestsPerSecond * 100)} events/s`,
        `p99 ${http.withoutLog.batch.p99Ms} ms`,
        `with the log: ${percent(http.batch.requestsPerSecond, http.withoutLog.batch.requestsPerSecond)} of this (target ≥ 80%)`,
      ],
    );
  }
  if (inProcess) {
    rows.push(
      ['plain 100-row INSERTs (ceiling)', `${rate(inProcess.plainInsertRows)} rows/s`, '', ''],
      [
        'port appends, 100 events per call',
        `${rate(inProcess.portBatchEvents)} events/s`,
        '',
        `${percent(inProcess.portBatchEvents, inProcess.plainInsertRows)} of plain INSERTs (target ≥ 50%)`,
      ],
      ['port appends, 1 event per call', `${rate(inProcess.portSingleEvents)} events/s`, '', ''],
      [
        'port appends, 100/call, with log',
        `${rate(inProcess.portBatchEventsWithLog)} events/s`,
        '',
        `${percent(inProcess.portBatchEventsWithLog, inProcess.portBatchEvents)} of without the log (target ≥ 80%)`,
      ],
    );
  }
  console.log('\nResults');
  for (const row of rows)
    console.log(`  ${row[0].padEnd(34)} ${row[1].padEnd(20)} ${row[2].padEnd(28)} ${row[3]}`);
  if (http) {
    const failures = [http.single, http.batch, http.withoutLog.single, http.withoutLog.batch].reduce(
      (sum, figures) => sum + figures.non2xx + figures.errors,
      0,
    );
    console.log(`\n  failed requests during the HTTP runs: ${failures}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
