import {
  hashChildren,
  inclusionProofRanges,
  consistencyProofRanges,
  leafHash,
  NodeHashes,
  rangeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';
import { integrateLeaves, rightEdgeTiles, TileHashes, tileKey, tilesFor, TILE_WIDTH } from './tiles';
import { perfectNodesOf } from './merkle';

/** Perfect subtree hashes from a plain leaf array: the oracle for what the tiles must give. */
function arrayNodes(leaves: Buffer[]): NodeHashes {
  const levels: Buffer[][] = [leaves];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const row: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) row.push(hashChildren(below[i], below[i + 1]));
    levels.push(row);
  }
  return ({ level, index }) => levels[level][index];
}

/** A tile store in memory, fed by integrateLeaves as the database is. */
class MemoryTiles {
  readonly tiles = new Map<string, Buffer>();
  size = 0;
  root = rootHash(0, () => Buffer.alloc(32));

  add(leaves: Buffer[]): void {
    const edge = new Map<string, Buffer>();
    for (const tile of rightEdgeTiles(this.size))
      edge.set(tileKey(tile), this.tiles.get(tileKey(tile)) as Buffer);
    const integration = integrateLeaves(this.size, edge, leaves);
    for (const tile of integration.changedTiles) this.tiles.set(tileKey(tile), tile.hashes);
    this.size = integration.size;
    this.root = integration.root;
  }
}

describe('tiles', () => {
  // Crosses level 2 (65,536 leaves = one full level 1 tile) so that three tile levels are exercised.
  const TOTAL = TILE_WIDTH * TILE_WIDTH + 3 * TILE_WIDTH + 7;
  const leaves = Array.from({ length: TOTAL }, (_, i) => leafHash(`leaf ${i}`));
  const oracle = arrayNodes(leaves);

  it('integrating leaves in uneven batches gives the root of every size reached', () => {
    const tiles = new MemoryTiles();
    const batchSizes = [1, 1, 3, 255, 1, 256, 511, 4096, 7, 60_000];
    for (const batch of batchSizes) {
      tiles.add(leaves.slice(tiles.size, tiles.size + batch));
      expect(tiles.root.equals(rootHash(tiles.size, oracle))).toBe(true);
    }
    tiles.add(leaves.slice(tiles.size));
    expect(tiles.size).toBe(TOTAL);
    expect(tiles.root.equals(rootHash(TOTAL, oracle))).toBe(true);
  });

  it('a full tile never changes and partial tiles hold exactly the entries the size implies', () => {
    const tiles = new MemoryTiles();
    tiles.add(leaves.slice(0, TILE_WIDTH + 5));
    const fullTile = Buffer.from(tiles.tiles.get('0/0') as Buffer);
    tiles.add(leaves.slice(TILE_WIDTH + 5, 3 * TILE_WIDTH));
    expect(tiles.tiles.get('0/0')?.equals(fullTile)).toBe(true);
    expect(rightEdgeTiles(3 * TILE_WIDTH + 5)).toEqual([
      { level: 0, index: 3, width: 5 },
      { level: 1, index: 0, width: 3 },
    ]);
    expect(tiles.tiles.get('1/0')?.length).toBe(3 * 32);
  });

  it('refuses leaves added to a right edge that does not match the size', () => {
    expect(() => integrateLeaves(3, new Map(), [leafHash('x')])).toThrow(
      'tile 0/0 holds 0 hashes, the tree says 3',
    );
  });

  describe('the kept tiles', () => {
    const tiles = new MemoryTiles();
    tiles.add(leaves.slice(0, 3 * TILE_WIDTH));
    const tile = (index: number) => new Map([[`0/${index}`, tiles.tiles.get(`0/${index}`) as Buffer]]);
    const parentOf = (index: number) => ({ level: 1, index });

    it('given a tile lent to a proof, when another tile is expanded into a full cache, then the lent one keeps its slot', () => {
      const cache = new TileHashes(1);
      cache.over(tile(0))(parentOf(0));
      const lent = cache.known([{ level: 0, index: 0 }]);

      cache.over(tile(1))(parentOf(128));

      expect(cache.over(new Map(), lent)(parentOf(0))).toEqual(oracle(parentOf(0)));
      expect([...cache.known([{ level: 0, index: 1 }]).tiles.keys()]).toEqual([]);
    });

    it('given a hash taken from a lent tile, when the tile is released and its slot taken by another, then the hash taken is unchanged', () => {
      const cache = new TileHashes(1);
      cache.over(tile(0))(parentOf(0));
      const lent = cache.known([{ level: 0, index: 0 }]);
      const taken = cache.over(new Map(), lent)(parentOf(0));
      cache.release(lent);

      cache.over(tile(2))(parentOf(256));

      expect(taken).toEqual(oracle(parentOf(0)));
      expect([...cache.known([{ level: 0, index: 2 }]).tiles.keys()]).toEqual(['0/2']);
    });
  });

  it('gives the same inclusion and consistency proofs as the leaf array, for sizes below the tiles held', () => {
    const tiles = new MemoryTiles();
    tiles.add(leaves);
    const hashes = new TileHashes(8);
    for (const size of [1, 2, 255, 256, 257, 1000, 65_535, 65_536, TOTAL]) {
      const root = rootHash(size, oracle);
      for (const index of [0, Math.floor(size / 3), size - 1]) {
        const ranges = inclusionProofRanges(index, size);
        const needed = tilesFor(ranges.flatMap(perfectNodesOf));
        const fetched = new Map(
          needed.map((tile) => [tileKey(tile), tiles.tiles.get(tileKey(tile)) as Buffer]),
        );
        const proof = ranges.map((range) => rangeHash(range, hashes.over(fetched)));
        expect(proof).toEqual(ranges.map((range) => rangeHash(range, oracle)));
        expect(verifyInclusion(index, size, leaves[index], proof, root)).toBe(true);
      }
      const from = Math.max(1, Math.floor(size / 2) - 1);
      const consistency = consistencyProofRanges(from, size).map((range) =>
        rangeHash(range, hashes.over(tiles.tiles)),
      );
      expect(verifyConsistency(from, size, consistency, rootHash(from, oracle), root)).toBe(true);
    }
  });
});
