import { createHash, randomUUID } from 'node:crypto';
import { createScratchDatabase, withClient } from '../../../../test/support/test-backend';
import type { NewEvent } from '../event-store.port';
import { Journal, openJournal } from '../open-journal';
import { PostgresDatabase } from './postgres-database';

/**
 * On PostgreSQL a group commit writes its rows by binary COPY (journal-copy.ts). What the server
 * stored is read back with SQL and compared, column by column, with what was appended: a byte out of
 * place in the tuple format would show here as a wrong value, not only as a refused COPY.
 */
describe('the journal’s binary COPY on PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL as string, 'ledger_copy');
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  /** `null`: an organisation a caller's metadata carries as null, which the column stores as NULL too. */
  function event(index: number, organizationId?: string | null): NewEvent {
    return {
      id: `copy-${index}-${randomUUID()}`,
      type: 'DataAccessed',
      source: 'urn:test:copy',
      schemaVersion: 1,
      data: { datasetId: `数据集-${index}`, note: 'Shanghai 上海 😀 "quoted" \\ \n', count: index },
      metadata: {
        actor: {
          id: `actor-${index % 3}`,
          role: 'publisher',
          ...(organizationId !== undefined && { organizationId: organizationId as string }),
        },
        legalBasis: { rulebook: 'test/v1', article: 'ch. 4' },
      },
    };
  }

  describe('given a journal whose clock reads a time before 2000 (a negative timestamptz)', () => {
    const recordedAtMs = Date.UTC(1999, 11, 31, 23, 59, 59, 123);
    let journal: Journal;

    beforeAll(async () => {
      journal = await openJournal({ databaseUrl: scratch.url, dataDir: 'unused', clock: () => recordedAtMs });
    });

    afterAll(async () => {
      await journal?.close();
    });

    it('stores 600 events of two streams in one append (three COPY chunks) exactly as appended', async () => {
      // when
      const first = Array.from({ length: 400 }, (_, index) =>
        event(index, [undefined, 'org-上海', null][index % 3]),
      );
      const second = Array.from({ length: 200 }, (_, index) => event(400 + index));
      const result = await journal.store.appendMany([
        { streamId: 'usage-copy-a', expectedVersion: 'no_stream', events: first },
        { streamId: 'usage-copy-b', expectedVersion: 'any', events: second },
      ]);

      // then every column holds what was appended, and the leaf hash PostgreSQL computes is the answer's
      const rows = await withClient(scratch.url, async (client) => {
        const { rows } = await client.query(`
          SELECT global_position::int AS position, event_id, stream_id, stream_version, type,
                 floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at_ms,
                 actor_id, actor_organization_id, entry,
                 encode(leaf_hash, 'base64') AS leaf_hash,
                 encode(sha256('\\x00'::bytea || convert_to(entry, 'UTF8')), 'base64') AS computed_leaf_hash,
                 encode(fingerprint, 'hex') AS fingerprint
            FROM ledger.events ORDER BY global_position`);
        return rows;
      });
      const appended = [...first, ...second];
      expect(rows).toHaveLength(600);
      rows.forEach((row, index) => {
        const answer = result.events[index];
        const sent = appended[index];
        expect(row).toMatchObject({
          position: answer.globalPosition,
          event_id: sent.id,
          stream_id: index < 400 ? 'usage-copy-a' : 'usage-copy-b',
          stream_version: index < 400 ? index : index - 400,
          type: 'DataAccessed',
          recorded_at_ms: recordedAtMs,
          actor_id: sent.metadata.actor.id,
          actor_organization_id: sent.metadata.actor.organizationId ?? null,
          leaf_hash: answer.leafHash,
          computed_leaf_hash: answer.leafHash,
        });
        expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.parse(row.entry)).toMatchObject({
          data: sent.data,
          recordedAt: '1999-12-31T23:59:59.123Z',
        });
        expect(answer.leafHash).toBe(createHash('sha256').update('\0').update(row.entry).digest('base64'));
      });
    });

    it('recognises a retry of COPY-written events by their stored fingerprints', async () => {
      // given
      const events = [event(1000), event(1001)];
      const original = await journal.store.append('usage-copy-c', events);

      // when
      const retried = await journal.store.append('usage-copy-c', events);

      // then
      expect(retried).toEqual({ ...original, alreadyRecorded: true });
    });
  });

  describe('a COPY the server refuses', () => {
    let database: PostgresDatabase;
    const uncaught: Error[] = [];
    const onUncaught = (error: Error) => uncaught.push(error);

    beforeAll(() => {
      process.prependListener('uncaughtException', onUncaught);
      database = new PostgresDatabase({ connectionString: scratch.url, poolSize: 1 });
    });

    afterAll(async () => {
      await database.close();
      process.removeListener('uncaughtException', onUncaught);
    });

    it('fails the transaction with the server’s error, writes nothing, and leaves the connection usable', async () => {
      // given a table to copy into, and data that is not binary COPY at all
      await database.exec('CREATE TABLE copy_target (n int8)');
      const garbage = Buffer.alloc(64 * 1024, 'x');

      // when chunks keep coming after the server has refused the first
      const attempt = database.transaction(async (tx) => {
        const copy = tx.copyIn?.('COPY copy_target (n) FROM STDIN (FORMAT binary)');
        if (!copy) throw new Error('PostgreSQL transactions offer COPY');
        for (let chunk = 0; chunk < 50; chunk++) await copy.write(garbage);
        await copy.end();
      });

      // then
      await expect(attempt).rejects.toMatchObject({ code: '22P04' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
      expect(await database.query('SELECT count(*)::int AS n FROM copy_target')).toEqual([{ n: 0 }]);
    });
  });
});
