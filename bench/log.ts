/**
 * The transparency log's figures on PostgreSQL (issue 3, "Speed"), each beside a ceiling measured in
 * the same run:
 *   - integrating a 1,000,000-entry journal into the tree (leaves/s) — the sequencer's capacity;
 *   - inclusion proofs for random positions over HTTP (p99, target < 10 ms) vs. a bare Fastify GET route;
 *   - the NDJSON audit-trail export of every entry with its proof (entries/s, target ≥ 30,000; peak RSS
 *     of the ledger, target < 300 MB) vs. plain paged reads of the same rows;
 *   - `ledger verify` of that export (entries/s, target ≥ 50,000) vs. reading and parsing its lines.
 *
 *   npm run bench:log -- [--entries 1000000] [--seconds 10] [--database-url postgres://…] [--keep-file]
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { NewEvent, openJournal, TransparencyLog } from '@ledger/store';
import { NoteSigner } from '@ledger/transparency';
import { createScratchDatabase } from '../test/support/test-backend';
import {
  HttpFigures,
  LEDGER_NODE_FLAGS,
  loadHttp,
  rate,
  startProcess,
  stopProcess,
  waitForViewsToCatchUp,
} from './support/measure';
import { DATABASE_URL_OPTION, scriptOptions } from '../test/support/script-options';

const args = scriptOptions(__filename, {
  entries: { type: 'string', default: '1000000' },
  seconds: { type: 'string', default: '10' },
  'keep-file': { type: 'boolean', default: false },
  'database-url': DATABASE_URL_OPTION,
});
const ENTRIES = Number(args.entries);
const seconds = Number(args.seconds);
const LEDGER_PORT = '3911';
const BARE_PORT = '3912';
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({
  format: 'pem',
  type: 'pkcs8',
}) as string;
const ORIGIN = 'bench.example/log';
const FIELDS = Array.from({ length: 12 }, (_, i) => `field_number_${i}_of_the_dataset`);

function newEvent(): NewEvent {
  return {
    id: randomUUID(),
    type: 'DataAccessed',
    data: {
      datasetId: 'bench-dataset',
      principal: 'bench-user',
      channel: 'api',
      recordCount: 1200,
      fields: FIELDS,
    },
    metadata: {
      actor: { id: 'bench-publisher', role: 'publisher' },
      legalBasis: { rulebook: 'bench/v1', article: 'ch. 4' },
    },
    source: 'urn:bench:gateway',
    schemaVersion: 1,
    occurredAt: '2026-11-29T08:00:00.000Z',
  };
}

function progress(label: string, done: number, total: number): void {
  if (process.stdout.isTTY) process.stdout.write(`\r  ${label}: ${((100 * done) / total).toFixed(0)}%   `);
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_bench');
  console.log(
    `Transparency-log benchmark on PostgreSQL (scratch database ${scratch.name}), ${ENTRIES.toLocaleString('en')} entries\n`,
  );
  const exportFile = join(tmpdir(), `ledger-bench-export-${process.pid}.ndjson`);
  try {
    const integration = await fillAndIntegrate(scratch.url);
    const proofs = await measureProofs(scratch.url);
    const exported = await measureExport(scratch.url, exportFile);
    const verified = await measureVerify(exportFile);
    console.log('\nResults');
    const rows: [string, string, string][] = [
      [
        'integrate into the tree',
        `${rate(integration.leavesPerSecond)} leaves/s`,
        `appends filled it at ${rate(integration.appendRate)} events/s`,
      ],
      ...proofs.flatMap(({ connections, bare, proof }): [string, string, string][] => [
        [
          `bare Fastify GET, ${connections} conns (ceiling)`,
          `${rate(bare.requestsPerSecond)} req/s`,
          `p99 ${bare.p99Ms} ms`,
        ],
        [
          `inclusion proof, ${connections} conns`,
          `${rate(proof.requestsPerSecond)} req/s`,
          `p99 ${proof.p99Ms} ms (target < 10), p50 ${proof.p50Ms} ms, failures ${proof.non2xx + proof.errors}`,
        ],
      ]),
      ['plain paged reads (ceiling)', `${rate(exported.ceilingRowsPerSecond)} rows/s`, ''],
      [
        'NDJSON export with proofs',
        `${rate(exported.entriesPerSecond)} entries/s`,
        `target ≥ 30,000; ledger peak RSS ${exported.peakRssMb} MB (target < 300); ${(exported.bytes / 1e6).toFixed(0)} MB`,
      ],
      ['read + JSON.parse lines (ceiling)', `${rate(verified.ceilingLinesPerSecond)} lines/s`, ''],
      [
        'ledger verify',
        `${rate(verified.entriesPerSecond)} entries/s`,
        `target ≥ 50,000; verdict: ${verified.verdict}`,
      ],
    ];
    for (const row of rows) console.log(`  ${row[0].padEnd(38)} ${row[1].padEnd(22)} ${row[2]}`);
    const failed = proofs.reduce((sum, { proof }) => sum + proof.non2xx + proof.errors, 0);
    if (failed > 0) {
      // A refused request answers fast: its latency is no figure for the proofs.
      console.error(
        `\n  ${failed.toLocaleString('en')} proof requests failed: the proof figures above do not count`,
      );
      process.exitCode = 1;
    }
  } finally {
    if (!args['keep-file']) rmSync(exportFile, { force: true });
    await scratch.drop();
  }
}

async function fillAndIntegrate(
  databaseUrl: string,
): Promise<{ appendRate: number; leavesPerSecond: number }> {
  const journal = await openJournal({ databaseUrl, dataDir: 'unused' });
  try {
    const started = Date.now();
    let appended = 0;
    await Promise.all(
      Array.from({ length: 16 }, async (_, caller) => {
        while (appended < ENTRIES) {
          const count = Math.min(500, ENTRIES - appended);
          appended += count;
          await journal.store.append(`usage-bench-${caller}`, Array.from({ length: count }, newEvent));
          progress('filling the journal', appended, ENTRIES);
        }
      }),
    );
    const appendRate = ENTRIES / ((Date.now() - started) / 1000);
    console.log(`\r  filled ${ENTRIES.toLocaleString('en')} entries at ${rate(appendRate)} events/s`);

    const log = new TransparencyLog(journal.database);
    const integrating = Date.now();
    for (let head = await log.treeHead(); head.size < ENTRIES;) {
      head = await log.integrate();
      progress('integrating', head.size, ENTRIES);
    }
    const leavesPerSecond = ENTRIES / ((Date.now() - integrating) / 1000);
    console.log(`\r  integrated at ${rate(leavesPerSecond)} leaves/s`);
    await log.publishCheckpoint(NoteSigner.fromPem(ORIGIN, SIGNING_KEY), new Date());
    return { appendRate, leavesPerSecond };
  } finally {
    await journal.close();
  }
}

async function measureProofs(
  databaseUrl: string,
): Promise<{ connections: number; bare: HttpFigures; proof: HttpFigures }[]> {
  const randomPosition = () => Math.floor(Math.random() * ENTRIES);
  const results: { connections: number; bare: HttpFigures; proof: HttpFigures }[] = [];
  const ledger = await startLedger(databaseUrl);
  try {
    // The views start from nothing over the entries the bench filled (the violation detection reactor
    // reads every DataAccessed); proofs measured while they catch up share the machine with them (613
    // req/s at 4 connections over 1,000,000 entries, against about 4,000 once they are done).
    await waitForViewsToCatchUp(`http://127.0.0.1:${LEDGER_PORT}`);
    // 4 connections: the latency one caller sees; 16: what the ledger sustains when busy.
    for (const connections of [4, 16]) {
      console.log(`\n  inclusion proofs, random positions, ${connections} connections:`);
      const bareServer = await startProcess(join(__dirname, 'support', 'bare-fastify.js'), {
        PORT: BARE_PORT,
      });
      const bare = await loadHttp({
        title: 'bare Fastify GET route',
        url: `http://127.0.0.1:${BARE_PORT}/proof`,
        connections,
        seconds,
        headers: {},
        path: () => `/proof?position=${randomPosition()}`,
      });
      await stopProcess(bareServer);
      const proof = await loadHttp({
        title: 'GET /v1/log/proofs/inclusion',
        url: `http://127.0.0.1:${LEDGER_PORT}/v1/log/proofs/inclusion`,
        connections,
        seconds,
        headers: {},
        path: () => `/v1/log/proofs/inclusion?position=${randomPosition()}&treeSize=${ENTRIES}`,
      });
      results.push({ connections, bare, proof });
    }
    return results;
  } finally {
    await stopProcess(ledger.process);
  }
}

async function measureExport(
  databaseUrl: string,
  file: string,
): Promise<{ entriesPerSecond: number; ceilingRowsPerSecond: number; peakRssMb: number; bytes: number }> {
  console.log('\n  export:');
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const ceilingStarted = Date.now();
  for (let next = 0; next < ENTRIES; next += 1024) {
    await pool.query(
      `SELECT global_position, encode(leaf_hash, 'base64') AS leaf_hash, entry FROM ledger.events
        WHERE global_position >= $1 AND global_position < $2 ORDER BY global_position LIMIT 1024`,
      [next, ENTRIES],
    );
  }
  const ceilingRowsPerSecond = ENTRIES / ((Date.now() - ceilingStarted) / 1000);
  await pool.end();
  console.log(`  plain paged reads: ${rate(ceilingRowsPerSecond)} rows/s`);

  const ledger = await startLedger(databaseUrl);
  try {
    const started = Date.now();
    const response = await fetch(
      `http://127.0.0.1:${LEDGER_PORT}/v1/audit-trail?toPosition=${ENTRIES}&type=DataAccessed`,
      { headers: { authorization: `Bearer ${ledger.adminToken}` } },
    );
    if (!response.ok || !response.body)
      throw new Error(`export failed: ${response.status} ${await response.text()}`);
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      createWriteStream(file),
    );
    const entriesPerSecond = ENTRIES / ((Date.now() - started) / 1000);
    const status = readFileSync(`/proc/${ledger.process.pid}/status`, 'utf8');
    const peakRssMb = Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
    console.log(`  NDJSON export: ${rate(entriesPerSecond)} entries/s, ledger peak RSS ${peakRssMb} MB`);
    return { entriesPerSecond, ceilingRowsPerSecond, peakRssMb, bytes: statSync(file).size };
  } finally {
    await stopProcess(ledger.process);
  }
}

async function measureVerify(
  file: string,
): Promise<{ entriesPerSecond: number; ceilingLinesPerSecond: number; verdict: string }> {
  console.log('\n  verify:');
  const ceilingStarted = Date.now();
  let lines = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    JSON.parse(line);
    lines++;
  }
  const ceilingLinesPerSecond = lines / ((Date.now() - ceilingStarted) / 1000);
  console.log(`  read + parse: ${rate(ceilingLinesPerSecond)} lines/s`);
  // As an auditor runs it: the built `ledger verify` in a process of its own.
  const verifierKey = NoteSigner.fromPem(ORIGIN, SIGNING_KEY).verifierKey;
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [join(__dirname, '..', 'bin', 'ledger.js'), 'verify', file, '--key', verifierKey],
    {
      encoding: 'utf8',
    },
  );
  const entriesPerSecond = ENTRIES / ((Date.now() - started) / 1000);
  const verdict = run.stdout.trim() || run.stderr.trim();
  console.log(`  ledger verify: ${rate(entriesPerSecond)} entries/s, exit ${run.status} — ${verdict}`);
  return { entriesPerSecond, ceilingLinesPerSecond, verdict };
}

/** The bootstrap key counts only on an empty ledger, so every start of the bench's ledger uses the first one. */
const ADMIN_TOKEN = randomBytes(24).toString('hex');

async function startLedger(databaseUrl: string) {
  const adminToken = ADMIN_TOKEN;
  const child = await startProcess(
    join(__dirname, '..', 'dist', 'apps', 'ledger', 'main.js'),
    {
      DATABASE_URL: databaseUrl,
      PORT: LEDGER_PORT,
      LEDGER_BOOTSTRAP_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      LEDGER_SIGNING_KEY: SIGNING_KEY,
      LEDGER_LOG_ORIGIN: ORIGIN,
      // The proofs are asked without a key, as a verifier would; the per-IP limit on anonymous requests
      // (300 a minute by default) is a deployment's policy, not the endpoint's capacity measured here.
      LEDGER_RATE_LIMIT_ANONYMOUS: 'off',
    },
    `http://127.0.0.1:${LEDGER_PORT}/health/ready`,
    LEDGER_NODE_FLAGS,
  );
  return { process: child, adminToken };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
