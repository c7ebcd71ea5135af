import { hash } from 'node:crypto';

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle proof verification, written from the RFC's
 * algorithms (§2.1.3.2 inclusion, §2.1.4.2 consistency) and nothing else: the server's tree code is
 * deliberately not reused, so that one mistake cannot hide in both.
 *
 * Sizes and indices are plain numbers up to 2^53; halving uses arithmetic, not `>>`, because the
 * bitwise operators would wrap at 2^31.
 */

/** Bytes in a SHA-256 hash, the only hash RFC 9162 logs of this ledger use. */
export const HASH_SIZE = 32;

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64_DIGITS.length; i++) BASE64_VALUE[BASE64_DIGITS.charCodeAt(i)] = i;

/**
 * Whether `text` is a 32-byte hash as the export writes it: 43 base64 digits, the last of them with
 * its two unused bits zero, and one `=`. Checked by table rather than by a regular expression, which
 * took three times as long, on every hashed element of every line.
 */
function isBase64Hash(text: unknown): text is string {
  if (typeof text !== 'string' || text.length !== 44 || text.charCodeAt(43) !== 0x3d) return false;
  for (let i = 0; i < 43; i++) {
    const code = text.charCodeAt(i);
    if (code > 127 || BASE64_VALUE[code] < 0) return false;
  }
  return (BASE64_VALUE[text.charCodeAt(42)] & 0b11) === 0;
}

const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;

/** HASH(0x01 ‖ left ‖ right): an interior node of the tree. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/**
 * Fills the node hash's input with a proof element given as base64 that isBase64Hash has accepted
 * (decoded straight into place) on one side and `other` on the other: a proof is mostly base64, and
 * decoding each element into a Buffer of its own was a fair share of the time and the garbage.
 */
function writeNodeInput(element: string, elementOnLeft: boolean, other: Uint8Array): void {
  nodeInput.write(element, elementOnLeft ? 1 : 1 + HASH_SIZE, HASH_SIZE, 'base64');
  nodeInput.set(other, elementOnLeft ? 1 + HASH_SIZE : 1);
}

let leafInput = Buffer.alloc(64 * 1024);

/**
 * HASH(0x00 ‖ entry bytes): the leaf hash of an entry whose canonical UTF-8 is given as byte text
 * (one character per byte, as the export's lines are read; no character above U+00FF).
 */
export function leafHashOfByteText(canonicalEntry: string): Buffer {
  const length = 1 + canonicalEntry.length;
  if (leafInput.length < length) leafInput = Buffer.alloc(Math.max(length, 2 * leafInput.length));
  leafInput[0] = 0x00;
  leafInput.write(canonicalEntry, 1, 'latin1');
  return hash('sha256', leafInput.subarray(0, length), 'buffer');
}

/** The root of the empty tree: SHA-256 of no bytes. */
export function emptyTreeRoot(): Buffer {
  return hash('sha256', Buffer.alloc(0), 'buffer');
}

/**
 * Decodes a hash written as base64, refusing anything but the one canonical spelling of 32 bytes:
 * Node's decoder would otherwise skip stray characters and ignore padding bits, so an altered text
 * could decode to the original bytes.
 */
