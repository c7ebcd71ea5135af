import {
  consistencyProofRanges,
  EMPTY_TREE_ROOT,
  inclusionProofRanges,
  integrateLeaves,
  LeafRange,
  NodeHashes,
  NodeId,
  NoteSigner,
  perfectNodesOf,
  rangeHash,
  RememberedHashes,
  rightEdgeTiles,
  TILE_HEIGHT,
  TILE_WIDTH,
  TileHashes,
  TileId,
  tileKey,
  tilesFor,
  verifyConsistency,
} from '@ledger/transparency';
import { byteaOf, SqlDatabase, SqlQueryable } from '../sql-database';
import {
  ADVANCE_TREE,
  INSERT_CHECKPOINT,
  LIST_CHECKPOINTS,
  LOCK_LOG,
  READ_CHECKPOINT,
  READ_CHECKPOINT_COVERING,
  READ_LATEST_CHECKPOINT,
  READ_LEAF_HASHES,
  READ_TILES,
  READ_TREE_HEAD,
  WRITE_TILES,
} from './log.sql';

export interface TreeHead {
  size: number;
  rootHash: Buffer;
}

/** What one integration reached: the tree head, how many leaves it added, and whether more were waiting. */
export interface Integrated extends TreeHead {
  added: number;
  /** The round was full: the journal may hold entries beyond it. */
  more: boolean;
}

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  origin: string;
  verifierKey: string;
  /** The C2SP signed note, exactly as handed out. */
  note: string;
  signedAt: Date;
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: Buffer;
  proof: Buffer[];
}

/** A proof was asked of a tree the log has not reached (or cannot have). */
export class TreeSizeError extends Error {
  override readonly name = 'TreeSizeError';
  readonly code = 'TreeSizeOutOfRange';
}

/** The tree no longer agrees with a checkpoint already handed out: the log refuses to sign anything after it. */
export class LogInconsistencyError extends Error {
  override readonly name = 'LogInconsistencyError';
  readonly code = 'LogInconsistent';
}

/** Hashes of proof subtrees of 256 leaves or more kept per log. */
const REMEMBERED_UPPER_RANGES = 8_192;

export interface TransparencyLogOptions {
  /** Most leaves one integration round takes in (bounded so a long backlog commits as it goes). */
  maxLeavesPerRound?: number;
  /** Full tiles kept expanded in memory for proofs (16 KiB each: 64 MiB for 4,096, every tile of a 1,000,000-entry log). */
  cachedTiles?: number;
}

/** One integration round's entries, aggregated by READ_LEAF_HASHES. */
interface LeafRoundRow {
  leaves: string | number;
  first_position: string | number | null;
  last_position: string | number | null;
  first_mismatch: string | number | null;
  /** The leaf hashes, 32 bytes each, in position order. */
  leaf_hashes: Uint8Array;
}

interface CheckpointRow {
  tree_size: string | number;
  root_hash: Uint8Array;
  origin: string;
  verifier_key: string;
  note: string;
  signed_at: Date | string;
}

/**
 * The RFC 9162 tree over the journal (architecture.md §2), kept as tiles in the database by a
 * sequencer close behind the appends: `integrate` takes the entries the tree has not yet covered,
 * adds their leaf hashes and moves the tree head, in one transaction under the log's lock. Appends
 * never wait for it. Proofs read a handful of tiles; checkpoints sign the integrated tree.
 */
export class TransparencyLog {
  private readonly tileHashes: TileHashes;
  private readonly maxLeavesPerRound: number;
  private readonly upperRanges = new RememberedHashes<number | string>(REMEMBERED_UPPER_RANGES);
  /** A size the tree is known to have reached; it only grows, so checks below it need no query. */
  private knownSize = 0;

  constructor(
    private readonly db: SqlDatabase,
    options: TransparencyLogOptions = {},
  ) {
    this.tileHashes = new TileHashes(options.cachedTiles ?? 4096);
    this.maxLeavesPerRound = options.maxLeavesPerRound ?? 16_384;
  }

