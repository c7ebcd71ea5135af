import { createPublicKey, hash, KeyObject, verify } from 'node:crypto';
import { decodeHash } from './merkle-proofs';

/**
 * The ledger's checkpoints: a C2SP tlog-checkpoint body (`<origin>\n<size>\n<base64 root>\n`, then
 * optional extension lines) inside a C2SP signed note (a blank line, then one line
 * `— <key name> <base64(4-byte key id ‖ Ed25519 signature)>` per signature), and the verifier key
 * `<name>+<hex key id>+<base64(0x01 ‖ public key)>` that an outsider pins.
 */

const ED25519 = 0x01;
const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const KEY_ID_SIZE = 4;
const SIGNATURE_PREFIX = '\u2014 ';
/** signed-note: key names are non-empty and hold neither Unicode spaces nor `+`. */
const KEY_NAME = /^[^\s+]+$/u;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A note or key that cannot be read; the message says why, for the person running the verifier. */
export class NoteFormatError extends Error {
  override readonly name = 'NoteFormatError';
}

/** An Ed25519 verifier key of the signed-note format. */
export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
  /** The key as it was given, `<name>+<hex key id>+<base64>`. */
  text: string;
}

/** One signature line of a note. Lines by other keys are kept: they are ignored, not refused. */
export interface NoteSignature {
  keyName: string;
  keyId: Buffer;
  signature: Buffer;
}

/** A checkpoint note, read but not yet verified. */
export interface SignedCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** The signed bytes' text: every body line, each with its newline. */
  body: string;
  signatures: NoteSignature[];
}

/** Why a checkpoint is not vouched for by a key. */
export type CheckpointSignatureFailure =
  /** The checkpoint names another log than the key's. */
  | 'other-origin'
  /** No signature line is by the key (its name and id). */
  | 'not-signed-by-key'
  /** A line claims to be by the key, but no such signature verifies: the body was altered. */
  | 'bad-signature';

/** SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[0..4]: how signature lines name their key. */
export function keyIdOf(name: string, rawPublicKey: Uint8Array): Buffer {
  const material = Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), rawPublicKey]);
  return hash('sha256', material, 'buffer').subarray(0, KEY_ID_SIZE);
}

/**
 * Reads a verifier key `<name>+<8 hex digits key id>+<base64(0x01 ‖ 32-byte Ed25519 key)>`, checking
 * that its key id is the one its name and key give. Throws NoteFormatError otherwise.
 */
export function parseVerifierKey(text: string): VerifierKey {
  // The base64 part may itself hold '+', so only the first two separators count.
  const first = text.indexOf('+');
  const name = text.slice(0, first);
  const hexId = text.slice(first + 1, first + 9);
  if (first < 0 || !KEY_NAME.test(name) || !/^[0-9a-fA-F]{8}$/.test(hexId) || text[first + 9] !== '+') {
    throw new NoteFormatError('a verifier key reads <name>+<8 hex digits>+<base64 key>');
  }
  const encoded = text.slice(first + 10);
  const material = Buffer.from(encoded, 'base64');
  if (material.toString('base64') !== encoded || material.length === 0) {
    throw new NoteFormatError('the verifier key does not end in base64');
  }
  if (material[0] !== ED25519 || material.length !== 1 + ED25519_PUBLIC_KEY_SIZE) {
    throw new NoteFormatError('the verifier key is not an Ed25519 key (type 0x01 and 32 bytes)');
  }
  const rawKey = material.subarray(1);
  const keyId = keyIdOf(name, rawKey);
  if (keyId.toString('hex') !== hexId.toLowerCase()) {
    throw new NoteFormatError(
      `the verifier key's id ${hexId} is not the one its name and key give (${keyId.toString('hex')})`,
    );
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: rawKey.toString('base64url') },
      format: 'jwk',
    });
  } catch (error) {
    throw new NoteFormatError(`the verifier key is not a usable Ed25519 key (${(error as Error).message})`);
  }
  return { name, keyId, publicKey, text };
}