export function decodeHash(text: unknown): Buffer | undefined {
  return isBase64Hash(text) ? Buffer.from(text, 'base64') : undefined;
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/**
 * RFC 9162 §2.1.3.2: whether `proof` shows the leaf `leafHash` at `leafIndex` in the tree of
 * `treeSize` leaves whose root is `root`.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isIndex(leafIndex) || !isIndex(treeSize) || leafIndex >= treeSize) return false;
  if (leafHash.length !== HASH_SIZE || root.length !== HASH_SIZE) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows that the tree of `size2` leaves with root `root2` extends
 * the tree of `size1` leaves with root `root1`.
 *
 * A first size of 0 is refused: the empty tree is a prefix of every tree, so such a "proof" would
 * vouch for nothing (the test vectors this is checked against expect the refusal).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isIndex(size1) || !isIndex(size2) || size1 > size2 || size1 === 0) return false;
  if (size1 === size2) return proof.length === 0 && Buffer.from(root1).equals(root2);
  if (proof.length === 0) return false;
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;

  // When the old tree is a complete subtree of the new one, the proof leaves out its root.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(fr).equals(root1) && Buffer.from(sr).equals(root2);
}

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && !isOdd(n)) n = half(n);
  return n === 1;
}

/** Why an inclusion proof was refused. */
export type InclusionFailure =
  | 'index-beyond-tree'
  /** The leaf hash is not 32 bytes. */
  | 'malformed-leaf-hash'
  /** A proof element is not the canonical base64 of 32 bytes. */
  | 'malformed-element'
  /** The proof has more or fewer elements than the leaf's path in this tree. */
  | 'wrong-length'
  /** The proof, applied to the leaf hash, does not give the tree's root. */
  | 'root-mismatch';

/**
 * Verifies the inclusion proofs of an export's lines, one after the other, in one tree (one size,
 * one root), with far fewer hashes than verifying each proof alone.
 *
 * Neighbouring leaves share the upper part of their paths. After each step of the RFC 9162 loop the
 * running hash `r` is the hash of a definite subtree, identified by how many times the indices were
 * halved (its level) and `fn`; the rest of the loop depends on nothing else (`sn` is the tree's last
 * index halved as often) but the remaining proof elements. So when a proof reaches a subtree with
 * the same identity and the same hash as the previous verified proof did, and its remaining elements
 * are, text for text, the previous proof's remaining elements, the remaining steps would repeat the
 * previous ones exactly and end at the root just as they did: the proof is accepted without them.
 *
 * The subtree where two neighbours' paths meet is reached from its two children, one from each
 * proof; when the 65 bytes hashed for it are the very bytes hashed for it on the previous path, its
 * hash is taken from there too. What remains is hashing from the leaf up to just below the meeting
 * point: one hash a line on average instead of about twenty. Nothing is trusted that was not hashed
 * once from the same bytes: an altered byte in any element makes the bytes or texts differ, and the
 * loop then hashes on as usual.
 */
export class InclusionVerifier {
  private readonly root: Buffer;
  // The previous verified path and the one being built, swapped after each success.
  private previous = new ProofPath();
  private current = new ProofPath();

  constructor(
    private readonly treeSize: number,
    root: Uint8Array,
  ) {
    if (!isIndex(treeSize)) throw new RangeError(`a tree size is a whole number, not ${treeSize}`);
    if (root.length !== HASH_SIZE) throw new RangeError(`a root is ${HASH_SIZE} bytes, not ${root.length}`);
    this.root = Buffer.from(root);
  }

  /**
   * Verifies that `proof` (base64 elements, as written in the export) shows `leafHash` at
   * `leafIndex`. Returns why it does not, or `undefined` when it does.
   */
  verify(leafIndex: number, leafHash: Buffer, proof: readonly string[]): InclusionFailure | undefined {
    if (!isIndex(leafIndex) || leafIndex >= this.treeSize) return 'index-beyond-tree';
    if (leafHash.length !== HASH_SIZE) return 'malformed-leaf-hash';
    const { previous, current } = this;
    current.clear(proof);
    let fn = leafIndex;
    let sn = this.treeSize - 1;
    let level = 0;
    let r = leafHash;
    let j = 0;
    for (let i = 0; i < proof.length; i++) {
      if (sn === 0) return 'wrong-length';
      const p = proof[i];
      if (!isBase64Hash(p)) return 'malformed-element';
      const elementOnLeft = isOdd(fn) || fn === sn;
      // The RFC shifts after hashing; the shifts do not depend on the hash, so the step's subtree
      // is known before it is hashed.
      if (elementOnLeft) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
          level++;
        }
      }
      fn = half(fn);
      sn = half(sn);
      level++;
      writeNodeInput(p, elementOnLeft, r);

      // Levels grow along a path, so one forward scan of the previous path finds the matching step.
      while (j < previous.length && previous.levels[j] < level) j++;
      const sameSubtree = j < previous.length && previous.levels[j] === level && previous.indices[j] === fn;
      r =
        sameSubtree && previous.hashedInput(j, nodeInput)
          ? previous.hashes[j]
          : hash('sha256', nodeInput, 'buffer');
      current.push(level, fn, r, nodeInput);
      if (sameSubtree && previous.hashes[j].equals(r) && sameElements(proof, i + 1, previous.proof, j + 1)) {
        current.append(previous, j + 1);
        this.swap();
        return undefined;
      }
    }
    if (sn !== 0) return 'wrong-length';
    if (!r.equals(this.root)) return 'root-mismatch';
    this.swap();
    return undefined;
  }

  private swap(): void {
    [this.previous, this.current] = [this.current, this.previous];
  }
}

/** Steps on a path: at most one a level, and a tree of up to 2^53 leaves has 53 levels. */
const MAX_STEPS = 64;
const NODE_INPUT_SIZE = 1 + 2 * HASH_SIZE;

/**
 * The steps of one inclusion proof, in storage reused from proof to proof: after step i, subtree
 * (levels[i], indices[i]) hashed to hashes[i] from the 65 bytes at inputs[i], having consumed
 * proof[0..i].
 */
class ProofPath {
  levels: number[] = [];
  indices: number[] = [];
  hashes: Buffer[] = [];
  readonly inputs = Buffer.alloc(MAX_STEPS * NODE_INPUT_SIZE);
  length = 0;
  proof: readonly string[] = [];

  clear(proof: readonly string[]): void {
    this.length = 0;
    this.proof = proof;
  }

  push(level: number, index: number, hash: Buffer, input: Buffer): void {
    this.levels[this.length] = level;
    this.indices[this.length] = index;
    this.hashes[this.length] = hash;
    input.copy(this.inputs, this.length * NODE_INPUT_SIZE);
    this.length++;
  }

  /** Whether step `step` hashed exactly `input`. */
  hashedInput(step: number, input: Buffer): boolean {
    const start = step * NODE_INPUT_SIZE;
    return input.compare(this.inputs, start, start + NODE_INPUT_SIZE) === 0;
  }

  /** Continues this path with `other`'s steps from `from` on. */
  append(other: ProofPath, from: number): void {
    other.inputs.copy(
      this.inputs,
      this.length * NODE_INPUT_SIZE,
      from * NODE_INPUT_SIZE,
      other.length * NODE_INPUT_SIZE,
    );
    for (let k = from; k < other.length; k++) {
      this.levels[this.length] = other.levels[k];
      this.indices[this.length] = other.indices[k];
      this.hashes[this.length] = other.hashes[k];
      this.length++;
    }
  }
}

/** Whether `a` from `aFrom` on and `b` from `bFrom` on are the same strings. */
function sameElements(a: readonly string[], aFrom: number, b: readonly string[], bFrom: number): boolean {
  if (a.length - aFrom !== b.length - bFrom) return false;
  for (let k = 0; k < a.length - aFrom; k++) {
    if (a[aFrom + k] !== b[bFrom + k]) return false;
  }
  return true;
}