  /** The caches proofs are built from (expanded tiles, remembered subtree hashes): what they hold and the most they may. */
  tileCacheSize(): { bytes: number; boundBytes: number } {
    const tiles = this.tileHashes.cacheSize();
    return {
      bytes: tiles.bytes + this.upperRanges.bytes,
      boundBytes: tiles.boundBytes + this.upperRanges.boundBytes,
    };
  }

  async treeHead(queryable: SqlQueryable = this.db): Promise<TreeHead> {
    const [row] = await queryable.query<{ tree_size: string | number; root_hash: Uint8Array }>(
      READ_TREE_HEAD,
    );
    const head = { size: Number(row.tree_size), rootHash: byteaOf(row.root_hash) };
    this.knownSize = Math.max(this.knownSize, head.size);
    return head;
  }

  /**
   * Adds to the tree what the journal holds beyond it, one bounded round at a time, until the tree
   * covers at least `upTo` entries (default: one round). Returns the tree head reached.
   */
  async integrate(upTo?: number): Promise<Integrated> {
    for (;;) {
      const head = await this.db.transaction(async (tx) => this.integrateRound(tx), LOCK_LOG);
      if (upTo === undefined || head.size >= upTo || !head.more) return head;
    }
  }

  private async integrateRound(tx: SqlQueryable): Promise<Integrated> {
    const head = await this.treeHead(tx);
    const [round] = await tx.query<LeafRoundRow>(READ_LEAF_HASHES, [head.size, this.maxLeavesPerRound]);
    const count = Number(round.leaves);
    if (count === 0) return { ...head, added: 0, more: false };
    // Positions are gapless and committed in order, so what follows the tree is exactly size, size+1, …
    const first = Number(round.first_position);
    const last = Number(round.last_position);
    if (first !== head.size || last - first + 1 !== count) {
      throw new Error(
        `the journal holds ${count} entries from position ${first} to ${last} where positions ${head.size} to ${head.size + count - 1} were expected`,
      );
    }
    // The log commits to the entries themselves: a stored hash that is not the entry's own (a row
    // written behind the service's back) is never signed.
    if (round.first_mismatch !== null) {
      throw new LogInconsistencyError(
        `the entry at position ${round.first_mismatch} does not hash to its stored leaf hash; the log stops here until \`ledger audit\` is run`,
      );
    }
    const hashes = byteaOf(round.leaf_hashes);
    const leaves = Array.from({ length: count }, (_, offset) =>
      hashes.subarray(offset * 32, offset * 32 + 32),
    );
    const edge = await this.readTiles(tx, rightEdgeTiles(head.size));
    const integration = integrateLeaves(head.size, edge, leaves);
    const written = await tx.query(WRITE_TILES, [
      integration.changedTiles.map((tile) => tile.level),
      integration.changedTiles.map((tile) => tile.index),
      integration.changedTiles.map((tile) => tile.hashes.toString('base64')),
    ]);
    if (written.length !== integration.changedTiles.length) {
      throw new LogInconsistencyError(
        'a stored tile disagrees with the tree being integrated; run `ledger audit`',
      );
    }
    const advanced = await tx.query(ADVANCE_TREE, [
      head.size,
      integration.size,
      integration.root.toString('base64'),
    ]);
    if (advanced.length !== 1) throw new Error('the tree head moved during integration');
    this.knownSize = Math.max(this.knownSize, integration.size);
    return {
      size: integration.size,
      rootHash: integration.root,
      added: leaves.length,
      more: leaves.length === this.maxLeavesPerRound,
    };
  }

