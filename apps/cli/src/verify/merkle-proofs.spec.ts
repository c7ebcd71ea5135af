import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { decodeHash, InclusionVerifier, verifyConsistency, verifyInclusion } from './merkle-proofs';
import { fixtureLeafHash, LevelMerkleTree, RecursiveMerkleTree } from './testing/export-fixture';

// A copy of ../shared/testdata/rfc9162-vectors kept in the repository, so a clone runs them anywhere.
const VECTORS = resolve(__dirname, '../../../../test/vectors/rfc9162-vectors');

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string | null;
  leafHash: string | null;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string | null;
  root2: string | null;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

function cases<T>(kind: 'inclusion' | 'consistency'): [string, T][] {
  return jsonFiles(join(VECTORS, kind)).map((path) => [
    relative(VECTORS, path),
    JSON.parse(readFileSync(path, 'utf8')) as T,
  ]);
}

const bytes = (base64: string | null): Buffer => Buffer.from(base64 ?? '', 'base64');

const inclusionCases = cases<InclusionCase>('inclusion');
const consistencyCases = cases<ConsistencyCase>('consistency');

/** The memoising verifier, with its memory of the previous proof of the same tree primed by `primer`. */
function verifyWithMemory(c: InclusionCase, primer: InclusionCase | undefined): boolean {
  let verifier: InclusionVerifier;
  try {
    verifier = new InclusionVerifier(c.treeSize, bytes(c.root));
  } catch {
    return false;
  }
  if (primer !== undefined) {
    expect(verifier.verify(primer.leafIdx, bytes(primer.leafHash), primer.proof ?? [])).toBeUndefined();
  }
  return verifier.verify(c.leafIdx, bytes(c.leafHash), c.proof ?? []) === undefined;
}

describe('RFC 9162 test vectors (transparency-dev/merkle testdata)', () => {
  it('given the vectors folder beside the repository, then it holds every case', () => {
    expect(existsSync(VECTORS)).toBe(true);
    expect(inclusionCases.length + consistencyCases.length).toBe(196);
  });

  describe.each(inclusionCases)('inclusion %s', (_name, c) => {
    const outcome = c.wantErr ? 'rejects' : 'accepts';

    it(`when verified alone, then the RFC loop ${outcome} it (${c.desc})`, () => {
      const accepted = verifyInclusion(
        c.leafIdx,
        c.treeSize,
        bytes(c.leafHash),
        (c.proof ?? []).map(bytes),
        bytes(c.root),
      );
      expect(accepted).toBe(!c.wantErr);
    });

    it(`when verified after the happy path of the same tree, then the memoising verifier ${outcome} it`, () => {
      const happy = inclusionCases
        .map(([, other]) => other)
        .find(
          (other) =>
            !other.wantErr &&
            other.treeSize === c.treeSize &&
            other.root === c.root &&
            other !== c &&
            other.leafIdx < c.treeSize,
        );
      expect(verifyWithMemory(c, undefined)).toBe(!c.wantErr);
      expect(verifyWithMemory(c, happy)).toBe(!c.wantErr);
    });
  });

  it.each(consistencyCases)('consistency %s: accepted or rejected as the case says', (_name, c) => {
    const accepted = verifyConsistency(
      c.size1,
      c.size2,
      (c.proof ?? []).map(bytes),
      bytes(c.root1),
      bytes(c.root2),
    );
    expect(accepted).toBe(!c.wantErr);
  });
});

const classicLeaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const classicRoots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

function treeOf(size: number): Buffer[] {
  return Array.from({ length: size }, (_, i) => fixtureLeafHash(`leaf ${i}`));
}

function flipBit(base64: string, byte: number): string {
  const decoded = Buffer.from(base64, 'base64');
  decoded[byte] ^= 0x01;
  return decoded.toString('base64');
}

describe('the test fixture trees', () => {
  it('given the eight classic CT leaves, then both builders give the reference roots for sizes 1 to 8', () => {
    const leaves = classicLeaves.map((hex) =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(hex, 'hex')]))
        .digest(),
    );
    classicRoots.forEach((root, i) => {
      expect(new RecursiveMerkleTree(leaves).root(i + 1).toString('hex')).toBe(root);
      expect(new LevelMerkleTree(Buffer.concat(leaves.slice(0, i + 1))).root().toString('hex')).toBe(root);
    });
  });

  it('given trees of 1 to 70 leaves, then the level builder gives the recursive definitions’ roots and paths', () => {
    for (let size = 1; size <= 70; size++) {
      const leaves = treeOf(size);
      const recursive = new RecursiveMerkleTree(leaves);
      const levels = new LevelMerkleTree(Buffer.concat(leaves));
      expect(levels.root().equals(recursive.root())).toBe(true);
      for (let m = 0; m < size; m++) {
        const [got, want] = [levels.inclusionProof(m), recursive.inclusionProof(m)];
        expect(Buffer.concat(got).equals(Buffer.concat(want)) && got.length === want.length).toBe(true);
      }
    }
  });
});

