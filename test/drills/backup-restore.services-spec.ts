import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { runAudit } from '../../apps/cli/src/audit/audit-command';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { postgresBinDir } from '../support/scratch-postgres';
import { ScratchRedis } from '../support/scratch-redis';
import {
  createScratchDatabase,
  pgliteTemplate,
  temporaryDirectory,
  TestDatabase,
} from '../support/test-backend';
import { AppendLoad, call, LedgerEndpoint, Phase } from './append-load';
import { checkConsistent, KeptCheckpoint, pinVerifierKey, signCheckpointNow } from './log-checks';
import { waitForWorker } from './postgres-checks';

const RATE = 40;
const MASTER_KEY = randomBytes(32).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A released dataset of the load's body and a correction of it filed with a reporter (sealed personal data). */
async function fileCorrection(ledger: LedgerEndpoint) {
  const officer = await call(ledger, 'POST', '/v1/principals', {
    body: { name: 'backup officer', role: 'body_officer', organizationId: 'drill-body' },
  });
  const token = officer.body.token as string;
  const datasetId = `backup-${randomUUID().slice(0, 8)}`;
  await call(ledger, 'POST', '/v1/datasets', {
    token,
    body: {
      id: datasetId,
      title: 'Clinic visits',
      organizationId: 'drill-body',
      classification: 'conditional',
      classificationBasis: 'staff phone numbers',
      fields: ['clinic', 'visits'],
      updateFrequency: 'monthly',
    },
  });
  await call(ledger, 'POST', `/v1/datasets/${datasetId}/releases`, {
    token,
    body: {
      version: 1,
      checksum: createHash('sha256').update('v1').digest('hex'),
      recordCount: 1,
      format: 'csv',
    },
  });
  const id = `c-${randomUUID().slice(0, 8)}`;
  const contact = `lisi-${randomUUID().slice(0, 6)}@example.cn`;
  const filed = await call(ledger, 'POST', '/v1/corrections', {
    body: {
      id,
      datasetId,
      datasetVersion: 1,
      description: 'clinic 7 missing',
      reporter: { name: '李四', contact },
    },
  });
  expect(filed.status).toBe(201);
  return { path: `/v1/corrections/${id}/personal-data`, token, contact };
}

/**
 * The short version of `npm run drill:backup-restore` (issue 8): the README's backup procedure —
 * `pg_dump -Fc` of a running ledger's database, `pg_restore` into a new database, the ledger started
 * on it with the same master and signing keys — and the embedded one, a copy of a stopped ledger's
 * LEDGER_DATA_DIR. Either way the restored ledger audits clean, its log extends the checkpoints a
 * verifier kept before the backup, and its next append lands at the restored head + 1.
 */
