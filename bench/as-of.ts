/**
 * A dataset's state as of a random point of a 10,000-event stream, on PostgreSQL (issue: dataset
 * history, "Speed": p99 under 100 ms), beside the ceiling measured in the same run: reading that
 * stream with one plain SELECT. Also printed: the plain fold without snapshots (what GET /v1/datasets/{id}
 * cost before), to show what the snapshots buy.
 *
 *   npm run bench:as-of -- [--events 10000] [--seconds 10] [--database-url postgres://…]
 *
 * Needs the built ledger (the script builds it) and a PostgreSQL it may create a scratch database in.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { datasetDecider } from '@ledger/domain';
import type { LedgerEntry } from '@ledger/events';
import { CommandLoop, EventDataValidator, loadRulebooks, Rulebooks } from '@ledger/runtime';
import { openJournal } from '@ledger/store';
import { aLongDatasetHistory, seededRandom } from '../test/builders/dataset-history';
import { createScratchDatabase } from '../test/support/test-backend';
import { HttpFigures, LEDGER_NODE_FLAGS, loadHttp, startProcess, stopProcess } from './support/measure';
import { DATABASE_URL_OPTION, scriptOptions } from '../test/support/script-options';

const args = scriptOptions(__filename, {
  events: { type: 'string', default: '10000' },
  seconds: { type: 'string', default: '10' },
  'database-url': DATABASE_URL_OPTION,
});
const EVENTS = Number(args.events);
const seconds = Number(args.seconds);
const LEDGER_PORT = '3921';
const DATASET = 'bench-as-of';
const STREAM = `dataset-${DATASET}`;
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({
  format: 'pem',
  type: 'pkcs8',
}) as string;
const REPEATS = 40;

interface Timings {
  p50Ms: number;
  p99Ms: number;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_bench');
  console.log(`As-of benchmark on PostgreSQL (scratch database ${scratch.name}), ${EVENTS} events\n`);
  try {
    const { first, last, firstAt, lastAt, plainFold } = await fill(scratch.url);
    const ceiling = await plainSelect(scratch.url);
    const http = await measureHttp(scratch.url, { first, last, firstAt, lastAt });
    report(ceiling, plainFold, http);
  } finally {
    await scratch.drop();
  }
}

/** Appends the stream and times the plain fold of it. */
async function fill(databaseUrl: string) {
  const journal = await openJournal({ databaseUrl, dataDir: 'unused' });
  try {
    const history = aLongDatasetHistory(EVENTS, { random: seededRandom(42) });
    const started = Date.now();
    // Small batches (7 does not divide the snapshot interval), so recorded times spread over the stream.
    for (let i = 0; i < history.length; i += 7) await journal.store.append(STREAM, history.slice(i, i + 7));
    console.log(`  appended ${EVENTS} events to ${STREAM} in ${Date.now() - started} ms`);
    const { entries } = await journal.store.readStream(STREAM);
    const recordedAt = (index: number) =>
      Date.parse((JSON.parse(entries[index].canonical) as LedgerEntry).recordedAt);
    const loop = new CommandLoop(journal.store, new Rulebooks(loadRulebooks()), new EventDataValidator());
    const plainFold = await repeat('plain fold of the whole stream (CommandLoop.load, no snapshots)', () =>
      loop.load(datasetDecider, STREAM),
    );
    return {
      first: entries[0].globalPosition,
      last: entries[entries.length - 1].globalPosition,
      firstAt: recordedAt(0),
      lastAt: recordedAt(entries.length - 1),
      plainFold,
    };
  } finally {
    await journal.close();
  }
}

/** The ceiling: the whole stream's rows, in order, with one plain SELECT on one connection. */
async function plainSelect(databaseUrl: string): Promise<Timings> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await repeat('plain SELECT of the stream’s entries (the ceiling)', () =>
      pool.query('SELECT entry FROM ledger.events WHERE stream_id = $1 ORDER BY stream_version', [STREAM]),
    );
  } finally {
    await pool.end();
  }
}

async function repeat(title: string, work: () => Promise<unknown>): Promise<Timings> {
  process.stdout.write(`  ${title}: `);
  await work();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const timings = {
    p50Ms: times[Math.floor(times.length * 0.5)],
    p99Ms: times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)],
  };
  process.stdout.write(`p50 ${timings.p50Ms.toFixed(1)} ms, p99 ${timings.p99Ms.toFixed(1)} ms\n`);
  return timings;
}