describe('InclusionVerifier (memoising the previous proof)', () => {
  it('given every leaf of trees of 1 to 70 leaves in order, then each proof is accepted, as the plain RFC loop does', () => {
    for (let size = 1; size <= 70; size++) {
      const leaves = treeOf(size);
      const tree = new RecursiveMerkleTree(leaves);
      const verifier = new InclusionVerifier(size, tree.root());
      for (let m = 0; m < size; m++) {
        const proof = tree.inclusionProof(m);
        expect(verifyInclusion(m, size, leaves[m], proof, tree.root())).toBe(true);
        expect(
          verifier.verify(
            m,
            leaves[m],
            proof.map((p) => p.toString('base64')),
          ),
        ).toBeUndefined();
      }
    }
  });

  it('given any one proof element altered by one bit, then the proof is refused though its neighbours were verified just before', () => {
    for (const size of [2, 7, 8, 37, 64]) {
      const leaves = treeOf(size);
      const tree = new RecursiveMerkleTree(leaves);
      const verifier = new InclusionVerifier(size, tree.root());
      for (let m = 0; m < size; m++) {
        const proof = tree.inclusionProof(m).map((p) => p.toString('base64'));
        for (let k = 0; k < proof.length; k++) {
          const altered = proof.map((element, i) => (i === k ? flipBit(element, m % 32) : element));
          expect(verifier.verify(m, leaves[m], altered)).toBe('root-mismatch');
        }
        expect(verifier.verify(m, leaves[m], proof)).toBeUndefined();
      }
    }
  });

  it('given a verified path, when the next leaf hash is altered, then its proof is refused', () => {
    const leaves = treeOf(37);
    const tree = new RecursiveMerkleTree(leaves);
    const verifier = new InclusionVerifier(37, tree.root());
    const proofOf = (m: number): string[] => tree.inclusionProof(m).map((p) => p.toString('base64'));
    expect(verifier.verify(9, leaves[9], proofOf(9))).toBeUndefined();
    expect(verifier.verify(10, leaves[11], proofOf(10))).toBe('root-mismatch');
    expect(verifier.verify(10, leaves[10], proofOf(11))).toBe('root-mismatch');
    expect(verifier.verify(10, leaves[10], proofOf(10))).toBeUndefined();
  });

  it('given each leaf after its verified neighbour, when the leaf hash is another leaf’s, then its proof is refused', () => {
    const leaves = treeOf(45);
    const tree = new RecursiveMerkleTree(leaves);
    const verifier = new InclusionVerifier(45, tree.root());
    const proofOf = (m: number): string[] => tree.inclusionProof(m).map((p) => p.toString('base64'));
    for (let m = 1; m < 45; m++) {
      expect(verifier.verify(m - 1, leaves[m - 1], proofOf(m - 1))).toBeUndefined();
      expect(verifier.verify(m, leaves[m - 1], proofOf(m))).toBe('root-mismatch');
      expect(verifier.verify(m, leaves[m], proofOf(m))).toBeUndefined();
    }
  });

  it('given a proof with an element too many, too few, or not canonical base64, then it is refused', () => {
    const leaves = treeOf(21);
    const tree = new RecursiveMerkleTree(leaves);
    const verifier = new InclusionVerifier(21, tree.root());
    const proof = tree.inclusionProof(6).map((p) => p.toString('base64'));
    expect(verifier.verify(6, leaves[6], proof)).toBeUndefined();
    expect(verifier.verify(6, leaves[6], [...proof, proof[0]])).toBe('wrong-length');
    expect(verifier.verify(6, leaves[6], proof.slice(0, -1))).toBe('wrong-length');
    // The same 32 bytes, spelled without padding: Node would decode it alike.
    expect(verifier.verify(6, leaves[6], [proof[0].replace('=', ''), ...proof.slice(1)])).toBe(
      'malformed-element',
    );
    expect(verifier.verify(21, leaves[6], proof)).toBe('index-beyond-tree');
  });

  it('given trees of 1 to 40 leaves, then every older size is proved consistent with every newer one', () => {
    const leaves = treeOf(40);
    const tree = new RecursiveMerkleTree(leaves);
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        expect(verifyConsistency(m, n, tree.consistencyProof(m, n), tree.root(m), tree.root(n))).toBe(true);
      }
    }
  });
});

describe('decodeHash', () => {
  const hash = createHash('sha256').update('x').digest();
  const text = hash.toString('base64');

  it('given the padded base64 of 32 bytes, then it gives the bytes', () => {
    expect(decodeHash(text)).toEqual(hash);
  });

  it.each([
    ['without padding', text.slice(0, -1)],
    ['in the URL-safe alphabet', text.replace(/\+/g, '-').replace(/\//g, '_').replace(/[A-Z]/, '-')],
    [
      'with the unused low bits of the last digit set',
      `${text.slice(0, 42)}${String.fromCharCode(text.charCodeAt(42) + 1)}=`,
    ],
    ['of 31 bytes', hash.subarray(1).toString('base64')],
    ['with a space', ` ${text.slice(1)}`],
    ['with a non-ASCII character', `\u00e9${text.slice(1)}`],
    ['not a string', 42],
  ])('given a hash spelled %s, then it is refused, though Node alone might decode it', (_how, spelling) => {
    expect(decodeHash(spelling)).toBeUndefined();
  });
});
