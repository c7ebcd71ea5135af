import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { canonicalJson, JsonValue, SealedPersonalDataV1 } from '@ledger/events';
import { normaliseContact } from './contact';
import {
  MasterKeyMismatchError,
  PersonalDataTooLargeError,
  SealedDataCorruptError,
} from './personal-data.errors';

/**
 * The cryptography of personal data (architecture.md §6), without storage. From the master key M,
 * by HKDF-SHA-256 (empty salt: M is uniformly random) with one `info` label per use:
 * - the key-encryption key (KEK), which wraps each person's key with AES-256-GCM, the subject as
 *   associated data;
 * - the contact-lookup key, under which HMAC-SHA-256 of the normalised contact finds a person's key.
 * From each person's random 256-bit key K: AES-256-GCM of the canonical (RFC 8785) plaintext under K
 * itself (random 12-byte IV, the subject as associated data), and the envelope's `mac`, HMAC-SHA-256
 * of the same canonical bytes under HKDF-SHA-256(K, info = the mac label).
 */
export const HKDF_INFO = {
  keyWrapping: 'open-data-ledger/personal-data/key-wrapping/v1',
  contactLookup: 'open-data-ledger/personal-data/contact-lookup/v1',
  mac: 'open-data-ledger/personal-data/mac/v1',
} as const;

export const PERSON_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The first byte of a wrapped key: how it was wrapped (AES-256-GCM under the HKDF-derived KEK). */
const WRAP_FORMAT_V1 = 0x01;
export const WRAPPED_KEY_BYTES = 1 + IV_BYTES + PERSON_KEY_BYTES + TAG_BYTES;
/** The event schemas take 60,000 base64 characters of ciphertext: 45,000 bytes, the tag included. */
export const MAX_SEALED_PLAINTEXT_BYTES = 45_000 - TAG_BYTES;

export function hkdf(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
}

/** The two keys derived from the master key; the master key itself is not kept. */
export class MasterKeys {
  readonly keyEncryptionKey: Buffer;
  readonly contactLookupKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError('the master key must be 32 bytes');
    this.keyEncryptionKey = hkdf(masterKey, HKDF_INFO.keyWrapping);
    this.contactLookupKey = hkdf(masterKey, HKDF_INFO.contactLookup);
  }

  /** HMAC-SHA-256 of the normalised contact: what `contact_lookup` holds. */
  contactLookup(contact: string): Buffer {
    return createHmac('sha256', this.contactLookupKey).update(normaliseContact(contact), 'utf8').digest();
  }

  wrap(subject: string, personKey: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyEncryptionKey, iv);
    cipher.setAAD(Buffer.from(subject, 'utf8'));
    const wrapped = Buffer.concat([cipher.update(personKey), cipher.final()]);
    return Buffer.concat([Buffer.from([WRAP_FORMAT_V1]), iv, wrapped, cipher.getAuthTag()]);
  }

  unwrap(subject: string, wrapped: Buffer): Buffer {
    if (wrapped.length !== WRAPPED_KEY_BYTES || wrapped[0] !== WRAP_FORMAT_V1) {
      throw new MasterKeyMismatchError(
        `the key of subject ${subject} is not in a format this ledger wraps keys in`,
      );
    }
    const iv = wrapped.subarray(1, 1 + IV_BYTES);
    const body = wrapped.subarray(1 + IV_BYTES, wrapped.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.keyEncryptionKey, iv);
    decipher.setAAD(Buffer.from(subject, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new MasterKeyMismatchError(
        `the key of subject ${subject} does not unwrap: LEDGER_MASTER_KEY is not the master key it was wrapped with`,
      );
    }
  }
}

/** Seals a value under one person's key. Same key and same value: same `mac`, another IV and ciphertext. */
export function sealWith(subject: string, personKey: Buffer, plaintext: JsonValue): SealedPersonalDataV1 {
  const canonical = Buffer.from(canonicalJson(plaintext), 'utf8');
  if (canonical.length > MAX_SEALED_PLAINTEXT_BYTES) {
    throw new PersonalDataTooLargeError(MAX_SEALED_PLAINTEXT_BYTES);
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', personKey, iv);
  cipher.setAAD(Buffer.from(subject, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(canonical), cipher.final(), cipher.getAuthTag()]);
  return {
    sealed: 'A256GCM',
    subject,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    mac: macOf(personKey, canonical).toString('base64'),
  };
}

/** Opens an envelope with its person's key; throws SealedDataCorruptError if it was altered. */
export function openWith(personKey: Buffer, sealed: SealedPersonalDataV1): JsonValue {
  const iv = Buffer.from(sealed.iv, 'base64');
  const ciphertext = Buffer.from(sealed.ciphertext, 'base64');
  if (iv.length !== IV_BYTES || ciphertext.length < TAG_BYTES) {
    throw new SealedDataCorruptError(`the envelope of subject ${sealed.subject} is malformed`);
  }
  const decipher = createDecipheriv('aes-256-gcm', personKey, iv);
  decipher.setAAD(Buffer.from(sealed.subject, 'utf8'));
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
  let canonical: Buffer;
  try {
    canonical = Buffer.concat([
      decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new SealedDataCorruptError(`the envelope of subject ${sealed.subject} fails authentication`);
  }
  return JSON.parse(canonical.toString('utf8')) as JsonValue;
}

function macOf(personKey: Buffer, canonical: Buffer): Buffer {
  return createHmac('sha256', hkdf(personKey, HKDF_INFO.mac)).update(canonical).digest();
}

/** Whether a value has the shape of a SealedPersonalDataV1 (its members' contents are not checked). */
export function isSealedPersonalData(value: unknown): value is SealedPersonalDataV1 {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const candidate = value as Record<string, unknown>;
  return (
    candidate.sealed === 'A256GCM' &&
    typeof candidate.subject === 'string' &&
    typeof candidate.iv === 'string' &&
    typeof candidate.ciphertext === 'string' &&
    typeof candidate.mac === 'string'
  );
}
