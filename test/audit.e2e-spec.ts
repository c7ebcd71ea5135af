import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { canonicalJson } from '@ledger/events';
import { JOURNAL } from '@ledger/runtime';
import { Journal, PGliteDatabase, SqlQueryable } from '@ledger/store';
import { integrateLeaves, leafHash, NoteSigner } from '@ledger/transparency';
import { AuditOutcome, AuditTarget, runAudit } from '../apps/cli/src/audit/audit-command';
import { LedgerUnderTest } from './support/ledger-under-test';
import {
  createScratchDatabase,
  pgliteTemplate,
  temporaryDirectory,
  testBackend,
  TestDatabase,
} from './support/test-backend';

/**
 * `ledger audit` against a real ledger (PGlite under `npm test`, PostgreSQL under `npm run test:services`):
 * it agrees with what the service wrote, and finds what a database superuser changed behind the
 * service's back with the journal's triggers bypassed, naming what was done.
 */
describe(`ledger audit on ${testBackend()}`, () => {
  const source = 'urn:gateway:audit';
  let ledger: LedgerUnderTest;
  let first: { globalPosition: number }[];
  let second: { globalPosition: number }[];
  let checkpoints: { treeSize: number; rootHash: string }[];
  let verifierKey: string;
  let origin: string;

  beforeEach(async () => {
    // No interval checkpoint in the middle of a test: each test signs exactly what it means to.
    ledger = await LedgerUnderTest.start({
      env: { LEDGER_CHECKPOINT_INTERVAL_MS: String(24 * 3600 * 1000) },
    });
    const gateway = await ledger.principal('publisher', {
      publish: { types: ['DataAccessed'], sources: [source] },
    });
    // 300 entries fill tile 0/0 and start tile 1/0; the second batch lies between two checkpoints.
    first = await publish(gateway.token, 300);
    const afterFirst = await signCheckpoint();
    second = await publish(gateway.token, 20);
    checkpoints = [afterFirst, await signCheckpoint()];
    ({ verifierKey, origin } = (await ledger.get('/v1/log/key', { token: null })).body);
  });

  afterEach(async () => {
    await ledger.stop();
  });

  async function publish(token: string, count: number): Promise<{ globalPosition: number }[]> {
    const events = Array.from({ length: count }, (_, i) => ({
      specversion: '1.0',
      id: randomUUID(),
      source,
      type: 'DataAccessed',
      data: { datasetId: `audited-${i % 3}`, principal: 'user-1', channel: 'api', recordCount: 1 },
    }));
    const answer = await ledger.request('POST', '/v1/events', {
      token,
      body: JSON.stringify(events),
      contentType: 'application/cloudevents-batch+json',
    });
    expect(answer.status).toBe(201);
    return answer.body.events;
  }

  async function signCheckpoint(): Promise<{ treeSize: number; rootHash: string }> {
    const answer = await ledger.post('/v1/log/checkpoints', undefined);
    expect(answer.status).toBe(201);
    return answer.body;
  }

  function journal(): Journal {
    return ledger.app.get<symbol, Journal>(JOURNAL);
  }

  /** What `ledger audit --database <owner URL>` runs; on PGlite, the same over the app's own database. */
  function auditTarget(): AuditTarget {
    return ledger.database.ownerUrl
      ? { databaseUrl: ledger.database.ownerUrl }
      : { database: journal().database };
  }

  function audit(options: { key?: string } = {}): Promise<AuditOutcome> {
    return runAudit(auditTarget(), options);
  }

  const messages = (outcome: AuditOutcome) => outcome.findings.map((finding) => finding.message);

  /**
   * Runs `work` as a superuser with the journal's triggers off, in one transaction. On PGlite the
   * app's connection works as ledger_app: SET LOCAL ROLE NONE makes it the owner until commit only.
   */
  async function asSuperuser(work: (db: SqlQueryable) => Promise<void>): Promise<void> {
    const ownerUrl = ledger.database.ownerUrl;
    if (!ownerUrl) {
      await journal().database.transaction(async (tx) => {
        await tx.exec('SET LOCAL ROLE NONE; SET LOCAL session_replication_role = replica');
        await work(tx);
      });
      return;
    }
    const client = new Client({ connectionString: ownerUrl });
    await client.connect();
    try {
      await client.query('BEGIN; SET LOCAL session_replication_role = replica');
      await work({
        query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
      });
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }

  async function rewriteEntry(db: SqlQueryable, position: number, recomputeLeafHash: boolean): Promise<void> {
    const [row] = await db.query<{ entry: string }>(
      'SELECT entry FROM ledger.events WHERE global_position = $1',
      [position],
    );
    const entry = JSON.parse(row.entry);
    entry.data.recordCount = 1_000_000;
    const text = canonicalJson(entry);
    await db.query(
      `UPDATE ledger.events
          SET entry = $2::text,
              leaf_hash = CASE WHEN $3::boolean THEN decode($4::text, 'base64') ELSE leaf_hash END
        WHERE global_position = $1`,
      [position, text, recomputeLeafHash, leafHash(text).toString('base64')],
    );
  }

  /** A self-consistent row at `position`, copying the columns of the row before it. */
  async function insertForgedRow(db: SqlQueryable, position: number): Promise<void> {
    const [previous] = await db.query<{ entry: string }>(
      'SELECT entry FROM ledger.events WHERE global_position = $1',
      [position - 1],
    );
    const entry = {
      ...JSON.parse(previous.entry),
      id: 'forged-event',
      streamId: 'usage-forged',
      streamVersion: 0,
      globalPosition: position,
      data: { datasetId: 'forged', principal: 'nobody', channel: 'api', recordCount: 1 },
    };
    const text = canonicalJson(entry);
    await db.query(
      `INSERT INTO ledger.events
         (global_position, event_id, stream_id, stream_version, type, recorded_at,
          actor_id, actor_organization_id, entry, leaf_hash, fingerprint)
       SELECT $1::int8, 'forged-event', 'usage-forged', 0, type, recorded_at,
              actor_id, actor_organization_id, $2::text, decode($3::text, 'base64'), fingerprint
         FROM ledger.events WHERE global_position = $1::int8 - 1`,
      [position, text, leafHash(text).toString('base64')],
    );
  }

  /** Rebuilds the tiles and the tree head from the rows as they now are, as an attacker covering tracks would. */
  async function rebuildLog(db: SqlQueryable): Promise<{ size: number; root: Buffer }> {
    const rows = await db.query<{ leaf_hash: Uint8Array }>(
      'SELECT leaf_hash FROM ledger.events ORDER BY global_position',
    );
    const tree = integrateLeaves(
      0,
      new Map(),
      rows.map((row) => Buffer.from(row.leaf_hash)),
    );
    await db.query('DELETE FROM ledger.log_tiles');
    for (const tile of tree.changedTiles) {
      await db.query(
        `INSERT INTO ledger.log_tiles (level, tile_index, hashes) VALUES ($1, $2, decode($3::text, 'base64'))`,
        [tile.level, tile.index, tile.hashes.toString('base64')],
      );
    }
    await db.query(`UPDATE ledger.log_tree SET tree_size = $1, root_hash = decode($2::text, 'base64')`, [
      tree.size,
      tree.root.toString('base64'),
    ]);
    return tree;
  }

  const checkpointDisagrees = (size: number) =>
    expect.stringMatching(
      new RegExp(
        `^checkpoint of size ${size} \\(signed [^)]+\\): the journal's root for ${size} entries is \\S+, the checkpoint signed \\S+$`,
      ),
    );

  it('given the ledger as the service wrote it, then the audit agrees with every checkpoint and ends on the latest root (exit 0)', async () => {
    const outcome = await audit({ key: verifierKey });

    expect(outcome).toMatchObject({ exitCode: 0, findings: [], findingCount: 0 });
    const latest = checkpoints[1];
    expect(outcome.report).toMatchObject({ entries: latest.treeSize, treeSize: latest.treeSize });
    // The start-up checkpoint and the two signed here.
    expect(outcome.report?.checkpointsChecked).toBe(3);
    expect(outcome.report?.root?.toString('base64')).toBe(latest.rootHash);
    // Pages of two rows, streams and checkpoints: the keyset paging must read each once, in order.
    expect(await runAudit(auditTarget(), { key: verifierKey, pageSize: 2 })).toEqual(outcome);
  });

  it('given an entry edited in place, then it no longer hashes to its leaf hash, and the checkpoints covering it disagree (exit 1)', async () => {
    const position = first[150].globalPosition;
    await asSuperuser((db) => rewriteEntry(db, position, false));

    const outcome = await audit({ key: verifierKey });

    expect(outcome.exitCode).toBe(1);
    expect(messages(outcome)).toEqual(
      expect.arrayContaining([
        `position ${position}: the stored entry does not hash to its leaf hash (altered entry)`,
        checkpointDisagrees(checkpoints[0].treeSize),
      ]),
    );
  });

  it('given an entry edited with its leaf hash recomputed to match, then the tile the log built and the checkpoint give it away', async () => {
    const position = first[150].globalPosition;
    await asSuperuser((db) => rewriteEntry(db, position, true));

    const outcome = await audit({ key: verifierKey });

    expect(outcome.exitCode).toBe(1);
    expect(messages(outcome)).toEqual(
      expect.arrayContaining([
        `position ${position}: leaf hash differs from the tile the log built (row rewritten after it was logged)`,
        checkpointDisagrees(checkpoints[0].treeSize),
      ]),
    );
    expect(messages(outcome)).not.toContain(
      `position ${position}: the stored entry does not hash to its leaf hash (altered entry)`,
    );
  });

  it('given a row deleted, then its position is missing, and the checkpoints still agree over the hash the log kept', async () => {
    const position = first[150].globalPosition;
    await asSuperuser(async (db) => {
      await db.query('DELETE FROM ledger.events WHERE global_position = $1', [position]);
    });

    const outcome = await audit({ key: verifierKey });

    expect(outcome.exitCode).toBe(1);
    expect(messages(outcome)).toEqual([
      `position ${position} is missing (deleted row)`,
      expect.stringMatching(
        /^stream usage-audited-0: version 50 is missing \(between positions \d+ and \d+: deleted row\)$/,
      ),
    ]);
  });

  it('given two rows swapped positions, then each entry names the position it was written at', async () => {
    const [a, b] = [first[100].globalPosition, first[200].globalPosition];
    await asSuperuser(async (db) => {
      const swap = 'UPDATE ledger.events SET global_position = $2 WHERE global_position = $1';
      await db.query(swap, [a, 1_000_000_000]);
      await db.query(swap, [b, a]);
      await db.query(swap, [1_000_000_000, b]);
    });

    const outcome = await audit({ key: verifierKey });

    expect(outcome.exitCode).toBe(1);
    expect(messages(outcome)).toEqual(
      expect.arrayContaining([
        `position ${a}: the entry says globalPosition ${b} (rows swapped or renumbered)`,
        `position ${b}: the entry says globalPosition ${a} (rows swapped or renumbered)`,
        checkpointDisagrees(checkpoints[0].treeSize),
      ]),
    );
  });

  it('given a forged row inserted, every later row renumbered and rehashed, and the tiles and tree head rebuilt to match, then only the checkpoint signed after it disagrees', async () => {
    const position = second[5].globalPosition;
    await asSuperuser(async (db) => {
      const later = await db.query<{ global_position: string | number; entry: string }>(
        'SELECT global_position, entry FROM ledger.events WHERE global_position >= $1 ORDER BY global_position DESC',
        [position],
      );
      for (const row of later) {
        const entry = JSON.parse(row.entry);
        entry.globalPosition = Number(row.global_position) + 1;
        const text = canonicalJson(entry);
        await db.query(
          `UPDATE ledger.events
              SET global_position = global_position + 1, entry = $2::text, leaf_hash = decode($3::text, 'base64')
            WHERE global_position = $1`,
          [row.global_position, text, leafHash(text).toString('base64')],
        );
      }
      await insertForgedRow(db, position);
      await rebuildLog(db);
    });

    const outcome = await audit({ key: verifierKey });

    expect(outcome.exitCode).toBe(1);
    expect(messages(outcome)).toEqual([checkpointDisagrees(checkpoints[1].treeSize)]);
  });

  it('given a forged row appended with the tiles and tree head to match and a checkpoint the attacker signed naming the ledger’s key, then --key refuses its signature', async () => {
    const position = checkpoints[1].treeSize;
    await asSuperuser(async (db) => {
      await insertForgedRow(db, position);
      const tree = await rebuildLog(db);
      const attacker = new NoteSigner(origin, generateKeyPairSync('ed25519').privateKey);
      await db.query(
        `INSERT INTO ledger.log_checkpoints (tree_size, root_hash, origin, verifier_key, note, signed_at)
         VALUES ($1, decode($2::text, 'base64'), $3, $4, $5, $6::timestamptz)`,
        [
          tree.size,
          tree.root.toString('base64'),
          origin,
          verifierKey,
          attacker.signCheckpoint({ origin, size: tree.size, rootHash: tree.root }),
          '2026-11-29T12:00:00.000Z',
        ],
      );
    });

    const outcome = await audit({ key: verifierKey });

    expect(outcome.exitCode).toBe(1);
    expect(messages(outcome)).toEqual([
      `checkpoint of size ${position + 1} (signed 2026-11-29T12:00:00.000Z): its signature does not verify with the key given (${verifierKey})`,
    ]);
  });
});

describe('ledger audit, given what it cannot audit', () => {
  it('when PostgreSQL is not reachable, then it says so with exit code 2', async () => {
    const outcome = await runAudit({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing' });

    expect(outcome).toMatchObject({ exitCode: 2, findings: [] });
    expect(outcome.problem).toMatch(
      /^cannot connect to PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/nothing: /,
    );
  });

  it('when the database holds no ledger, then it says so with exit code 2', async () => {
    const empty = await anEmptyDatabase();
    try {
      const outcome = await runAudit(empty.target);

      expect(outcome).toMatchObject({ exitCode: 2, findings: [] });
      expect(outcome.problem).toMatch(/holds no ledger \(there is no table ledger\.events\)$/);
    } finally {
      await empty.dispose();
    }
  });

  it('when --key is not a verifier key, then it says so with exit code 2', async () => {
    const outcome = await runAudit(
      { databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing' },
      { key: 'not-a-key' },
    );

    expect(outcome).toMatchObject({ exitCode: 2 });
    expect(outcome.problem).toMatch(/^not a verifier key/);
  });
});

describe('ledger audit --data-dir', () => {
  let directory: { path: string; remove(): void };

  beforeEach(() => {
    directory = temporaryDirectory('audit');
  });

  afterEach(() => {
    directory.remove();
  });

  it('given an embedded ledger on disk, then it refuses while the ledger runs and audits it clean once stopped', async () => {
    const database: TestDatabase = {
      journalOptions: { dataDir: directory.path, pgliteSnapshot: pgliteTemplate() },
      dispose: async () => undefined,
    };
    const ledger = await LedgerUnderTest.start({ database });
    const checkpoint = (await ledger.post('/v1/log/checkpoints', undefined)).body;

    const whileRunning = await runAudit({ dataDir: directory.path });
    await ledger.stop();
    const stopped = await runAudit({ dataDir: directory.path });

    expect(whileRunning).toMatchObject({ exitCode: 2 });
    expect(whileRunning.problem).toMatch(/already open in this process|in use/);
    expect(stopped).toMatchObject({ exitCode: 0, findings: [] });
    expect(stopped.report?.root?.toString('base64')).toBe(checkpoint.rootHash);
  });

  it('given a directory without a ledger, then it creates nothing there and exits with code 2', async () => {
    const outcome = await runAudit({ dataDir: directory.path });

    expect(outcome).toMatchObject({ exitCode: 2 });
    expect(outcome.problem).toBe(`${directory.path} holds no embedded ledger (no pgdata directory)`);
    expect(readdirSync(directory.path)).toEqual([]);
  });
});

/** A database with no ledger in it, of the suite's backend. */
async function anEmptyDatabase(): Promise<{ target: AuditTarget; dispose(): Promise<void> }> {
  if (testBackend() === 'postgres') {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL as string, 'audit_empty');
    return { target: { databaseUrl: scratch.url }, dispose: scratch.drop };
  }
  const database = await PGliteDatabase.open({ loadDataDir: pgliteTemplate() });
  await database.exec('DROP SCHEMA ledger CASCADE');
  return { target: { database }, dispose: () => database.close() };
}
