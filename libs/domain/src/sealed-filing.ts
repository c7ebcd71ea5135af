import { isDeepStrictEqual } from 'node:util';
import type { SealedPersonalDataV1 } from '@ledger/events';

/**
 * Whether a filing is the retry of one already recorded. Sealed members are compared by their `mac`
 * (a keyed hash of the plaintext, the same for the same person and content), never by ciphertext,
 * whose random IV differs on every attempt.
 */
export function sameFiling(recorded: object, retried: object): boolean {
  return isDeepStrictEqual(withoutCiphertext(recorded), withoutCiphertext(retried));
}

function withoutCiphertext(filing: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(filing).map(([member, value]) => [member, isSealed(value) ? value.mac : value]),
  );
}

export function isSealed(value: unknown): value is SealedPersonalDataV1 {
  return typeof value === 'object' && value !== null && (value as { sealed?: unknown }).sealed === 'A256GCM';
}
