import { hash, randomBytes } from 'node:crypto';

/** Tokens carry a recognisable prefix so secret scanners can find leaked ones. */
const TOKEN_PREFIX = 'odl_';

export interface NewApiKey {
  keyId: string;
  /** Shown to the caller once, never stored. */
  token: string;
  /** SHA-256 (hex) of the token: what the journal records and authentication looks up. */
  keyHash: string;
}

/** A 256-bit random API key. */
export function newApiKey(): NewApiKey {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { keyId: `key-${randomBytes(8).toString('hex')}`, token, keyHash: hashToken(token) };
}

/** Every authenticated request hashes its key: the one-shot `hash` costs a third of a Hash object. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}