  /** Inclusion proofs of several leaves in one tree, reading each tile once (exports ask for 256 at a time). */
  async inclusionProofs(leafIndices: readonly number[], treeSize: number): Promise<InclusionProof[]> {
    await this.requireTreeSize(treeSize);
    const plans = leafIndices.map((leafIndex) => ({
      leafIndex,
      ranges: inclusionProofRanges(leafIndex, treeSize).map((range) => ({
        range,
        remembered: this.rememberedUpper(range),
      })),
    }));
    const memo = new Map<string, Buffer>();
    return this.withNodeHashes(
      plans.flatMap((plan) => [
        { level: 0, index: plan.leafIndex },
        ...plan.ranges.filter(({ remembered }) => !remembered).flatMap(({ range }) => perfectNodesOf(range)),
      ]),
      (nodes) =>
        plans.map(({ leafIndex, ranges }) => ({
          leafIndex,
          treeSize,
          leafHash: nodes({ level: 0, index: leafIndex }),
          proof: ranges.map(
            ({ range, remembered }) =>
              remembered ?? this.rememberUpper(range, memoisedRangeHash(range, nodes, memo)),
          ),
        })),
    );
  }

  /** The remembered hash of an upper range, as the most recently used. */
  private rememberedUpper(range: LeafRange): Buffer | undefined {
    if (!isUpperRange(range)) return undefined;
    return this.upperRanges.get(upperRangeKey(range));
  }

  /**
   * Subtrees of a tile's width or more are shared by the proofs of many leaves, and those on the right
   * edge need the partial tiles, which are never cached: their hashes are remembered, so a proof whose
   * leaf tile is cached needs no read at all. A range's hash depends on its leaves only, never on the
   * size of the tree it is part of, so it is remembered once for every tree size that uses it.
   */
  private rememberUpper(range: LeafRange, hash: Buffer): Buffer {
    if (!isUpperRange(range)) return hash;
    this.upperRanges.set(upperRangeKey(range), hash);
    return hash;
  }

  /**
   * Inclusion proofs of the consecutive leaves `[from, to)` as JSON array texts of base64 hashes, what
   * an export writes. Leaves of one full level-0 tile share every proof hash above the tile (RFC 9162
   * paths pass through every aligned block inside the tree), so each tile's shared part and its inner
   * hashes are computed and encoded once, not once per leaf.
   */
  async inclusionProofTexts(from: number, to: number, treeSize: number): Promise<string[]> {
    await this.requireTreeSize(treeSize);
    if (from >= to) return [];
    if (from < 0 || to > treeSize)
      throw new TreeSizeError(`leaves [${from}, ${to}) are not all in a tree of size ${treeSize}`);
    const firstTile = Math.floor(from / TILE_WIDTH);
    const lastTile = Math.floor((to - 1) / TILE_WIDTH);
    const plans: { tile: number; shared: LeafRange[] }[] = [];
    const nodes: NodeId[] = [];
    for (let tile = firstTile; tile <= lastTile; tile++) {
      if ((tile + 1) * TILE_WIDTH > treeSize) continue;
      const shared = inclusionProofRanges(tile * TILE_WIDTH, treeSize).slice(TILE_HEIGHT);
      plans.push({ tile, shared });
      nodes.push({ level: 0, index: tile * TILE_WIDTH }, ...shared.flatMap(perfectNodesOf));
    }
    // A walk over consecutive tiles would only churn the cache that random single proofs rely on.
    const texts = await this.withNodeHashes(
      nodes,
      (hashes) => {
        const fullTiles: string[] = [];
        for (const { tile, shared } of plans) {
          const quoted = (node: NodeId): string => `"${hashes(node).toString('base64')}"`;
          const suffix = shared.map((range) => `"${rangeHash(range, hashes).toString('base64')}"`).join(',');
          // The tile's inner hashes, each encoded once: sibling index i at sublevel j, for j = 0 … 7.
          const inner = Array.from({ length: TILE_HEIGHT }, () => new Map<number, string>());
          const start = Math.max(from, tile * TILE_WIDTH);
          const end = Math.min(to, (tile + 1) * TILE_WIDTH);
          for (let leaf = start; leaf < end; leaf++) {
            let proof = '[';
            for (let sublevel = 0; sublevel < TILE_HEIGHT; sublevel++) {
              const sibling = Math.floor(leaf / 2 ** sublevel) ^ 1;
              let text = inner[sublevel].get(sibling);
              if (text === undefined) {
                text = quoted({ level: sublevel, index: sibling });
                inner[sublevel].set(sibling, text);
              }
              proof += sublevel === 0 ? text : `,${text}`;
            }
            fullTiles.push(suffix ? `${proof},${suffix}]` : `${proof}]`);
          }
        }
        return fullTiles;
      },
      this.db,
      new TileHashes(0),
    );
    // Leaves of a partial tile (the tree's right edge) take the general way.
    const edgeStart = Math.max(from, Math.floor(treeSize / TILE_WIDTH) * TILE_WIDTH);
    if (edgeStart < to) {
      const edge = Array.from({ length: to - edgeStart }, (_, offset) => edgeStart + offset);
      for (const { proof } of await this.inclusionProofs(edge, treeSize)) {
        texts.push(`[${proof.map((hash) => `"${hash.toString('base64')}"`).join(',')}]`);
      }
    }
    return texts;
  }

