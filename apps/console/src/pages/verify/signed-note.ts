import { equalBytes, fromBase64, HASH_SIZE, sha256, toHex } from './rfc9162';

/**
 * C2SP signed notes carrying a C2SP tlog checkpoint, checked with WebCrypto Ed25519.
 * A checkpoint note is `<origin>\n<size>\n<base64 root>\n\n— <key name> <base64(key id ‖ signature)>\n`;
 * the signature is over the body (the three lines, with their newlines). A verifier key is
 * `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`, its key id being the first 4 bytes of
 * SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
 */

const ED25519 = 0x01;
const KEY_NAME = /^[^\s+]+$/;

/** Why a note or key was not accepted: each has its own words on the page. */
export type NoteFailure =
  'malformedKey' | 'malformedCheckpoint' | 'wrongKeyId' | 'noSignature' | 'badSignature' | 'wrongOrigin';

export class NoteError extends Error {
  override readonly name = 'NoteError';
  constructor(
    readonly reason: NoteFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifierKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

export interface NoteSignature {
  keyName: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface SignedCheckpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** The signed text, byte for byte. */
  body: string;
  signatures: NoteSignature[];
}

/** First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
export async function keyIdOf(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const hash = await sha256(new TextEncoder().encode(`${name}\n`), Uint8Array.of(ED25519), publicKey);
  return hash.slice(0, 4);
}

/** Reads `<name>+<hex key id>+<base64(0x01 ‖ public key)>`; checks that the key id is the key's. */
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  // The base64 may hold '+' itself: the name and the key id never do.
  const [, name, hexId, encoded] = /^([^+]*)\+([^+]*)\+(.*)$/.exec(text) ?? [];
  const material = fromBase64(encoded ?? '');
  if (
    !KEY_NAME.test(name ?? '') ||
    !/^[0-9a-f]{8}$/.test(hexId ?? '') ||
    material?.length !== 33 ||
    material[0] !== ED25519
  ) {
    throw new NoteError('malformedKey', `not an Ed25519 verifier key: ${text}`);
  }
  const publicKey = material.slice(1);
  const keyId = await keyIdOf(name, publicKey);
  if (toHex(keyId) !== hexId) {
    throw new NoteError('wrongKeyId', `the key id ${hexId} is not that of the key (${toHex(keyId)})`);
  }
  return { name, keyId, publicKey };
}

/** Reads a checkpoint note; checks its form, not its signatures. */
export function parseCheckpoint(note: string): SignedCheckpoint {
  const malformed = (why: string) => new NoteError('malformedCheckpoint', why);
  const separator = note.indexOf('\n\n');
  if (separator < 0) throw malformed('no blank line before the signatures');
  const body = note.slice(0, separator + 1);
  const [origin, sizeLine, rootLine, extra] = body.split('\n');
  if (!KEY_NAME.test(origin)) throw malformed('no valid origin line');
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeLine ?? '') || !Number.isSafeInteger(Number(sizeLine))) {
    throw malformed('the size is not a decimal number');
  }
  const rootHash = fromBase64(rootLine ?? '');
  if (rootHash?.length !== HASH_SIZE) throw malformed('the root is not a base64 SHA-256 hash');
  if (extra !== '') throw malformed('the body has more than three lines');
  const lines = note.slice(separator + 2);
  if (!lines.endsWith('\n')) throw malformed('the note does not end with a newline');
  const signatures = lines
    .slice(0, -1)
    .split('\n')
    .map((line): NoteSignature => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      const bytes = match ? fromBase64(match[2]) : undefined;
      if (!match || !bytes || bytes.length < 5) throw malformed(`not a signature line: ${line}`);
      return { keyName: match[1], keyId: bytes.slice(0, 4), signature: bytes.slice(4) };
    });
  return { origin, size: Number(sizeLine), rootHash, body, signatures };
}

/**
 * Checks that the checkpoint is signed by `key` and is the log's: a signature line under the key's
 * name, with its key id, whose Ed25519 signature over the body verifies. Throws NoteError otherwise.
 */
export async function verifyCheckpoint(
  checkpoint: SignedCheckpoint,
  key: VerifierKey,
  origin: string,
): Promise<void> {
  if (checkpoint.origin !== origin) {
    throw new NoteError('wrongOrigin', `the checkpoint is of ${checkpoint.origin}, not of ${origin}`);
  }
  const byName = checkpoint.signatures.filter((signature) => signature.keyName === key.name);
  if (byName.length === 0) throw new NoteError('noSignature', `no signature by ${key.name}`);
  const byKey = byName.filter((signature) => equalBytes(signature.keyId, key.keyId));
  if (byKey.length === 0) {
    throw new NoteError('wrongKeyId', `the signature's key id is not ${toHex(key.keyId)}`);
  }
  const publicKey = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(key.publicKey),
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  const body = new TextEncoder().encode(checkpoint.body);
  for (const { signature } of byKey) {
    if (
      signature.length === 64 &&
      (await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, new Uint8Array(signature), body))
    ) {
      return;
    }
  }
  throw new NoteError('badSignature', `the Ed25519 signature by ${key.name} does not verify`);
}