/**
 * Reads what a key file holds: the verifier key itself, or the `{"origin","verifierKey"}` answer of
 * `GET /v1/log/key` (whose origin must then be the key's name). Throws NoteFormatError otherwise.
 */
export function parseKeyFile(content: string): VerifierKey {
  const text = content.trim();
  if (!text.startsWith('{')) return parseVerifierKey(text);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new NoteFormatError('the key file starts like JSON but is not JSON');
  }
  const { origin, verifierKey } = (document ?? {}) as { origin?: unknown; verifierKey?: unknown };
  if (typeof verifierKey !== 'string') throw new NoteFormatError('the key file has no "verifierKey" string');
  const key = parseVerifierKey(verifierKey);
  if (origin !== undefined && origin !== key.name) {
    throw new NoteFormatError(
      `the key file's origin ${JSON.stringify(origin)} is not its key's name ${JSON.stringify(key.name)}`,
    );
  }
  return key;
}

/** Reads a signed checkpoint note without verifying it. Throws NoteFormatError when it is not one. */
export function parseCheckpoint(note: string): SignedCheckpoint {
  if (hasControlCharacter(note)) throw new NoteFormatError('it holds control characters');
  const separator = note.indexOf('\n\n');
  if (separator < 0) throw new NoteFormatError('it has no blank line between its text and its signatures');
  const body = note.slice(0, separator + 1);
  const [origin, sizeText, rootText] = body.slice(0, -1).split('\n');
  if (rootText === undefined) throw new NoteFormatError('its text has fewer than three lines');
  if (origin === '') throw new NoteFormatError('its origin line is empty');
  const size = Number(sizeText);
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(size)) {
    throw new NoteFormatError(`its size line ${JSON.stringify(sizeText)} is not a decimal number`);
  }
  const root = decodeHash(rootText);
  if (root === undefined) throw new NoteFormatError('its root line is not a base64 SHA-256 hash');

  const signatureText = note.slice(separator + 2);
  if (signatureText === '' || !signatureText.endsWith('\n')) {
    throw new NoteFormatError('its signature lines are missing or do not end with a newline');
  }
  const signatures = signatureText
    .slice(0, -1)
    .split('\n')
    .map((line) => parseSignatureLine(line));
  return { origin, size, root, body, signatures };
}

/** signed-note forbids control characters other than newline anywhere in a note. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f) return true;
  }
  return false;
}

function parseSignatureLine(line: string): NoteSignature {
  const space = line.lastIndexOf(' ');
  const keyName = line.slice(SIGNATURE_PREFIX.length, space);
  const encoded = line.slice(space + 1);
  const bytes = Buffer.from(encoded, 'base64');
  if (
    !line.startsWith(SIGNATURE_PREFIX) ||
    !KEY_NAME.test(keyName) ||
    bytes.toString('base64') !== encoded ||
    bytes.length <= KEY_ID_SIZE
  ) {
    throw new NoteFormatError(`${JSON.stringify(line)} is not a signature line ("— <key name> <base64>")`);
  }
  return { keyName, keyId: bytes.subarray(0, KEY_ID_SIZE), signature: bytes.subarray(KEY_ID_SIZE) };
}

/**
 * Whether `checkpoint` is a checkpoint of `key`'s log signed by `key`: its origin is the key's name
 * and at least one signature line by the key's name and id verifies over the body. Lines by other
 * keys are ignored. Returns why not, or `undefined` when it is.
 */
export function checkCheckpointSignature(
  checkpoint: SignedCheckpoint,
  key: VerifierKey,
): CheckpointSignatureFailure | undefined {
  if (checkpoint.origin !== key.name) return 'other-origin';
  const byKey = checkpoint.signatures.filter((s) => s.keyName === key.name && s.keyId.equals(key.keyId));
  if (byKey.length === 0) return 'not-signed-by-key';
  const body = Buffer.from(checkpoint.body, 'utf8');
  const verified = byKey.some(
    (s) => s.signature.length === ED25519_SIGNATURE_SIZE && verify(null, body, key.publicKey, s.signature),
  );
  return verified ? undefined : 'bad-signature';
}