describe('backup and restore', () => {
  it('restores a running PostgreSQL ledger from pg_dump -Fc into a new database, where it audits, extends its old checkpoints and appends at head + 1', async () => {
    const redis = await ScratchRedis.start();
    const env = { REDIS_URL: redis.url, LEDGER_MASTER_KEY: MASTER_KEY };
    const source = await LedgerUnderTest.start({ env });
    const target = await createScratchDatabase(process.env.DATABASE_URL as string, 'ledger_test_restored');
    const sourceUrl = source.database.ownerUrl as string;
    let restored: LedgerUnderTest | undefined;
    const db = new Pool({ connectionString: target.url, max: 2 });
    const backupDirectory = temporaryDirectory('backup');
    try {
      const endpoint: LedgerEndpoint = { url: source.url, adminToken: source.adminToken };
      let phase: Phase = 'before';
      const load = await AppendLoad.prepare(endpoint, () => phase);
      const filing = await fileCorrection(endpoint);
      const key = await pinVerifierKey(endpoint);
      const kept: KeptCheckpoint[] = [await signCheckpointNow(endpoint)];
      load.start(RATE);
      await sleep(2_000);
      kept.push(await signCheckpointNow(endpoint));
      const acknowledgedBeforeDump = [...load.acknowledged.keys()];
      phase = 'outage';

      // The backup, while appends go on.
      const bin = postgresBinDir();
      const dumpFile = join(backupDirectory.path, 'ledger.dump');
      execFileSync(join(bin, 'pg_dump'), ['--format=custom', '--file', dumpFile, sourceUrl]);
      await sleep(1_000);
      await load.stop();
      await source.stop({ keepDatabase: true });

      // The restore into a new database, and the same keys.
      execFileSync(join(bin, 'pg_restore'), ['--exit-on-error', '--dbname', target.url, dumpFile]);
      const [{ head: restoredHead }] = (
        await db.query<{ head: number }>(`SELECT max(global_position)::int AS head FROM ledger.events`)
      ).rows;
      const database: TestDatabase = {
        journalOptions: { databaseUrl: target.url, dataDir: 'unused' },
        ownerUrl: target.url,
        dispose: target.drop,
      };
      // The API alone first: the worker's reactors append what they find while catching up.
      restored = await LedgerUnderTest.start({
        database,
        env: { ...env, LEDGER_PROCESS: 'api' },
        bootstrapToken: source.adminToken,
      });
      const again: LedgerEndpoint = { url: restored.url, adminToken: restored.adminToken };

      // Nothing acknowledged before the dump began is missing.
      const { rows: found } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ledger.events WHERE event_id = ANY($1)`,
        [acknowledgedBeforeDump],
      );
      expect(found[0].n).toBe(acknowledgedBeforeDump.length);
      // The next append lands at the restored head + 1.
      const next = await call(again, 'POST', '/v1/organizations', { body: { name: 'After the restore' } });
      expect([next.status, next.body.events[0].globalPosition]).toEqual([201, restoredHead + 1]);
      // The same verifier key; both kept checkpoints are extended by a new one, proofs verified.
      expect((await pinVerifierKey(again)).text).toBe(key.text);
      const newer = await signCheckpointNow(again);
      for (const checkpoint of kept)
        expect(await checkConsistent(again, key, checkpoint, newer)).toBeUndefined();
      // ledger audit with the pinned key.
      const audit = await runAudit({ databaseUrl: target.url }, { key: key.text });
      expect({ exitCode: audit.exitCode, findings: audit.findings }).toEqual({ exitCode: 0, findings: [] });
      // The master key opens the restored personal data.
      const disclosed = await call(again, 'GET', filing.path, { token: filing.token });
      expect([disclosed.status, disclosed.body.personalData.reporter.contact]).toEqual([200, filing.contact]);
      // The service role may create the schemas of a rebuild again (pg_dump leaves out grants on the
      // database itself); the views came back with their checkpoints and the worker catches up.
      const { rows: grant } = await db.query<{ allowed: boolean }>(
        `SELECT has_database_privilege('ledger_app', current_database(), 'CREATE') AS allowed`,
      );
      expect(grant).toEqual([{ allowed: true }]);
      await restored.stop({ keepDatabase: true });
      restored = await LedgerUnderTest.start({ database, env, bootstrapToken: source.adminToken });
      const drain = await waitForWorker(
        db,
        () => true,
        30_000,
        () => undefined,
      );
      expect(drain.caughtUp).toBe(true);
    } finally {
      await db.end();
      if (restored) await restored.stop();
      else await target.drop();
      await source.database.dispose();
      await redis.kill();
      backupDirectory.remove();
    }
  }, 120_000);

  it('restores an embedded ledger from a copy of its stopped LEDGER_DATA_DIR', async () => {
    const original = temporaryDirectory('embedded-original');
    const copy = temporaryDirectory('embedded-copy');
    const embedded = (dataDir: string, snapshot: boolean): TestDatabase => ({
      journalOptions: { dataDir, ...(snapshot && { pgliteSnapshot: pgliteTemplate() }) },
      dispose: async () => undefined,
    });
    // No REDIS_URL, no keys given: generated into the data directory, as `npm start` does.
    const withoutServices = { REDIS_URL: '', LEDGER_SIGNING_KEY: '' };
    try {
      const first = await LedgerUnderTest.start({
        database: embedded(original.path, true),
        env: withoutServices,
      });
      const endpoint: LedgerEndpoint = { url: first.url, adminToken: first.adminToken };
      await AppendLoad.prepare(endpoint, () => 'before');
      const filing = await fileCorrection(endpoint);
      const key = await pinVerifierKey(endpoint);
      const kept = await signCheckpointNow(endpoint);
      await first.stop({ keepDatabase: true });

      cpSync(original.path, copy.path, { recursive: true });
      const audit = await runAudit({ dataDir: copy.path }, { key: key.text });
      expect({ exitCode: audit.exitCode, findings: audit.findings }).toEqual({ exitCode: 0, findings: [] });

      const second = await LedgerUnderTest.start({
        database: embedded(copy.path, false),
        env: withoutServices,
        bootstrapToken: first.adminToken,
      });
      try {
        const again: LedgerEndpoint = { url: second.url, adminToken: second.adminToken };
        expect((await pinVerifierKey(again)).text).toBe(key.text);
        const next = await call(again, 'POST', '/v1/organizations', { body: { name: 'On the copy' } });
        expect([next.status, next.body.events[0].globalPosition]).toEqual([201, kept.checkpoint.size]);
        expect(await checkConsistent(again, key, kept, await signCheckpointNow(again))).toBeUndefined();
        expect((await call(again, 'GET', filing.path, { token: filing.token })).status).toBe(200);
      } finally {
        await second.stop({ keepDatabase: true });
      }
    } finally {
      original.remove();
      copy.remove();
    }
  }, 120_000);
});