  async inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof> {
    const [proof] = await this.inclusionProofs([leafIndex], treeSize);
    return proof;
  }

  async consistencyProof(from: number, to: number, queryable: SqlQueryable = this.db): Promise<Buffer[]> {
    await this.requireTreeSize(to, queryable);
    const ranges = consistencyProofRanges(from, to);
    return this.withNodeHashes(
      ranges.flatMap(perfectNodesOf),
      (nodes) => ranges.map((range) => rangeHash(range, nodes)),
      queryable,
    );
  }

  /** The root of the tree of the first `size` entries (any size the tree has reached). */
  async rootAt(size: number): Promise<Buffer> {
    await this.requireTreeSize(size);
    if (size === 0) return EMPTY_TREE_ROOT;
    const range = { start: 0, end: size };
    return this.withNodeHashes(perfectNodesOf(range), (nodes) => rangeHash(range, nodes));
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const [row] = await this.db.query<CheckpointRow>(READ_LATEST_CHECKPOINT);
    return row ? checkpointOf(row) : null;
  }

  async checkpoint(treeSize: number): Promise<StoredCheckpoint | null> {
    const [row] = await this.db.query<CheckpointRow>(READ_CHECKPOINT, [treeSize]);
    return row ? checkpointOf(row) : null;
  }

  /** The smallest kept checkpoint of at least `treeSize` entries. */
  async checkpointCovering(treeSize: number): Promise<StoredCheckpoint | null> {
    const [row] = await this.db.query<CheckpointRow>(READ_CHECKPOINT_COVERING, [treeSize]);
    return row ? checkpointOf(row) : null;
  }

