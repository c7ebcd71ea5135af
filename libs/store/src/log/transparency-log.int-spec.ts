import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  isSignedBy,
  NoteSigner,
  parseSignedCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '@ledger/transparency';
import { someNewEvents } from '../../../../test/builders/events';
import { openTestJournal, testBackend, withClient } from '../../../../test/support/test-backend';
import type { AppendedEvent, EventStore } from '../event-store.port';
import { Journal, openJournal } from '../open-journal';
import { LogInconsistencyError, TransparencyLog, TreeHead, TreeSizeError } from './transparency-log';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

const ORIGIN = 'test.example/log';
const SIGNED_AT = new Date('2026-11-29T10:00:00.000Z');

/**
 * The transparency log over a real journal (architecture.md §2), on the backend LEDGER_TEST_BACKEND
 * names: the tree the database holds must be the RFC 9162 tree of the leaf hashes the store handed
 * out, as a naive computation here finds it, whatever the batching, the concurrency or the tiling.
 */
describe(`transparency log on ${testBackend()}`, () => {
  let journal: TestJournal;
  let store: EventStore;
  let signer: NoteSigner;

  const open = async () => {
    journal = await openTestJournal();
    store = journal.store;
    signer = new NoteSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
  };
  const dispose = () => journal.dispose();

  describe('integration', () => {
    beforeEach(open);
    afterEach(dispose);

    it('given appends in uneven batches, when the log integrates after each, then its root is the naive RFC 9162 root of the leaf hashes the store returned', async () => {
      // Rounds of at most 100 leaves, so one integrate() call also has to chain rounds.
      const log = new TransparencyLog(journal.database, { maxLeavesPerRound: 100 });
      const leaves: Buffer[] = [];
      expect(base64Head(await log.treeHead())).toEqual({ size: 0, root: b64(naiveRoot([])) });

      for (const batch of [1, 1, 2, 5, 120, 127, 1, 300, 3]) {
        leaves.push(...leafHashesOf(await appendBatch(store, batch, leaves.length)));

        const reached = await log.integrate((await store.head()) + 1);

        expect({ size: reached.size, root: b64(reached.rootHash) }).toEqual({
          size: leaves.length,
          root: b64(naiveRoot(leaves)),
        });
        expect(base64Head(await log.treeHead())).toEqual({
          size: leaves.length,
          root: b64(naiveRoot(leaves)),
        });
      }
      expect(leaves).toHaveLength(560);
    });

    it('given 16 concurrent writers, when integrate() runs over and over meanwhile, then every tree it reached has the right root and the last covers exactly head + 1 entries', async () => {
      // On PostgreSQL the writers are spread over several pools, as several processes would be.
      const extraJournals = testBackend() === 'postgres' ? await openMoreJournals(journal, 3) : [];
      const writers = [store, ...extraJournals.map((j) => j.store)];
      const log = new TransparencyLog(journal.database, { maxLeavesPerRound: 50 });
      const reached: TreeHead[] = [];
      let writing = true;
      const integrating = (async () => {
        while (writing) reached.push(await log.integrate());
      })();

      let appended: AppendedEvent[][];
      try {
        appended = await Promise.all(
          Array.from({ length: 16 }, async (_, writer) => {
            const events: AppendedEvent[] = [];
            for (let i = 0; i < 15; i++) {
              const target = writers[(writer + i) % writers.length];
              events.push(
                ...(await target.append(`usage-w${writer}`, someNewEvents(1 + ((writer + i) % 4)))).events,
              );
            }
            return events;
          }),
        );
      } finally {
        writing = false;
        await integrating;
        await Promise.all(extraJournals.map((j) => j.close()));
      }
      const head = await store.head();
      const final = await log.integrate(head + 1);

      const byPosition = appended.flat().sort((a, b) => a.globalPosition - b.globalPosition);
      expect(byPosition.map((event) => event.globalPosition)).toEqual(byPosition.map((_, i) => i));
      const leaves = leafHashesOf(byPosition);
      expect(final.size).toBe(head + 1);
      // The integrator ran while the writers wrote, or this test proves nothing about concurrency.
      expect(reached.some((tree) => tree.size > 0 && tree.size < final.size)).toBe(true);
      expect(final.size).toBe(leaves.length);
      expect(b64(final.rootHash)).toBe(b64(naiveRoot(leaves)));
      expect(reached.map((tree) => tree.size)).toEqual(
        [...reached.map((tree) => tree.size)].sort((a, b) => a - b),
      );
      for (const tree of reached) {
        expect({ size: tree.size, root: b64(tree.rootHash) }).toEqual({
          size: tree.size,
          root: b64(naiveRoot(leaves.slice(0, tree.size))),
        });
      }
    });

    it('given two log instances integrating concurrently over one database, then neither fails and both end on the same, right tree', async () => {
      // PostgreSQL: two pools, as two processes would have; PGlite: one database object, as in one process.
      const other = testBackend() === 'postgres' ? (await openMoreJournals(journal, 1))[0] : undefined;
      const first = new TransparencyLog(journal.database, { maxLeavesPerRound: 40 });
      const second = new TransparencyLog((other ?? journal).database, { maxLeavesPerRound: 40 });
      const leaves: Buffer[] = [];
      const reached: TreeHead[] = [];

      try {
        for (const batch of [90, 1, 170, 33, 300]) {
          leaves.push(...leafHashesOf(await appendBatch(store, batch, leaves.length)));
          const upTo = leaves.length;
          const rounds = await Promise.all([
            first.integrate(upTo),
            second.integrate(upTo),
            first.integrate(),
            second.integrate(),
          ]);
          reached.push(...rounds);
        }

        const [headOfFirst, headOfSecond] = [await first.treeHead(), await second.treeHead()];
        expect(base64Head(headOfFirst)).toEqual({ size: leaves.length, root: b64(naiveRoot(leaves)) });
        expect(base64Head(headOfSecond)).toEqual(base64Head(headOfFirst));
        for (const tree of reached)
          expect(b64(tree.rootHash)).toBe(b64(naiveRoot(leaves.slice(0, tree.size))));
        expect(b64(await second.rootAt(300))).toBe(b64(await first.rootAt(300)));
      } finally {
        await other?.close();
      }
    });
  });

  describe('proofs', () => {
    beforeEach(open);
    afterEach(dispose);

    // Sizes on both sides of a full level-0 tile (256 leaves) and of two (512).
    const SIZES = [1, 2, 3, 7, 8, 255, 256, 257, 511, 512, 513, 600];

    it('given a tree grown through sizes crossing full tiles, then at each step inclusion proofs (first, middle, last leaf) and consistency proofs from every earlier size verify against the naive roots', async () => {
      const log = new TransparencyLog(journal.database);
      const leaves: Buffer[] = [];

      for (const [step, size] of SIZES.entries()) {
        leaves.push(...leafHashesOf(await appendBatch(store, size - leaves.length, leaves.length)));
        expect((await log.integrate(size)).size).toBe(size);

        for (const treeSize of SIZES.slice(0, step + 1)) {
          const root = naiveRoot(leaves.slice(0, treeSize));
          expect(b64(await log.rootAt(treeSize))).toBe(b64(root));
          for (const position of new Set([0, Math.floor(treeSize / 2), treeSize - 1])) {
            const proof = await log.inclusionProof(position, treeSize);

            expect({
              leafIndex: proof.leafIndex,
              treeSize: proof.treeSize,
              leafHash: b64(proof.leafHash),
            }).toEqual({
              leafIndex: position,
              treeSize,
              leafHash: b64(leaves[position]),
            });
            expect(verifyInclusion(position, treeSize, leaves[position], proof.proof, root)).toBe(true);
          }
          if (treeSize < size) {
            const proof = await log.consistencyProof(treeSize, size);
            expect(verifyConsistency(treeSize, size, proof, root, naiveRoot(leaves))).toBe(true);
          }
        }
      }
    });

    it('given a tree of 600 entries, then every leaf proves its inclusion in one batched call, alike from a log with cold caches, and a proof of another leaf hash fails', async () => {
      const leaves = leafHashesOf(await appendBatch(store, 600, 0));
      const log = new TransparencyLog(journal.database);
      await log.integrate(600);
      const positions = leaves.map((_, position) => position);
      const root = naiveRoot(leaves);

      const proofs = await log.inclusionProofs(positions, 600);
      const fromColdLog = await new TransparencyLog(journal.database).inclusionProofs(positions, 600);

      expect(
        proofs.filter((p) => !verifyInclusion(p.leafIndex, 600, leaves[p.leafIndex], p.proof, root)),
      ).toEqual([]);
      expect(fromColdLog).toEqual(proofs);
      expect(verifyInclusion(7, 600, leaves[8], proofs[7].proof, root)).toBe(false);
    });

    it('given a tree of 600 entries, then the proof texts an export writes equal the proofs, for ranges across tiles and the partial edge, at several tree sizes', async () => {
      await appendBatch(store, 600, 0);
      const log = new TransparencyLog(journal.database);
      await log.integrate(600);

      for (const [treeSize, from, to] of [
        [600, 0, 600],
        [600, 250, 530],
        [512, 0, 512],
        [513, 500, 513],
        [300, 7, 9],
        [1, 0, 1],
      ]) {
        const positions = Array.from({ length: to - from }, (_, offset) => from + offset);
        const expected = (await log.inclusionProofs(positions, treeSize)).map((p) =>
          JSON.stringify(p.proof.map((hash) => hash.toString('base64'))),
        );
        expect(await log.inclusionProofTexts(from, to, treeSize)).toEqual(expected);
      }
    });

    it('regression: given a tile cache smaller than the proofs need, when many proofs run at once, then none loses a tile another evicted and all verify', async () => {
      const leaves = leafHashesOf(await appendBatch(store, 600, 0));
      await new TransparencyLog(journal.database).integrate(600);
      const log = new TransparencyLog(journal.database, { cachedTiles: 1 });
      const root = naiveRoot(leaves);

      // Tile 0/0 is cached first; proofs in tile 0/1 then evict it while proofs in 0/0 wait for the partial tiles.
      await log.inclusionProof(0, 600);
      const order = [...leaves.keys()].sort((a, b) => Number(a < 256) - Number(b < 256));
      const proofs = await Promise.all(order.map((position) => log.inclusionProof(position, 600)));

      expect(
        proofs.filter((p) => !verifyInclusion(p.leafIndex, 600, leaves[p.leafIndex], p.proof, root)),
      ).toEqual([]);
    });

    it('given a tree behind the journal, when a proof asks for a tree size beyond the tree, then it fails with TreeSizeError', async () => {
      await appendBatch(store, 10, 0);
      const log = new TransparencyLog(journal.database);
      await log.integrate(10);
      await appendBatch(store, 10, 10);

      // A fresh instance too: the first has cached the size it reached, the second must ask the database.
      for (const asked of [log, new TransparencyLog(journal.database)]) {
        await expect(asked.inclusionProof(0, 11)).rejects.toBeInstanceOf(TreeSizeError);
        await expect(asked.inclusionProofs([0, 1], 15)).rejects.toBeInstanceOf(TreeSizeError);
        await expect(asked.consistencyProof(1, 20)).rejects.toBeInstanceOf(TreeSizeError);
        await expect(asked.rootAt(11)).rejects.toBeInstanceOf(TreeSizeError);
        await expect(asked.rootAt(-1)).rejects.toBeInstanceOf(TreeSizeError);
        await expect(asked.inclusionProof(0, 2.5)).rejects.toBeInstanceOf(TreeSizeError);
      }
      expect((await log.treeHead()).size).toBe(10);
    });
  });

  describe('checkpoints', () => {
    beforeEach(open);
    afterEach(dispose);

    it('given an entry rewritten behind the service before it was logged, when integrating, then the log refuses and does not move', async () => {
      const log = new TransparencyLog(journal.database);
      await appendBatch(store, 4, 0);
      await log.integrate(4);
      await appendBatch(store, 3, 4);
      await asSuperuserBypassingTriggers(
        journal,
        `UPDATE ledger.events SET entry = replace(entry, '"recordCount":', '"recordCount":9') WHERE global_position = 5`,
      );

      await expect(log.integrate(7)).rejects.toThrow(/position 5 does not hash to its stored leaf hash/);
      expect((await log.treeHead()).size).toBe(4);
    });

    it('given an integrated tree, when publishing, then the note parses, is signed by the key and states the tree; publishing again without growth creates nothing; every checkpoint is kept', async () => {
      const log = new TransparencyLog(journal.database);
      const leaves: Buffer[] = [];
      const published: string[] = [];

      for (const batch of [5, 300, 2]) {
        leaves.push(...leafHashesOf(await appendBatch(store, batch, leaves.length)));
        await log.integrate(leaves.length);

        const first = await log.publishCheckpoint(signer, SIGNED_AT);
        const again = await log.publishCheckpoint(signer, new Date(SIGNED_AT.getTime() + 1000));

        expect(first.created).toBe(true);
        expect(again).toEqual({ checkpoint: first.checkpoint, created: false });
        const note = parseSignedCheckpoint(first.checkpoint.note);
        expect(isSignedBy(note, ORIGIN, signer.publicKey)).toBe(true);
        expect({ origin: note.origin, size: note.size, root: b64(note.rootHash) }).toEqual({
          origin: ORIGIN,
          size: leaves.length,
          root: b64(naiveRoot(leaves)),
        });
        expect(first.checkpoint).toMatchObject({
          treeSize: leaves.length,
          origin: ORIGIN,
          verifierKey: signer.verifierKey,
          signedAt: SIGNED_AT,
        });
        published.push(first.checkpoint.note);
      }

      const kept = await log.checkpoints(0, 100);
      expect(kept.map((c) => [c.treeSize, c.note])).toEqual([
        [5, published[0]],
        [305, published[1]],
        [307, published[2]],
      ]);
      expect((await log.latestCheckpoint())?.treeSize).toBe(307);
      expect((await log.checkpoint(305))?.note).toBe(published[1]);
      expect(await log.checkpoint(6)).toBeNull();
      expect((await log.checkpointCovering(6))?.treeSize).toBe(305);
      expect((await log.checkpoints(6, 1)).map((c) => c.treeSize)).toEqual([305]);
      const [older, newer] = [kept[0], kept[2]];
      expect(
        verifyConsistency(
          older.treeSize,
          newer.treeSize,
          await log.consistencyProof(older.treeSize, newer.treeSize),
          older.rootHash,
          newer.rootHash,
        ),
      ).toBe(true);
    });

    it('given a checkpoint, when a superuser rewrites a tile it covers and the log grows, then publishCheckpoint refuses with LogInconsistencyError and signs nothing', async () => {
      const log = new TransparencyLog(journal.database);
      await appendBatch(store, 300, 0);
      await log.integrate(300);
      const { checkpoint } = await log.publishCheckpoint(signer, SIGNED_AT);

      // Leaf 257 lives in the right-edge tile 0/1, which the consistency proof from size 300 reads.
      await expect(
        asOwner(
          journal,
          `UPDATE ledger.log_tiles SET hashes = sha256('forged'::bytea) WHERE level = 0 AND tile_index = 1`,
        ),
      ).rejects.toThrow(/only grow/);
      await asSuperuserBypassingTriggers(
        journal,
        `UPDATE ledger.log_tiles
            SET hashes = overlay(hashes PLACING sha256('forged'::bytea) FROM ${1 * 32 + 1} FOR 32)
          WHERE level = 0 AND tile_index = 1`,
      );
      await appendBatch(store, 10, 300);
      await log.integrate(310);

      await expect(log.publishCheckpoint(signer, SIGNED_AT)).rejects.toBeInstanceOf(LogInconsistencyError);
      await expect(
        new TransparencyLog(journal.database).publishCheckpoint(signer, SIGNED_AT),
      ).rejects.toBeInstanceOf(LogInconsistencyError);
      expect((await log.checkpoints(0, 100)).map((c) => c.note)).toEqual([checkpoint.note]);
    });

    it('given a checkpoint, when a superuser rewrites the tree head of that size, then publishCheckpoint refuses with LogInconsistencyError', async () => {
      const log = new TransparencyLog(journal.database);
      await appendBatch(store, 3, 0);
      await log.integrate(3);
      const { checkpoint } = await log.publishCheckpoint(signer, SIGNED_AT);

      await expect(
        asOwner(journal, `UPDATE ledger.log_tree SET root_hash = sha256('forged'::bytea)`),
      ).rejects.toThrow(/only grows/);
      await asSuperuserBypassingTriggers(
        journal,
        `UPDATE ledger.log_tree SET root_hash = sha256('forged'::bytea)`,
      );

      await expect(log.publishCheckpoint(signer, SIGNED_AT)).rejects.toBeInstanceOf(LogInconsistencyError);
      expect((await log.checkpoints(0, 100)).map((c) => c.note)).toEqual([checkpoint.note]);
    });
  });

  describe('kept checkpoints', () => {
    // Every statement here is refused, so the cases share one journal and its one checkpoint.
    let kept: string;

    beforeAll(async () => {
      await open();
      const log = new TransparencyLog(journal.database);
      await appendBatch(store, 2, 0);
      await log.integrate(2);
      kept = (await log.publishCheckpoint(signer, SIGNED_AT)).checkpoint.note;
    });
    afterAll(dispose);

    it.each(['UPDATE ledger.log_checkpoints SET note = $$forged$$', 'DELETE FROM ledger.log_checkpoints'])(
      'given a checkpoint, then the service role may not run %s',
      async (statement) => {
        await expect(journal.database.exec(statement)).rejects.toThrow(/permission denied/);

        expect((await new TransparencyLog(journal.database).checkpoints(0, 10)).map((c) => c.note)).toEqual([
          kept,
        ]);
      },
    );

    it.each([
      'UPDATE ledger.log_checkpoints SET note = $$forged$$',
      'DELETE FROM ledger.log_checkpoints',
      'TRUNCATE ledger.log_checkpoints',
    ])('given a checkpoint, then even the owner is refused %s by the triggers', async (statement) => {
      await expect(asOwner(journal, statement)).rejects.toThrow(/append-only/);

      expect((await new TransparencyLog(journal.database).checkpoints(0, 10)).map((c) => c.note)).toEqual([
        kept,
      ]);
    });
  });
});