interface HttpResults {
  coldMs: number;
  positions1: HttpFigures;
  positions8: HttpFigures;
  times8: HttpFigures;
  current8: HttpFigures;
}

async function measureHttp(
  databaseUrl: string,
  range: { first: number; last: number; firstAt: number; lastAt: number },
): Promise<HttpResults> {
  const adminToken = randomBytes(24).toString('hex');
  console.log('\nHTTP, the built ledger as `npm start` runs it:');
  const ledger = await startProcess(
    join(__dirname, '..', 'dist', 'apps', 'ledger', 'main.js'),
    {
      DATABASE_URL: databaseUrl,
      PORT: LEDGER_PORT,
      LEDGER_BOOTSTRAP_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      LEDGER_SIGNING_KEY: SIGNING_KEY,
    },
    `http://127.0.0.1:${LEDGER_PORT}/health/ready`,
    LEDGER_NODE_FLAGS,
  );
  try {
    const headers = { authorization: `Bearer ${await dataUserKey(adminToken)}` };
    const url = `http://127.0.0.1:${LEDGER_PORT}/v1/datasets/${DATASET}`;
    const random = seededRandom(7);
    const position = () => range.first + Math.floor(random() * (range.last - range.first + 1));
    const time = () =>
      new Date(range.firstAt + Math.floor(random() * (range.lastAt - range.firstAt + 1))).toISOString();
    // The first read of the stream folds all of it and keeps its snapshots; every later one starts from those.
    const started = performance.now();
    const cold = await fetch(`${url}?asOf=${position()}`, { headers });
    const coldMs = performance.now() - started;
    if (!cold.ok) throw new Error(`GET ?asOf= answered ${cold.status}: ${await cold.text()}`);
    console.log(`  first (cold) GET ?asOf=: ${coldMs.toFixed(0)} ms`);
    const load = (title: string, connections: number, path: () => string) =>
      loadHttp({ title, url, connections, seconds, headers, path });
    const positions1 = await load('GET ?asOf=<random position>, 1 connection', 1, () => asOfPath(position()));
    const positions8 = await load('GET ?asOf=<random position>, 8 connections', 8, () =>
      asOfPath(position()),
    );
    const times8 = await load('GET ?asOf=<random time>, 8 connections', 8, () => asOfPath(time()));
    const current8 = await load('GET (current state), 8 connections', 8, () => `/v1/datasets/${DATASET}`);
    return { coldMs, positions1, positions8, times8, current8 };
  } finally {
    await stopProcess(ledger);
  }
}

function asOfPath(point: number | string): string {
  return `/v1/datasets/${DATASET}?asOf=${encodeURIComponent(String(point))}`;
}

async function dataUserKey(adminToken: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${LEDGER_PORT}/v1/principals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench reader', role: 'data_user' }),
  });
  const created = (await response.json()) as { token?: string };
  if (!created.token) throw new Error(`could not create the bench reader: ${JSON.stringify(created)}`);
  return created.token;
}

function report(ceiling: Timings, plainFold: Timings, http: HttpResults): void {
  const failures = (figures: HttpFigures) =>
    figures.non2xx + figures.errors > 0 ? `, ${figures.non2xx} non-2xx, ${figures.errors} errors` : '';
  const row = (title: string, figures: HttpFigures) =>
    `| ${title} | ${Math.round(figures.requestsPerSecond)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms${failures(figures)} | ${figures.p99Ms < 100 ? 'yes' : '**no**'} |`;
  console.log(
    [
      '',
      `Ceiling (same run): plain SELECT of the ${EVENTS}-event stream: p50 ${ceiling.p50Ms.toFixed(1)} ms, p99 ${ceiling.p99Ms.toFixed(1)} ms`,
      `Without snapshots: the plain fold of the stream: p50 ${plainFold.p50Ms.toFixed(1)} ms, p99 ${plainFold.p99Ms.toFixed(1)} ms`,
      `First (cold) as-of read, folding the whole stream once: ${http.coldMs.toFixed(0)} ms`,
      '',
      '| measurement | figure | p99 < 100 ms |',
      '|---|---|---|',
      row('GET ?asOf=<random position>, 1 connection', http.positions1),
      row('GET ?asOf=<random position>, 8 connections', http.positions8),
      row('GET ?asOf=<random time>, 8 connections', http.times8),
      row('GET current state, 8 connections', http.current8),
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
