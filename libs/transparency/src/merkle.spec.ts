import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  consistencyProofRanges,
  EMPTY_TREE_ROOT,
  hashChildren,
  inclusionProofRanges,
  leafHash,
  NodeHashes,
  rangeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

/** A copy of ../shared/testdata/rfc9162-vectors kept in the repository, so a clone runs them anywhere. */
const VECTORS = join(__dirname, '../../../test/vectors/rfc9162-vectors');

function jsonFilesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? jsonFilesUnder(path) : name.endsWith('.json') ? [path] : [];
  });
}

const bytes = (base64: string | null | undefined): Buffer => Buffer.from(base64 ?? '', 'base64');

/** MTH straight from RFC 9162 §2.1.1, over an array: the oracle the tiled code is checked against. */
function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_TREE_ROOT;
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

/** Perfect subtree hashes of a leaf array (each computed once, pairwise), as a NodeHashes source. */
function nodesOver(leaves: Buffer[]): NodeHashes {
  const levels: Buffer[][] = [leaves];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const row: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) row.push(hashChildren(below[i], below[i + 1]));
    levels.push(row);
  }
  return ({ level, index }) => {
    const node = levels[level]?.[index];
    if (!node) throw new RangeError(`no subtree ${level}/${index} in ${leaves.length} leaves`);
    return node;
  };
}

describe('RFC 9162 conformance vectors (transparency-dev/merkle testdata)', () => {
  const inclusionCases = jsonFilesUnder(join(VECTORS, 'inclusion'));
  const consistencyCases = jsonFilesUnder(join(VECTORS, 'consistency'));

  it('finds the vectors', () => {
    expect(inclusionCases.length).toBeGreaterThan(50);
    expect(consistencyCases.length).toBeGreaterThan(50);
  });

  it.each(inclusionCases.map((path) => [path.slice(VECTORS.length + 1), path]))(
    'inclusion %s is judged as the case says',
    (_name, path) => {
      const vector = JSON.parse(readFileSync(path, 'utf8'));
      const accepted = verifyInclusion(
        vector.leafIdx,
        vector.treeSize,
        bytes(vector.leafHash),
        (vector.proof ?? []).map(bytes),
        bytes(vector.root),
      );
      expect(accepted).toBe(!vector.wantErr);
    },
  );

  it.each(consistencyCases.map((path) => [path.slice(VECTORS.length + 1), path]))(
    'consistency %s is judged as the case says',
    (_name, path) => {
      const vector = JSON.parse(readFileSync(path, 'utf8'));
      const accepted = verifyConsistency(
        vector.size1,
        vector.size2,
        (vector.proof ?? []).map(bytes),
        bytes(vector.root1),
        bytes(vector.root2),
      );
      expect(accepted).toBe(!vector.wantErr);
    },
  );
});

describe('the reference roots of the eight Certificate Transparency leaves', () => {
  const leaves = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ].map((hex) => leafHash(Buffer.from(hex, 'hex')));
  const expected = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];

  it('rootHash gives each size its published root', () => {
    for (let size = 1; size <= 8; size++) {
      expect(rootHash(size, nodesOver(leaves)).toString('hex')).toBe(expected[size - 1]);
    }
    expect(rootHash(0, nodesOver(leaves)).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('every proof of every tree up to 300 leaves', () => {
  const MAX = 300;
  const leaves = Array.from({ length: MAX }, (_, i) => leafHash(`entry ${i}`));
  // Roots and subtree hashes are computed once per size by the naive oracle, not by the code under test.
  const roots = Array.from({ length: MAX + 1 }, (_, size) => naiveRoot(leaves.slice(0, size)));
  const nodes = nodesOver(leaves);
  const proofFor = (ranges: { start: number; end: number }[]): Buffer[] =>
    ranges.map((range) => rangeHash(range, nodes));

  it('generates an inclusion proof for every leaf of every size that verifies, and fails for a neighbour', () => {
    for (let size = 1; size <= MAX; size++) {
      for (let index = 0; index < size; index++) {
        const proof = proofFor(inclusionProofRanges(index, size));
        expect(verifyInclusion(index, size, leaves[index], proof, roots[size])).toBe(true);
        if (size > 1) {
          const other = (index + 1) % size;
          expect(verifyInclusion(other, size, leaves[index], proof, roots[size])).toBe(false);
        }
      }
    }
  });

  it('generates a consistency proof between every pair of sizes that verifies, and fails against a wrong old root', () => {
    for (let to = 1; to <= MAX; to++) {
      for (let from = 1; from <= to; from++) {
        const proof = proofFor(consistencyProofRanges(from, to));
        expect(verifyConsistency(from, to, proof, roots[from], roots[to])).toBe(true);
        if (from > 1) expect(verifyConsistency(from, to, proof, roots[from - 1], roots[to])).toBe(false);
      }
    }
  });

  it('refuses proofs for leaves outside the tree and for shrinking trees', () => {
    expect(() => inclusionProofRanges(5, 5)).toThrow('leaf 5 is not in a tree of size 5');
    expect(() => inclusionProofRanges(-1, 5)).toThrow();
    expect(() => consistencyProofRanges(6, 5)).toThrow('no consistency proof from size 6 to size 5');
    expect(consistencyProofRanges(0, 5)).toEqual([]);
    expect(consistencyProofRanges(5, 5)).toEqual([]);
  });
});
