/**
 * The reliability drill of issue 8: "Back up and restore: the documented procedure restores a ledger
 * whose `ledger audit` passes, whose old checkpoints are consistent with the new ones, and that
 * accepts appends at the right next position."
 *
 *   npm run drill:backup-restore -- [--seconds 20] [--rate 100] [--no-new-cluster] [--no-embedded]
 *   (or, after `npm run build`,
 *    npx ts-node --swc -r tsconfig-paths/register test/drills/backup-restore.drill.ts [options])
 *
 * 1. The source: a scratch database on DATABASE_URL's cluster (or the local one; dropped at the end)
 *    and a redis-server of the drill's own; the built API and worker, with the master key and the
 *    signing key generated into their LEDGER_DATA_DIR (the default); a webhook subscriber; a correction
 *    filed with a reporter (personal data, sealed under the master key); appends at a steady rate.
 * 2. A verifier pins the log's key and keeps two checkpoints, one early and one just before the backup.
 * 3. The backup, while appends go on: `pg_dump -Fc` of the running ledger's database, and a copy of
 *    the data directory's `master-key`, `log-signing-key.pem` and `exports/`. The load goes on a few
 *    seconds (what is appended after the dump is what a restore from it loses), then the source stops.
 * 4. Restores, each started as the built API and worker and checked the same way:
 *    - into a new database on the same cluster (`createdb`, `pg_restore`);
 *    - into a new cluster (`initdb`: the cluster-wide role ledger_app created first), unless --no-new-cluster.
 *    Checks: pg_restore without errors; the restored journal is the source's up to its head and holds
 *    every event acknowledged before the dump began; `ledger audit --key` passes; the verifier key is
 *    the pinned one; both kept checkpoints are consistent with one the restored ledger signs (proofs
 *    from GET /v1/log/proofs/consistency, checked with the CLI's verifier code); starting wrote nothing
 *    and the next append lands at the restored head + 1; the views were restored (no rebuild), catch up
 *    and agree with the journal, and `ledger projections rebuild` works; the job outbox drains and
 *    every restored event reaches the subscriber; the filing's personal data reads in plain text; the
 *    export's file downloads. On the first restore, the API started with another master key or
 *    another signing key refuses to start.
 * 5. Embedded mode (unless --no-embedded): the built ledger on PGlite, stopped, its LEDGER_DATA_DIR
 *    copied; `ledger audit --data-dir` passes on the copy, which starts with the same key, extends
 *    the kept checkpoint and appends at its head + 1.
 * Prints what it did and found; exits 0 only when every check holds (1 when one fails, 2 when the
 * drill itself could not run).
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { postgresBinDir, ScratchPostgres } from '../support/scratch-postgres';
import { ScratchRedis } from '../support/scratch-redis';
import { createScratchDatabase } from '../support/test-backend';
import {
  AppendLoad,
  call,
  DeliveryCounter,
  describeStatuses,
  LedgerEndpoint,
  Phase,
  subscribe,
} from './append-load';
import {
  AppProcess,
  describeCounts,
  errorsIn,
  expectRefusedStart,
  n,
  runBuiltCli,
  sayer,
  seconds,
  sleep,
  startLedgerProcesses,
  startWorkerProcess,
  stopApp,
  Summary,
} from './drill-processes';
import {
  checkConsistent,
  KeptCheckpoint,
  latestCheckpoint,
  pinVerifierKey,
  signCheckpointNow,
} from './log-checks';
import { askExport, exportStatuses, waitForWorker } from './postgres-checks';
import { DATABASE_URL_OPTION, scriptOptions } from '../support/script-options';

const args = scriptOptions(__filename, {
  /** How long the load runs on the source, in all. */
  seconds: { type: 'string', default: '20' },
  /** When the backup starts, counted from the start of the load (default: half way). */
  'backup-at': { type: 'string' },
  rate: { type: 'string', default: '100' },
  'database-url': DATABASE_URL_OPTION,
  'no-new-cluster': { type: 'boolean', default: false },
  'no-embedded': { type: 'boolean', default: false },
  'drain-timeout-seconds': { type: 'string', default: '120' },
  'keep-files': { type: 'boolean', default: false },
});
const SECONDS = Number(args.seconds);
const BACKUP_AT = args['backup-at'] !== undefined ? Number(args['backup-at']) : SECONDS / 2;
const RATE = Number(args.rate);
const DRAIN_TIMEOUT_MS = Number(args['drain-timeout-seconds']) * 1000;
const SECRET = 'drill-subscriber-secret-0123456789';
const ORGANIZATION = 'drill-body';
const KEY_FILES = ['master-key', 'log-signing-key.pem'];