  async checkpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return (await this.db.query<CheckpointRow>(LIST_CHECKPOINTS, [fromSize, limit])).map(checkpointOf);
  }

  /**
   * Signs the integrated tree as a new checkpoint, unless the latest checkpoint already has its size.
   * The new tree must prove consistent with the latest checkpoint first: a log that disagrees with
   * what it handed out stops signing (LogInconsistencyError) rather than fork.
   */
  async publishCheckpoint(
    signer: NoteSigner,
    now: Date,
  ): Promise<{ checkpoint: StoredCheckpoint; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const head = await this.treeHead(tx);
      const [latestRow] = await tx.query<CheckpointRow>(READ_LATEST_CHECKPOINT);
      const latest = latestRow ? checkpointOf(latestRow) : null;
      if (latest && latest.treeSize === head.size) {
        if (!latest.rootHash.equals(head.rootHash)) {
          throw new LogInconsistencyError(
            `the tree of size ${head.size} no longer has the root its checkpoint signed`,
          );
        }
        return { checkpoint: latest, created: false };
      }
      if (latest && latest.treeSize > head.size) {
        throw new LogInconsistencyError(
          `the tree (size ${head.size}) is behind its latest checkpoint (size ${latest.treeSize})`,
        );
      }
      if (latest && latest.treeSize > 0) {
        const proof = await this.consistencyProof(latest.treeSize, head.size, tx);
        if (!verifyConsistency(latest.treeSize, head.size, proof, latest.rootHash, head.rootHash)) {
          throw new LogInconsistencyError(
            `the tree of size ${head.size} is not consistent with the checkpoint of size ${latest.treeSize}`,
          );
        }
      }
      const note = signer.signCheckpoint({
        origin: signer.keyName,
        size: head.size,
        rootHash: head.rootHash,
      });
      const checkpoint: StoredCheckpoint = {
        treeSize: head.size,
        rootHash: head.rootHash,
        origin: signer.keyName,
        verifierKey: signer.verifierKey,
        note,
        signedAt: now,
      };
      await tx.query(INSERT_CHECKPOINT, [
        checkpoint.treeSize,
        checkpoint.rootHash.toString('base64'),
        checkpoint.origin,
        checkpoint.verifierKey,
        checkpoint.note,
        checkpoint.signedAt.toISOString(),
      ]);
      return { checkpoint, created: true };
    }, LOCK_LOG);
  }

  /** On PGlite a query outside a running transaction waits for it: code inside one passes its queryable along. */
  private async requireTreeSize(size: number, queryable: SqlQueryable = this.db): Promise<void> {
    if (!Number.isSafeInteger(size) || size < 0) throw new TreeSizeError(`${size} is not a tree size`);
    if (size <= this.knownSize) return;
    const head = await this.treeHead(queryable);
    if (size > head.size) {
      throw new TreeSizeError(
        `the log's tree holds ${head.size} entries; ask for a tree size of at most ${head.size} (a published checkpoint's size)`,
      );
    }
  }

  /**
   * Subtree hashes for these nodes, reading only the tiles not already known, handed to `use` (which
   * must not wait: the known tiles are lent to it, and given back when it returns).
   */
  private async withNodeHashes<T>(
    nodes: readonly NodeId[],
    use: (hashes: NodeHashes) => T,
    queryable: SqlQueryable = this.db,
    cache: TileHashes = this.tileHashes,
  ): Promise<T> {
    const needed = tilesFor(nodes);
    const known = cache.known(needed);
    try {
      const missing = needed.filter((tile) => !known.tiles.has(tileKey(tile)));
      return use(cache.over(await this.readTiles(queryable, missing), known));
    } finally {
      cache.release(known);
    }
  }

  private async readTiles(queryable: SqlQueryable, tiles: readonly TileId[]): Promise<Map<string, Buffer>> {
    if (tiles.length === 0) return new Map();
    const rows = await queryable.query<{ level: number; tile_index: string | number; hashes: Uint8Array }>(
      READ_TILES,
      [tiles.map((tile) => tile.level), tiles.map((tile) => tile.index)],
    );
    return new Map(
      rows.map((row) => [tileKey({ level: row.level, index: Number(row.tile_index) }), byteaOf(row.hashes)]),
    );
  }
}

/** A subtree of a tile's width or more: shared by the proofs of many leaves, so its hash is remembered. */
function isUpperRange(range: LeafRange): boolean {
  return range.end - range.start >= TILE_WIDTH;
}

const NUMERIC_KEY_LIMIT = 2 ** 26;

/**
 * A remembered range's key: a number while the log is below 2^26 entries (a number key is looked up
 * without building and hashing a string, which was a tenth of a proof's own time), a string beyond.
 */
function upperRangeKey(range: LeafRange): number | string {
  return range.end < NUMERIC_KEY_LIMIT
    ? range.start * NUMERIC_KEY_LIMIT + range.end
    : `${range.start}/${range.end}`;
}

function memoisedRangeHash(range: LeafRange, nodes: NodeHashes, memo: Map<string, Buffer>): Buffer {
  const key = `${range.start}-${range.end}`;
  let hash = memo.get(key);
  if (!hash) {
    hash = rangeHash(range, nodes);
    memo.set(key, hash);
  }
  return hash;
}

function checkpointOf(row: CheckpointRow): StoredCheckpoint {
  return {
    treeSize: Number(row.tree_size),
    rootHash: byteaOf(row.root_hash),
    origin: row.origin,
    verifierKey: row.verifier_key,
    note: row.note,
    signedAt: new Date(row.signed_at),
  };
}
