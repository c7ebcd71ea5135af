import { HASH_SIZE, hashChildren, NodeHashes, NodeId, rootHash } from './merkle';
import { SlotCache } from './slot-cache';

/**
 * Tiles (after C2SP tlog-tiles): the tree is stored as rows of 256 consecutive hashes. A tile of level
 * L holds the hashes of tree level 8L, so level 0 tiles hold leaf hashes and a level 1 tile the roots
 * of 256 level 0 tiles. Any perfect subtree is then one tile read plus at most 255 hashes, and a proof
 * for a 2^24-leaf tree a handful of reads. Tiles only ever grow at the tree's right edge; once full
 * (256 hashes) a tile never changes again.
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

export interface TileId {
  level: number;
  index: number;
}

export interface Tile extends TileId {
  /** The tile's hashes so far, HASH_SIZE bytes each (fewer than TILE_WIDTH on the right edge). */
  hashes: Buffer;
}

export function tileKey(tile: TileId): string {
  return `${tile.level}/${tile.index}`;
}

/** Hashes stored at tile level `level` for a tree of `size` leaves: one per complete 256^level-leaf subtree. */
function entriesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** The tile that holds perfect subtree `node`, and where in it the node's first entry sits. */
export function tileOf(node: NodeId): { tile: TileId; sublevel: number; firstEntry: number } {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const sublevel = node.level - level * TILE_HEIGHT;
  const entry = node.index * 2 ** sublevel;
  return {
    tile: { level, index: Math.floor(entry / TILE_WIDTH) },
    sublevel,
    firstEntry: entry % TILE_WIDTH,
  };
}

/** The tiles that hold these subtrees, each once. */
export function tilesFor(nodes: readonly NodeId[]): TileId[] {
  const tiles = new Map<string, TileId>();
  for (const node of nodes) {
    const { tile } = tileOf(node);
    tiles.set(tileKey(tile), tile);
  }
  return [...tiles.values()];
}

/** The partial tile at each tile level of a tree of `size` leaves: the only tiles a new leaf changes. */
export function rightEdgeTiles(size: number): (TileId & { width: number })[] {
  const edge: (TileId & { width: number })[] = [];
  for (let level = 0; entriesAtLevel(size, level) > 0; level++) {
    const entries = entriesAtLevel(size, level);
    const width = entries % TILE_WIDTH;
    if (width > 0) edge.push({ level, index: Math.floor(entries / TILE_WIDTH), width });
  }
  return edge;
}

/** The hash of 2^sublevel consecutive entries of a tile, from `firstEntry` on. */
function hashWithinTile(hashes: Buffer, sublevel: number, firstEntry: number): Buffer {
  const count = 2 ** sublevel;
  if ((firstEntry + count) * HASH_SIZE > hashes.length) {
    throw new RangeError(`tile holds ${hashes.length / HASH_SIZE} hashes, not ${firstEntry + count}`);
  }
  let row: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const at = (firstEntry + i) * HASH_SIZE;
    row.push(hashes.subarray(at, at + HASH_SIZE));
  }
  while (row.length > 1) {
    const parents: Buffer[] = [];
    for (let i = 0; i < row.length; i += 2) parents.push(hashChildren(row[i], row[i + 1]));
    row = parents;
  }
  return row[0];
}

/** Offset of each sublevel's first hash in an expanded full tile (256 + 128 + … + 2 hashes). */
const SUBLEVEL_OFFSETS = Array.from(
  { length: TILE_HEIGHT },
  (_, sublevel) => 2 * TILE_WIDTH - 2 * (TILE_WIDTH >> sublevel),
);

/** A full tile with every hash inside it: 256 + 128 + … + 1 hashes. */
const EXPANDED_TILE_BYTES = SUBLEVEL_OFFSETS[TILE_HEIGHT - 1] * HASH_SIZE + 2 * HASH_SIZE;

/** Known full tiles lent to a caller by TileHashes.known: their slots stay theirs until released. */
export interface HeldTiles {
  readonly tiles: ReadonlyMap<string, Buffer>;
  readonly slots: readonly number[];
}

const NOTHING_HELD: HeldTiles = { tiles: new Map(), slots: [] };

/**
 * Subtree hashes out of tiles. Full tiles never change, so each is expanded once into all the hashes
 * inside it (511 × 32 bytes) and kept, up to `cacheTiles` of them, the least recently used out first;
 * a proof then costs reads and hashes only for tiles it has not met before.
 *
 * The kept tiles live in slots of one buffer (a SlotCache): a long-lived 16 kB allocation per tile,
 * interleaved with the short-lived ones around it, kept the allocator from handing freed memory back.
 * A slot lent to a proof by `known` is pinned until `release`: another proof's tile never takes it meanwhile.
 */
export class TileHashes {
  private readonly expanded: SlotCache<string>;

  constructor(cacheTiles = 1024) {
    this.expanded = new SlotCache(cacheTiles, EXPANDED_TILE_BYTES);
  }

  /** The expanded tiles kept, and the most that may be, in bytes. */
  cacheSize(): { bytes: number; boundBytes: number } {
    return { bytes: this.expanded.usedBytes, boundBytes: this.expanded.boundBytes };
  }