const say = sayer();
const summary = new Summary({ deferred: true });

/** What the source left for the restores to be checked against. */
interface Source {
  key: string;
  kept: KeptCheckpoint[];
  /** Events acknowledged before pg_dump began: every one must be restored. */
  acknowledgedBeforeDump: string[];
  correctionId: string;
  reporter: { name: string; contact: string };
  officerToken: string;
  exportId?: string;
}

async function main(): Promise<number> {
  const bin = postgresBinDir();
  const workDir = mkdtempSync(join(tmpdir(), 'ledger-backup-drill-'));
  const redis = await ScratchRedis.start();
  const apps: AppProcess[] = [];
  const clusters: ScratchPostgres[] = [];
  const databases: { drop(): Promise<void> }[] = [];
  process.once('exit', () => {
    for (const app of apps) app.child.kill('SIGKILL');
    redis.killNow();
    for (const cluster of clusters) {
      if (args['keep-files']) cluster.stopNow();
      else cluster.removeNow();
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const receiver = await new DeliveryCounter(SECRET).start();
  const adminToken = `drill-admin-${randomBytes(16).toString('hex')}`;
  say(
    `backup-restore drill: ${RATE} events/s for ${SECONDS} s on the source, pg_dump at ${BACKUP_AT} s; restores into a new database` +
      `${args['no-new-cluster'] ? '' : ' and into a new cluster'}${args['no-embedded'] ? '' : '; embedded mode: a copied data directory'}`,
  );
  say(`   PostgreSQL binaries in ${bin}; own redis-server at ${redis.url}; files in ${workDir}`);
  try {
    const source = await createScratchDatabase(args['database-url'] as string, 'ledger_drill_backup');
    databases.push(source);
    const { backupFile, backupKeys, facts } = await runSource(
      source.url,
      workDir,
      redis,
      receiver,
      adminToken,
      apps,
    );

    const restored = await createScratchDatabase(args['database-url'] as string, 'ledger_drill_restored');
    databases.push(restored);
    await restoreAndCheck('new database', {
      bin,
      backupFile,
      backupKeys,
      targetUrl: restored.url,
      sourceUrl: source.url,
      workDir,
      redis,
      receiver,
      adminToken,
      apps,
      facts,
      wrongKeys: true,
    });

    if (!args['no-new-cluster']) {
      const cluster = await ScratchPostgres.start();
      clusters.push(cluster);
      // Roles belong to the cluster: the dump's owners and GRANTs name ledger_app, which a new
      // cluster does not have yet.
      await withClient(cluster.url(), (client) => client.query('CREATE ROLE ledger_app NOLOGIN'));
      const targetUrl = await cluster.createDatabase('ledger');
      await restoreAndCheck('new cluster', {
        bin,
        backupFile,
        backupKeys,
        targetUrl,
        sourceUrl: source.url,
        workDir,
        redis,
        receiver,
        adminToken,
        apps,
        facts,
        wrongKeys: false,
      });
    }

    if (!args['no-embedded']) await embeddedCopy(workDir, adminToken, apps);

    for (const app of apps) {
      summary.row(`${app.name}: log lines at error or above`, describeCounts(errorsIn(app.logFile)));
    }
    return summary.verdict();
  } finally {
    for (const app of [...apps].reverse()) await stopApp(app);
    await receiver.close();
    await redis.kill();
    if (args['keep-files']) say(`kept the databases, clusters and files in ${workDir}`);
    else {
      for (const database of databases) await database.drop().catch(() => undefined);
      for (const cluster of clusters) await cluster.remove();
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// 1–3: the source, the verifier and the backup.

async function runSource(
  databaseUrl: string,
  workDir: string,
  redis: ScratchRedis,
  receiver: DeliveryCounter,
  adminToken: string,
  apps: AppProcess[],
): Promise<{ backupFile: string; backupKeys: string; facts: Source }> {
  const dataDir = join(workDir, 'source-data');
  const started = await startLedgerProcesses({
    name: 'source',
    env: {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      LEDGER_DATA_DIR: dataDir,
      LEDGER_CHECKPOINT_INTERVAL_MS: '2000',
    },
    logDir: workDir,
    adminToken,
    worker: true,
    started: apps,
  });
  const ledger: LedgerEndpoint = { url: started.url, adminToken };
  say(`1. source: API and worker on ${ledger.url}, keys generated into ${dataDir}`);
  let phase: Phase = 'before';
  const load = await AppendLoad.prepare(ledger, () => phase);
  await subscribe(ledger, receiver.url, SECRET);
  const filing = await fileCorrection(ledger);
  const key = await pinVerifierKey(ledger);
  const kept = [await signCheckpointNow(ledger)];
  say(
    `   subscriber ${receiver.url}; correction ${filing.correctionId} filed with a reporter; verifier key pinned; checkpoint of size ${kept[0].checkpoint.size} kept`,
  );

  say(`2. load on the source`);
  const loadStarted = Date.now();
  load.start(RATE);
  let exportId: string | undefined;
  while (Date.now() - loadStarted < BACKUP_AT * 1000) {
    if (!exportId && Date.now() - loadStarted > (BACKUP_AT * 1000) / 2)
      exportId = (await askExport(ledger)).id;
    await sleep(100);
  }
  // The latest checkpoint the ledger signed on its own (every 2 s here), as a verifier fetches it.
  kept.push(await latestCheckpoint(ledger));
  const acknowledgedBeforeDump = [...load.acknowledged.keys()];
  phase = 'outage';

  // 3. The backup of the running ledger: the documented commands.
  const backupFile = join(workDir, 'ledger.dump');
  const dumpStarted = Date.now();
  execFileSync(join(postgresBinDir(), 'pg_dump'), ['--format=custom', '--file', backupFile, databaseUrl], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const dumpMs = Date.now() - dumpStarted;
  const backupKeys = join(workDir, 'backup-data');
  mkdirSync(backupKeys);
  for (const file of KEY_FILES) cpSync(join(dataDir, file), join(backupKeys, file));
  if (existsSync(join(dataDir, 'exports')))
    cpSync(join(dataDir, 'exports'), join(backupKeys, 'exports'), { recursive: true });
  say(
    `3. pg_dump -Fc of the running ledger: ${n(statSync(backupFile).size)} bytes in ${seconds(dumpMs)}, with ${n(acknowledgedBeforeDump.length)} events acknowledged before it began; ` +
      `${KEY_FILES.join(', ')} and exports/ copied from the data directory`,
  );
  const dumpEnded = Date.now();
  phase = 'after';
  // Appends go on after the dump too (at least 3 s): what a restore from it loses.
  while (Date.now() - loadStarted < SECONDS * 1000 || Date.now() - dumpEnded < 3_000) await sleep(100);
  await load.stop();
  const total = load.total();
  const refused = [...total.statuses].filter(([status]) => status < 200 || status > 299);
  summary.expect(
    'the source under load',
    `${n(total.requests)} requests (${describeStatuses(total.statuses)}${total.errors.size > 0 ? `; no answer: ${[...total.errors.keys()].join('; ')}` : ''}), ` +
      `${n(total.acknowledged)} events acknowledged, ${n(load.figures.get('outage')!.acknowledged + load.figures.get('after')!.acknowledged)} of them sent during and after the dump (a restore from it may lose those); slowest acknowledgement ${n(total.slowestMs)} ms`,
    refused.length === 0 && total.errors.size === 0,
    'the source refused appends',
  );
  summary.expect(
    'pg_dump -Fc while appends went on',
    `${n(statSync(backupFile).size)} bytes in ${seconds(dumpMs)}`,
    true,
    '',
  );
  for (const app of started.apps) await stopApp(app);
  say('   the source stopped: from here on only the backup is left (its database is kept to compare)');
  return {
    backupFile,
    backupKeys,
    facts: { key: key.text, kept, acknowledgedBeforeDump, ...filing, exportId },
  };
}

/** A released dataset of the drill body, and a correction of it with a reporter (sealed personal data). */
async function fileCorrection(ledger: LedgerEndpoint) {
  const officer = await call(ledger, 'POST', '/v1/principals', {
    body: { name: 'backup officer', role: 'body_officer', organizationId: ORGANIZATION },
  });
  const officerToken = officer.body.token as string;
  const datasetId = `backup-${randomUUID().slice(0, 8)}`;
  await call(ledger, 'POST', '/v1/datasets', {
    token: officerToken,
    body: {
      id: datasetId,
      title: 'Clinic visits',
      organizationId: ORGANIZATION,
      classification: 'conditional',
      classificationBasis: 'staff phone numbers',
      fields: ['clinic', 'visits'],
      updateFrequency: 'monthly',
    },
  });
  await call(ledger, 'POST', `/v1/datasets/${datasetId}/releases`, {
    token: officerToken,
    body: {
      version: 1,
      checksum: createHash('sha256').update('v1').digest('hex'),
      recordCount: 10,
      format: 'csv',
    },
  });
  const correctionId = `c-${randomUUID().slice(0, 8)}`;
  const reporter = { name: '李四', contact: `lisi-${randomUUID().slice(0, 6)}@example.cn` };
  const filed = await call(ledger, 'POST', '/v1/corrections', {
    body: {
      id: correctionId,
      datasetId,
      datasetVersion: 1,
      description: 'clinic 7 missing',
      evidence: 'seen by the reporter',
      reporter,
    },
  });
  if (filed.status !== 201)
    throw new Error(`filing a correction: ${filed.status} ${JSON.stringify(filed.body)}`);
  return { correctionId, reporter, officerToken };
}

// ---------------------------------------------------------------------------------------------------
// 4: a restore.

interface RestoreOptions {
  bin: string;
  backupFile: string;
  backupKeys: string;
  targetUrl: string;
  sourceUrl: string;
  workDir: string;
  redis: ScratchRedis;
  receiver: DeliveryCounter;
  adminToken: string;
  apps: AppProcess[];
  facts: Source;
  /** Also try starting it with another master key and another signing key. */
  wrongKeys: boolean;
}

async function restoreAndCheck(label: string, options: RestoreOptions): Promise<void> {
  const { targetUrl, facts } = options;
  const name = `restored (${label})`;
  say(`4. restore into a ${label}: pg_restore, then the key files into a new data directory`);
  const restoreStarted = Date.now();
  let restoreOutput = '';
  let restoreCode = 0;
  try {
    execFileSync(
      join(options.bin, 'pg_restore'),
      ['--exit-on-error', '--dbname', targetUrl, options.backupFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    restoreCode = (error as { status?: number }).status ?? 2;
    restoreOutput = String((error as { stderr?: Buffer }).stderr ?? '').slice(0, 400);
  }
  summary.expect(
    `${label}: pg_restore --exit-on-error`,
    restoreCode === 0
      ? `restored in ${seconds(Date.now() - restoreStarted)}`
      : `exit ${restoreCode}: ${restoreOutput}`,
    restoreCode === 0,
    `${label}: pg_restore failed`,
  );
  if (restoreCode !== 0) return;
  const db = new Pool({ connectionString: targetUrl, max: 2 });
  const source = new Pool({ connectionString: options.sourceUrl, max: 1 });
  try {
    const restoredHead = await headOf(db);
    const canCreate = await canCreateSchemas(db);
    const generations = await generationsOf(db);
    const dataDir = join(options.workDir, `data-${label.replace(/\W+/g, '-')}`);
    cpSync(options.backupKeys, dataDir, { recursive: true });
    const env = {
      DATABASE_URL: targetUrl,
      REDIS_URL: options.redis.url,
      LEDGER_DATA_DIR: dataDir,
      LEDGER_CHECKPOINT_INTERVAL_MS: '2000',
    };

    if (options.wrongKeys) {
      const otherMasterKey = await expectRefusedStart(
        `${name} with another master key`,
        { ...env, LEDGER_MASTER_KEY: randomBytes(32).toString('hex') },
        options.workDir,
      );
      summary.expect(
        `${label}: started with another master key`,
        `exit ${otherMasterKey.code}: ${otherMasterKey.output.slice(0, 200)}`,
        otherMasterKey.code !== 'still running' &&
          otherMasterKey.code !== 0 &&
          /master key/i.test(otherMasterKey.output),
        `${label}: a ledger with another master key started`,
      );
      const otherSigningKey = await expectRefusedStart(
        `${name} with another signing key`,
        { ...env, LEDGER_SIGNING_KEY: aSigningKeyPem() },
        options.workDir,
      );
      summary.expect(
        `${label}: started with another signing key`,
        `exit ${otherSigningKey.code}: ${otherSigningKey.output.slice(0, 200)}`,
        otherSigningKey.code !== 'still running' &&
          otherSigningKey.code !== 0 &&
          /signing key|signed by/i.test(otherSigningKey.output),
        `${label}: a ledger with another signing key started (its checkpoints would not verify under the pinned key)`,
      );
    }

    // The API first, alone: nothing but the probe appends until the worker (whose reactors append
    // what they find while catching up) starts.
    const processName = name.replace(/\W+/g, '-');
    const started = await startLedgerProcesses({
      name: processName,
      env: { ...env, LEDGER_PROCESS: 'api' },
      logDir: options.workDir,
      adminToken: options.adminToken,
      worker: false,
      started: options.apps,
    });
    const ledger: LedgerEndpoint = { url: started.url, adminToken: options.adminToken };
    say(`   ${name}: API on ${ledger.url}; restored head ${n(restoredHead)}`);

    // The journal: a prefix of the source's, with everything acknowledged before the dump.
    const lost = await missingIds(db, facts.acknowledgedBeforeDump);
    const [restoredDigest, sourceDigest] = await Promise.all([
      digestUpTo(db, restoredHead),
      digestUpTo(source, restoredHead),
    ]);
    const sourceHead = await headOf(source);
    summary.expect(
      `${label}: the journal`,
      `positions 0…${n(restoredHead)} of the source's 0…${n(sourceHead)}, ${restoredDigest === sourceDigest ? 'identical to the source up there' : 'DIFFERENT from the source'}; ` +
        `${n(facts.acknowledgedBeforeDump.length - lost.length)} of the ${n(facts.acknowledgedBeforeDump.length)} events acknowledged before the dump began`,
      restoredDigest === sourceDigest && lost.length === 0,
      `${label}: the restored journal is not the source's, or lost events acknowledged before the backup`,
    );
    const audit = await runBuiltCli(['audit', '--database', targetUrl, '--key', facts.key]);
    summary.expect(
      `${label}: ledger audit --database --key`,
      audit.output.split('\n').slice(-1)[0],
      audit.code === 0,
      `${label}: ledger audit failed`,
    );
    const key = await pinVerifierKey(ledger);
    const afterStart = await headOf(db);
    const probe = await call(ledger, 'POST', '/v1/organizations', {
      body: { id: `restored-${randomUUID().slice(0, 8)}`, name: 'Registered after the restore' },
    });
    const probePosition = probe.body?.events?.[0]?.globalPosition;
    summary.expect(
      `${label}: the next append`,
      `head ${n(restoredHead)} restored, ${afterStart === restoredHead ? 'nothing appended by the API starting' : `${afterStart - restoredHead} appended by the API starting`}; ` +
        `the next append answered ${probe.status} at position ${probePosition}`,
      probe.status === 201 && probePosition === afterStart + 1 && afterStart === restoredHead,
      `${label}: the next append is not at the restored head + 1`,
    );
    const newer = await signCheckpointNow(ledger);
    const consistency = await Promise.all(
      facts.kept.map((kept) => checkConsistent(ledger, key, kept, newer)),
    );
    summary.expect(
      `${label}: old checkpoints consistent with the new`,
      `verifier key ${key.text === facts.key ? 'the pinned one' : `CHANGED to ${key.text}`}; ` +
        facts.kept
          .map(
            (kept, i) =>
              `${n(kept.checkpoint.size)} → ${n(newer.checkpoint.size)}: ${consistency[i] ?? 'proof verified'}`,
          )
          .join('; '),
      key.text === facts.key && consistency.every((failure) => failure === undefined),
      `${label}: the restored log does not extend the checkpoints kept before the backup`,
    );
    started.apps.push(await startWorkerProcess(processName, env, options.workDir, undefined, options.apps));
    say(`   ${name}: worker started`);
    const disclosed = await call(ledger, 'GET', `/v1/corrections/${facts.correctionId}/personal-data`, {
      token: facts.officerToken,
    });
    summary.expect(
      `${label}: personal data (master key)`,
      `GET /v1/corrections/{id}/personal-data ${disclosed.status}${disclosed.status === 200 ? `, reporter ${disclosed.body.personalData?.reporter?.contact === facts.reporter.contact ? 'as filed' : 'DIFFERENT'}` : ` ${JSON.stringify(disclosed.body).slice(0, 120)}`}`,
      disclosed.status === 200 && disclosed.body.personalData?.reporter?.contact === facts.reporter.contact,
      `${label}: the filing's personal data does not open`,
    );

    // The views and the jobs.
    const expected = await subscribedIds(db);
    const drain = await waitForWorker(
      db,
      () => options.receiver.missing(expected).length === 0,
      DRAIN_TIMEOUT_MS,
      (line) => say(`   ${name}: ${line}`),
    );
    const generationsAfter = await generationsOf(db);
    summary.expect(
      `${label}: the views`,
      `restored with their checkpoints (generations ${describeGenerations(generations)}${JSON.stringify(generationsAfter) === JSON.stringify(generations) ? ', kept: no rebuild' : `, now ${describeGenerations(generationsAfter)}`}); ` +
        `${drain.describe}; catalogue ${n(drain.catalogueRows)} rows for ${n(await registrations(db))} DatasetRegistered`,
      drain.caughtUp && drain.catalogueRows === (await registrations(db)),
      `${label}: the views did not catch up or disagree with the journal`,
    );
    const rebuild = await runBuiltCli(['projections', 'rebuild', 'dataset_catalogue'], {
      DATABASE_URL: targetUrl,
      LEDGER_DATA_DIR: dataDir,
    });
    const catalogueAfterRebuild = await catalogueRows(db);
    summary.expect(
      `${label}: ledger projections rebuild dataset_catalogue`,
      `ledger_app ${canCreate ? 'could' : 'could NOT'} create schemas after pg_restore, ${(await canCreateSchemas(db)) ? 'can' : 'CANNOT'} after the start; ` +
        `rebuild exit ${rebuild.code}${rebuild.code === 0 ? `, ${n(catalogueAfterRebuild)} rows` : `: ${rebuild.output.split('\n').slice(-2).join(' ').slice(0, 200)}`}`,
      rebuild.code === 0 && catalogueAfterRebuild === drain.catalogueRows,
      `${label}: a projection cannot be rebuilt on the restored database`,
    );
    const most = Math.max(0, ...expected.map((id) => options.receiver.counts.get(id) ?? 0));
    summary.expect(
      `${label}: webhooks`,
      `${n(expected.length - options.receiver.missing(expected).length)} of the ${n(expected.length)} subscribed events of the restored journal received; most deliveries of one id ${most} ` +
        '(what the source had delivered but not yet marked in the dump is delivered again: at least once)',
      options.receiver.missing(expected).length === 0,
      `${label}: webhook deliveries lost`,
    );
    if (facts.exportId) {
      const status = (await exportStatuses(db, [facts.exportId])).get(facts.exportId);
      const file = await fetch(`${ledger.url}/v1/exports/${facts.exportId}/file`, {
        headers: { authorization: `Bearer ${ledger.adminToken}` },
      });
      const body = await file.text();
      summary.expect(
        `${label}: the export asked on the source`,
        `row ${status ?? 'absent'}; GET /v1/exports/{id}/file ${file.status}${file.status === 200 ? `, ${n(body.split('\n').filter(Boolean).length)} lines` : `: ${body.slice(0, 160)}`}`,
        status === 'done' && file.status === 200,
        `${label}: the export's file is not served`,
      );
    }
    for (const app of started.apps) await stopApp(app);
  } finally {
    await db.end();
    await source.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// 5: embedded mode.

async function embeddedCopy(workDir: string, adminToken: string, apps: AppProcess[]): Promise<void> {
  say('5. embedded mode: the built ledger on PGlite, stopped, its data directory copied');
  const original = join(workDir, 'embedded-data');
  const first = await startLedgerProcesses({
    name: 'embedded',
    env: { LEDGER_DATA_DIR: original, DATABASE_URL: '', REDIS_URL: '' },
    logDir: workDir,
    adminToken,
    worker: false,
    started: apps,
  });
  const ledger: LedgerEndpoint = { url: first.url, adminToken };
  let phase: Phase = 'before';
  const load = await AppendLoad.prepare(ledger, () => phase);
  const filing = await fileCorrection(ledger);
  load.start(50);
  await sleep(3_000);
  await load.stop();
  phase = 'after';
  const key = await pinVerifierKey(ledger);
  const kept = await signCheckpointNow(ledger);
  const head = kept.checkpoint.size - 1;
  const code = await stopApp(first.apps[0]);
  const copy = join(workDir, 'embedded-copy');
  cpSync(original, copy, { recursive: true });
  say(
    `   ${n(load.acknowledged.size)} events appended, checkpoint of size ${n(kept.checkpoint.size)} kept; stopped (${code}); ${original} copied to ${copy}`,
  );

  const audit = await runBuiltCli(['audit', '--data-dir', copy, '--key', key.text]);
  summary.expect(
    'embedded: ledger audit --data-dir on the copy',
    audit.output.split('\n').slice(-1)[0],
    audit.code === 0,
    'embedded: the copy does not audit',
  );
  const second = await startLedgerProcesses({
    name: 'embedded-copy',
    env: { LEDGER_DATA_DIR: copy, DATABASE_URL: '', REDIS_URL: '' },
    logDir: workDir,
    adminToken,
    worker: false,
    started: apps,
  });
  const restored: LedgerEndpoint = { url: second.url, adminToken };
  const restoredKey = await pinVerifierKey(restored);
  const probe = await call(restored, 'POST', '/v1/organizations', {
    body: { id: `copied-${randomUUID().slice(0, 8)}`, name: 'Registered on the copy' },
  });
  const newer = await signCheckpointNow(restored);
  const consistency = await checkConsistent(restored, key, kept, newer);
  const disclosed = await call(restored, 'GET', `/v1/corrections/${filing.correctionId}/personal-data`, {
    token: filing.officerToken,
  });
  summary.expect(
    'embedded: the copy starts where the original stopped',
    `verifier key ${restoredKey.text === key.text ? 'the same' : 'CHANGED'}; next append ${probe.status} at position ${probe.body?.events?.[0]?.globalPosition} (head was ${n(head)}); ` +
      `checkpoint ${n(kept.checkpoint.size)} → ${n(newer.checkpoint.size)}: ${consistency ?? 'proof verified'}; personal data ${disclosed.status}`,
    restoredKey.text === key.text &&
      probe.status === 201 &&
      probe.body?.events?.[0]?.globalPosition === head + 1 &&
      consistency === undefined &&
      disclosed.status === 200,
    'embedded: the copied data directory does not continue the ledger',
  );
  await stopApp(second.apps[0]);
}

// ---------------------------------------------------------------------------------------------------

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function headOf(db: Pool): Promise<number> {
  const { rows } = await db.query<{ head: string }>(
    `SELECT coalesce(max(global_position), -1)::text AS head FROM ledger.events`,
  );
  return Number(rows[0].head);
}

/** One hash of every position, event id and leaf hash up to `head`: equal journals, equal digests. */
async function digestUpTo(db: Pool, head: number): Promise<string> {
  const { rows } = await db.query<{ digest: string }>(
    `SELECT md5(string_agg(global_position::text || ':' || event_id || ':' || encode(leaf_hash, 'hex'), ',' ORDER BY global_position)) AS digest
       FROM ledger.events WHERE global_position <= $1`,
    [head],
  );
  return rows[0].digest;
}

async function missingIds(db: Pool, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<{ event_id: string }>(
    `SELECT event_id FROM ledger.events WHERE event_id = ANY($1)`,
    [ids],
  );
  const found = new Set(rows.map((row) => row.event_id));
  return ids.filter((id) => !found.has(id));
}

async function canCreateSchemas(db: Pool): Promise<boolean> {
  const { rows } = await db.query<{ allowed: boolean }>(
    `SELECT has_database_privilege('ledger_app', current_database(), 'CREATE') AS allowed`,
  );
  return rows[0].allowed;
}

async function generationsOf(db: Pool): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string; active_generation: number }>(
    `SELECT name, active_generation FROM ledger_views.projections ORDER BY name`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.active_generation]));
}

function describeGenerations(generations: Record<string, number>): string {
  return Object.entries(generations)
    .map(([name, generation]) => `${name} ${generation}`)
    .join(', ');
}

async function registrations(db: Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ledger.events WHERE type = 'DatasetRegistered'`,
  );
  return Number(rows[0].n);
}

async function catalogueRows(db: Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ledger_views.datasets`);
  return Number(rows[0].n);
}

/** Every event of the restored journal the subscriber asked for (the load's types), by id. */
async function subscribedIds(db: Pool): Promise<string[]> {
  const { rows } = await db.query<{ event_id: string }>(
    `SELECT e.event_id FROM ledger.events e
       JOIN ledger.webhook_subscriptions s ON e.type = ANY(s.types) AND e.global_position > s.from_position
      WHERE s.deleted_at IS NULL`,
  );
  return rows.map((row) => row.event_id);
}

function aSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
