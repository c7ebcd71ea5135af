import canonicalize from 'canonicalize';

/**
 * RFC 9162 §2.1 Merkle tree hashing and inclusion proof verification, with the browser's own
 * WebCrypto: the console checks what the ledger answers instead of trusting it. Hashes are SHA-256;
 * a leaf is SHA-256(0x00 ‖ bytes), an interior node SHA-256(0x01 ‖ left ‖ right).
 */

export const HASH_SIZE = 32;

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const input = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    input.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/** SHA-256(0x00 ‖ bytes). */
export function leafHash(bytes: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0), bytes);
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(1), left, right);
}

/** The leaf hash of a ledger entry: SHA-256(0x00 ‖ JCS(entry)), JCS being RFC 8785. */
export function leafHashOfEntry(entry: unknown): Promise<Uint8Array> {
  const text = canonicalize(entry);
  if (text === undefined) throw new TypeError('the entry cannot be canonicalised');
  return leafHash(new TextEncoder().encode(text));
}

/**
 * The root an inclusion proof leads to from leaf `index` of a tree of `size` (RFC 9162 §2.1.3.2), or
 * undefined when the proof cannot be one for that leaf and size (wrong length, a hash not 32 bytes).
 */
export async function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Uint8Array | undefined> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return undefined;
  }
  if (![leaf, ...proof].every((hash) => hash.length === HASH_SIZE)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** Whether `proof` proves leaf `index` is in the tree of `size` leaves whose root is `root`. */
export async function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (root.length !== HASH_SIZE) return false;
  const computed = await rootFromInclusionProof(index, size, leaf, proof);
  return computed !== undefined && equalBytes(computed, root);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Standard base64, strictly: undefined for anything that does not encode back to the same text. */
export function fromBase64(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return toBase64(bytes) === text ? bytes : undefined;
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