  /**
   * The known full tiles among `tiles`, lent to the caller, who must `release` them: a proof that reads
   * the other tiles from the database must not lose these to another proof filling the cache meanwhile.
   */
  known(tiles: readonly TileId[]): HeldTiles {
    const held = new Map<string, Buffer>();
    const slots: number[] = [];
    for (const tile of tiles) {
      const key = tileKey(tile);
      if (held.has(key)) continue;
      // Least recently used out first: the few upper tiles every proof needs stay.
      const slot = this.expanded.slotOf(key);
      if (slot === undefined) continue;
      this.expanded.pin(slot);
      slots.push(slot);
      held.set(key, this.expanded.view(slot));
    }
    return { tiles: held, slots };
  }

  /** Gives back what `known` lent. */
  release(held: HeldTiles): void {
    for (const slot of held.slots) this.expanded.unpin(slot);
  }

  /**
   * Subtree hashes over `known` (from known(), not yet released) and `tiles` as read, which together
   * must hold every node asked for. Full tiles among `tiles` are expanded once and kept (in a free
   * slot, or the least recently used one no proof holds; when every slot is lent out, the tile serves
   * this proof only).
   */
  over(tiles: ReadonlyMap<string, Buffer>, known: HeldTiles = NOTHING_HELD): NodeHashes {
    const expandedHere = new Map<string, Buffer>();
    return (node) => {
      const { tile, sublevel, firstEntry } = tileOf(node);
      const key = tileKey(tile);
      const held = known.tiles.get(key);
      // A copy: the slot is reused once released, and the hash may be kept longer (in a proof, say).
      if (held) return Buffer.from(expandedHash(held, sublevel, firstEntry));
      const expanded = expandedHere.get(key);
      if (expanded) return expandedHash(expanded, sublevel, firstEntry);
      const hashes = tiles.get(key);
      if (!hashes) throw new RangeError(`tile ${key} is missing for node ${node.level}/${node.index}`);
      if (hashes.length !== TILE_WIDTH * HASH_SIZE) return hashWithinTile(hashes, sublevel, firstEntry);
      const fresh = expandTile(hashes);
      expandedHere.set(key, fresh);
      if (!this.expanded.has(key)) this.expanded.keep(key, fresh);
      return expandedHash(fresh, sublevel, firstEntry);
    };
  }
}

/** Every hash inside a full tile: its 256 and then each sublevel's parents, up to the tile's root. */
function expandTile(hashes: Buffer): Buffer {
  const expanded = Buffer.allocUnsafe(EXPANDED_TILE_BYTES);
  hashes.copy(expanded, 0);
  for (let sublevel = 1; sublevel < TILE_HEIGHT; sublevel++) {
    const below = SUBLEVEL_OFFSETS[sublevel - 1] * HASH_SIZE;
    const here = SUBLEVEL_OFFSETS[sublevel] * HASH_SIZE;
    for (let i = 0; i < TILE_WIDTH >> sublevel; i++) {
      const left = below + 2 * i * HASH_SIZE;
      hashChildren(
        expanded.subarray(left, left + HASH_SIZE),
        expanded.subarray(left + HASH_SIZE, left + 2 * HASH_SIZE),
      ).copy(expanded, here + i * HASH_SIZE);
    }
  }
  return expanded;
}

function expandedHash(expanded: Buffer, sublevel: number, firstEntry: number): Buffer {
  const at = (SUBLEVEL_OFFSETS[sublevel] + (firstEntry >> sublevel)) * HASH_SIZE;
  return expanded.subarray(at, at + HASH_SIZE);
}

/** What adding leaves to the tree changes: the tiles to write and the new root. */
export interface Integration {
  size: number;
  root: Buffer;
  /** Every tile that is new or grew, with its whole content. */
  changedTiles: Tile[];
}

/**
 * Adds `leaves` to a tree of `size` leaves whose right-edge tiles (rightEdgeTiles(size)) are in
 * `edge`. Pure: the caller reads the edge and writes the changed tiles.
 */
export function integrateLeaves(
  size: number,
  edge: ReadonlyMap<string, Buffer>,
  leaves: readonly Buffer[],
): Integration {
  const tiles = new Map<string, Tile>();
  const tileAt = (level: number, index: number): Tile => {
    const key = tileKey({ level, index });
    let tile = tiles.get(key);
    if (!tile) {
      tile = { level, index, hashes: edge.get(key) ?? Buffer.alloc(0) };
      tiles.set(key, tile);
    }
    return tile;
  };

  let additions: readonly Buffer[] = leaves;
  for (let level = 0; additions.length > 0; level++) {
    const completed: Buffer[] = [];
    let entry = entriesAtLevel(size, level);
    let start = 0;
    while (start < additions.length) {
      const tile = tileAt(level, Math.floor(entry / TILE_WIDTH));
      const held = tile.hashes.length / HASH_SIZE;
      if (held !== entry % TILE_WIDTH) {
        throw new RangeError(
          `tile ${tileKey(tile)} holds ${held} hashes, the tree says ${entry % TILE_WIDTH}`,
        );
      }
      const take = Math.min(TILE_WIDTH - held, additions.length - start);
      tile.hashes = Buffer.concat([tile.hashes, ...additions.slice(start, start + take)]);
      start += take;
      entry += take;
      if (tile.hashes.length === TILE_WIDTH * HASH_SIZE)
        completed.push(hashWithinTile(tile.hashes, TILE_HEIGHT, 0));
    }
    additions = completed;
  }

  const newSize = size + leaves.length;
  const after = new Map<string, Buffer>(edge);
  for (const [key, tile] of tiles) after.set(key, tile.hashes);
  return {
    size: newSize,
    root: rootHash(newSize, new TileHashes(0).over(after)),
    changedTiles: [...tiles.values()],
  };
}
