import { existsSync, readFileSync } from 'node:fs';
import { isValidKeyName, keyIdOf } from '@ledger/transparency';

const ED25519_TYPE = 0x01;
const ED25519_PUBLIC_KEY_BYTES = 32;

/** A signed-note verifier key: `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`. */
export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  /** The key as written. */
  text: string;
}

export class VerifierKeyError extends Error {
  override readonly name = 'VerifierKeyError';
}

export function parseVerifierKey(text: string): VerifierKey {
  const trimmed = text.trim();
  // Base64 may itself hold `+`, so only the first two separate fields.
  const first = trimmed.indexOf('+');
  const second = trimmed.indexOf('+', first + 1);
  if (first < 0 || second < 0) {
    throw new VerifierKeyError(
      `not a verifier key <name>+<hex key id>+<base64 key>: ${JSON.stringify(trimmed)}`,
    );
  }
  const name = trimmed.slice(0, first);
  const hexId = trimmed.slice(first + 1, second);
  const encoded = trimmed.slice(second + 1);
  if (!isValidKeyName(name)) throw new VerifierKeyError(`the key name ${JSON.stringify(name)} is not valid`);
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw new VerifierKeyError('the key id is not 8 lowercase hex digits');
  const material = Buffer.from(encoded, 'base64');
  if (material.toString('base64') !== encoded || material.length !== 1 + ED25519_PUBLIC_KEY_BYTES) {
    throw new VerifierKeyError('the key is not base64 of a type byte and a 32-byte Ed25519 public key');
  }
  if (material[0] !== ED25519_TYPE)
    throw new VerifierKeyError(`the key type ${material[0]} is not Ed25519 (1)`);
  const publicKey = material.subarray(1);
  const keyId = Buffer.from(hexId, 'hex');
  if (!keyIdOf(name, publicKey).equals(keyId)) {
    throw new VerifierKeyError('the key id does not belong to this name and key (a copying mistake?)');
  }
  return { name, keyId, publicKey, text: trimmed };
}

/**
 * `--key` as `ledger verify` takes it: the key itself, or a file holding it or the answer of
 * GET /v1/log/key (`{"verifierKey": …}`).
 */
export function readVerifierKey(argument: string): VerifierKey {
  try {
    return parseVerifierKey(argument);
  } catch (error) {
    if (!existsSync(argument)) throw error;
  }
  const content = readFileSync(argument, 'utf8').trim();
  if (content.startsWith('{')) {
    let answer: unknown;
    try {
      answer = JSON.parse(content);
    } catch {
      throw new VerifierKeyError(`${argument} is neither a verifier key nor the JSON of GET /v1/log/key`);
    }
    const key = (answer as { verifierKey?: unknown } | null)?.verifierKey;
    if (typeof key !== 'string') throw new VerifierKeyError(`${argument} holds JSON without a verifierKey`);
    return parseVerifierKey(key);
  }
  return parseVerifierKey(content);
}
