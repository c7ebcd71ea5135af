import { createPrivateKey, createPublicKey, hash, KeyObject, sign, verify } from 'node:crypto';
import { HASH_SIZE } from './merkle';

/**
 * C2SP `tlog-checkpoint` bodies inside C2SP `signed-note`s, signed with Ed25519 from node:crypto.
 * A checkpoint is `<origin>\n<size>\n<base64 root>\n`; the note appends a blank line and one line
 * `— <key name> <base64(key id ‖ signature)>` per signature, the signature being over the body.
 */

const SIGNATURE_LINE_PREFIX = '\u2014 ';
const ED25519_SIGNATURE_TYPE = 0x01;
const KEY_NAME = /^[^\s+]+$/;

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export interface NoteSignature {
  keyName: string;
  keyId: Buffer;
  signature: Buffer;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The signed body, byte for byte. */
  body: string;
  signatures: NoteSignature[];
}

export class SignedNoteError extends Error {
  override readonly name = 'SignedNoteError';
}

/** Key names are non-empty and hold neither spaces nor `+` (signed-note). */
export function isValidKeyName(name: string): boolean {
  return KEY_NAME.test(name);
}

export function checkpointBody(checkpoint: Checkpoint): string {
  if (!isValidKeyName(checkpoint.origin))
    throw new SignedNoteError(`invalid origin ${JSON.stringify(checkpoint.origin)}`);
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash.toString('base64')}\n`;
}

/** First 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
export function keyIdOf(keyName: string, publicKey: Buffer): Buffer {
  const material = Buffer.concat([
    Buffer.from(`${keyName}\n`, 'utf8'),
    Buffer.from([ED25519_SIGNATURE_TYPE]),
    publicKey,
  ]);
  return hash('sha256', material, 'buffer').subarray(0, 4);
}

/** A checkpoint signer: the log's name, its Ed25519 key, and the verifier key string outsiders pin. */
export class NoteSigner {
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  /** `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, as signed-note verifiers take it. */
  readonly verifierKey: string;

  constructor(
    readonly keyName: string,
    private readonly privateKey: KeyObject,
  ) {
    if (!isValidKeyName(keyName)) throw new SignedNoteError(`invalid key name ${JSON.stringify(keyName)}`);
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new SignedNoteError(
        `the signing key is ${privateKey.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`,
      );
    }
    this.publicKey = rawPublicKey(createPublicKey(privateKey));
    this.keyId = keyIdOf(keyName, this.publicKey);
    this.verifierKey = `${keyName}+${this.keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), this.publicKey]).toString('base64')}`;
  }

  /** Loads an Ed25519 private key in PEM (PKCS#8). */
  static fromPem(keyName: string, pem: string): NoteSigner {
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch (error) {
      throw new SignedNoteError(`the signing key is not a PEM private key: ${(error as Error).message}`);
    }
    return new NoteSigner(keyName, key);
  }

  /** Signs a checkpoint: its body, a blank line and this key's signature line. */
  signCheckpoint(checkpoint: Checkpoint): string {
    const body = checkpointBody(checkpoint);
    const signature = sign(null, Buffer.from(body, 'utf8'), this.privateKey);
    return `${body}\n${SIGNATURE_LINE_PREFIX}${this.keyName} ${Buffer.concat([this.keyId, signature]).toString('base64')}\n`;
  }
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

/** Reads a signed checkpoint note; throws SignedNoteError when it is not one. Checks no signature. */
export function parseSignedCheckpoint(note: string): SignedCheckpoint {
  const separator = note.indexOf('\n\n');
  if (separator < 0) throw new SignedNoteError('not a signed note: no blank line before the signatures');
  const body = note.slice(0, separator + 1);
  const [origin, sizeLine, rootLine] = body.split('\n');
  if (!origin || !isValidKeyName(origin))
    throw new SignedNoteError('the checkpoint has no valid origin line');
  if (!/^(0|[1-9]\d{0,15})$/.test(sizeLine ?? '') || !Number.isSafeInteger(Number(sizeLine))) {
    throw new SignedNoteError('the checkpoint size is not a decimal number');
  }
  const rootHash = Buffer.from(rootLine ?? '', 'base64');
  if (rootHash.length !== HASH_SIZE || rootHash.toString('base64') !== rootLine) {
    throw new SignedNoteError('the checkpoint root is not a base64 SHA-256 hash');
  }
  const signatureText = note.slice(separator + 2);
  if (!signatureText.endsWith('\n')) throw new SignedNoteError('the note does not end with a newline');
  const signatures = signatureText
    .slice(0, -1)
    .split('\n')
    .map((line): NoteSignature => {
      const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      const bytes = match ? Buffer.from(match[2], 'base64') : Buffer.alloc(0);
      if (!match || bytes.length < 5)
        throw new SignedNoteError(`not a signature line: ${JSON.stringify(line)}`);
      return { keyName: match[1], keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
  return { origin, size: Number(sizeLine), rootHash, body, signatures };
}

/** Whether `note` carries a valid signature by `signer`'s key. */
export function isSignedBy(checkpoint: SignedCheckpoint, keyName: string, publicKey: Buffer): boolean {
  const keyId = keyIdOf(keyName, publicKey);
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
    format: 'jwk',
  });
  return checkpoint.signatures.some(
    (s) =>
      s.keyName === keyName &&
      s.keyId.equals(keyId) &&
      s.signature.length === 64 &&
      verify(null, Buffer.from(checkpoint.body, 'utf8'), key, s.signature),
  );
}
