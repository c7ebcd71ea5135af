import { hash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree hashing and proofs, written over "ranges" of leaves so that the same code
 * proves from tiles in the database, from tiles in memory, or from a plain array of leaf hashes.
 */

export const HASH_SIZE = 32;

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_TREE_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

/** Leaves `[start, end)` of the tree. */
export interface LeafRange {
  start: number;
  end: number;
}

/** A perfect subtree: the 2^level leaves from index × 2^level on. Level 0 is a leaf. */
export interface NodeId {
  level: number;
  index: number;
}

/** Gives the hash of a perfect subtree the tree already holds (a leaf hash at level 0). */
export type NodeHashes = (node: NodeId) => Buffer;

export class MerkleProofError extends Error {
  override readonly name = 'MerkleProofError';
}

/** SHA-256(0x00 ‖ bytes). */
export function leafHash(bytes: Uint8Array | string): Buffer {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const prefixed = Buffer.allocUnsafe(data.length + 1);
  prefixed[0] = 0;
  prefixed.set(data, 1);
  return hash('sha256', prefixed, 'buffer');
}

const nodeInput = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
nodeInput[0] = 1;

/** SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  // One reused buffer: this runs once per internal node, millions of times in a rebuild or an export.
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** The largest power of two strictly below `n` (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n));
}

/** The perfect subtrees whose hashes make up MTH(D[start:end]), left to right (RFC 9162 ranges are aligned). */
export function perfectNodesOf(range: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  const visit = (start: number, end: number): void => {
    const width = end - start;
    if (isPowerOfTwo(width)) {
      const level = Math.log2(width);
      nodes.push({ level, index: start / width });
      return;
    }
    const k = splitPoint(width);
    visit(start, start + k);
    visit(start + k, end);
  };
  if (range.end <= range.start) throw new MerkleProofError(`empty range [${range.start}, ${range.end})`);
  visit(range.start, range.end);
  return nodes;
}

/** MTH(D[start:end]) from the hashes of its perfect subtrees. */
export function rangeHash(range: LeafRange, nodes: NodeHashes): Buffer {
  const width = range.end - range.start;
  if (isPowerOfTwo(width)) return nodes({ level: Math.log2(width), index: range.start / width });
  const k = splitPoint(width);
  return hashChildren(
    rangeHash({ start: range.start, end: range.start + k }, nodes),
    rangeHash({ start: range.start + k, end: range.end }, nodes),
  );
}

/** The root of the tree of the first `size` leaves. */
export function rootHash(size: number, nodes: NodeHashes): Buffer {
  return size === 0 ? EMPTY_TREE_ROOT : rangeHash({ start: 0, end: size }, nodes);
}

/** The subtrees whose hashes form the inclusion proof of leaf `index` in a tree of `size` (RFC 9162 §2.1.3.1, PATH), leaf side first. */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new MerkleProofError(`leaf ${index} is not in a tree of size ${size}`);
  }
  const ranges: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, start + k);
      ranges.push({ start: start + k, end });
    } else {
      path(m - k, start + k, end);
      ranges.push({ start, end: start + k });
    }
  };
  path(index, 0, size);
  return ranges;
}

/** The subtrees whose hashes form the consistency proof from size `from` to size `to` (RFC 9162 §2.1.4.1, SUBPROOF). */
export function consistencyProofRanges(from: number, to: number): LeafRange[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    throw new MerkleProofError(`no consistency proof from size ${from} to size ${to}`);
  }
  if (from === 0 || from === to) return [];
  const ranges: LeafRange[] = [];
  const subproof = (m: number, start: number, end: number, startsAtOldRoot: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!startsAtOldRoot) ranges.push({ start, end });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, startsAtOldRoot);
      ranges.push({ start: start + k, end });
    } else {
      subproof(m - k, start + k, end, false);
      ranges.push({ start, end: start + k });
    }
  };
  subproof(from, 0, to, true);
  return ranges;
}

/** Verifies an inclusion proof (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!validHashes([leaf, root, ...proof])) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/** Verifies a consistency proof (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  from: number,
  to: number,
  proof: readonly Uint8Array[],
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
): boolean {
  // The empty tree is trivially consistent with every tree, so a "proof" from size 0 proves nothing and
  // is refused (as transparency-dev/merkle does); callers that start from nothing need no proof.
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from <= 0 || from > to) return false;
  if (from === to) return proof.length === 0 && Buffer.from(fromRoot).equals(toRoot);
  if (proof.length === 0 || !validHashes([fromRoot, toRoot, ...proof])) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return Buffer.from(fr).equals(fromRoot) && Buffer.from(sr).equals(toRoot) && sn === 0;
}

function validHashes(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE);
}