/** MTH(D[n]) of RFC 9162 §2.1.1, as plainly as it can be written. */
function naiveRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.concat([Buffer.from([1]), naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k))]));
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function b64(hash: Buffer): string {
  return hash.toString('base64');
}

function base64Head(head: TreeHead): { size: number; root: string } {
  return { size: head.size, root: b64(head.rootHash) };
}

function leafHashesOf(events: readonly AppendedEvent[]): Buffer[] {
  return events.map((event) => Buffer.from(event.leafHash, 'base64'));
}

/** Appends `count` events over a few streams in one atomic call; they must land right after `expectedFirst - 1`. */
async function appendBatch(
  store: EventStore,
  count: number,
  expectedFirst: number,
): Promise<AppendedEvent[]> {
  const streams = Math.min(3, count);
  const { events } = await store.appendMany(
    Array.from({ length: streams }, (_, i) => ({
      streamId: `usage-batch${i}`,
      expectedVersion: 'any' as const,
      events: someNewEvents(Math.floor(count / streams) + (i < count % streams ? 1 : 0)),
    })),
  );
  expect(events.map((event) => event.globalPosition)).toEqual(events.map((_, i) => expectedFirst + i));
  return events;
}

async function openMoreJournals(journal: TestJournal, count: number): Promise<Journal[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      openJournal({ ...journal.testDatabase.journalOptions, dataDir: 'unused' }),
    ),
  );
}

/** Runs a statement as the database owner, who holds every grant (PGlite: the session's own role). */
async function asOwner(journal: TestJournal, statement: string): Promise<void> {
  if (journal.testDatabase.ownerUrl) {
    await withClient(journal.testDatabase.ownerUrl, (client) => client.query(statement));
    return;
  }
  await journal.database.exec('RESET ROLE');
  try {
    await journal.database.exec(statement);
  } finally {
    await journal.database.exec('SET ROLE ledger_app');
  }
}

/** What only a superuser can do: write with the ledger's triggers switched off for the session. */
async function asSuperuserBypassingTriggers(journal: TestJournal, statement: string): Promise<void> {
  await asOwner(
    journal,
    `SET session_replication_role = replica; ${statement}; SET session_replication_role = origin`,
  );
}
