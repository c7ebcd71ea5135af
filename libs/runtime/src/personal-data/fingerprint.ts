import { canonicalJson, isKnownEventType, JsonObject, personalDataMembersOf } from '@ledger/events';
import { isSealedPersonalData } from './personal-data-crypto';

/** What else, besides type and data, should make two events with one id different (NewEvent's own members). */
export interface FingerprintContext {
  streamId?: string;
  source?: string;
  occurredAt?: string;
  schemaVersion?: number;
  actorId?: string;
}

/**
 * `NewEvent.fingerprintMaterial` for an event holding sealed personal data: the canonical JSON of
 * the type, the context and the data with every sealed member (personalDataMembersOf) replaced by
 * its `mac`. A retry of the same filing seals the same plaintext under the same person's key again —
 * a new IV, a new ciphertext, the same mac — so it is recognised as the same event; another
 * plaintext, or another person, gives another mac, and the retry is an id conflict.
 *
 * The material stands in for the store's whole default fingerprint (type, stream, source, time,
 * schema version, actor, data), so pass in `context` what should count as well.
 */
export function fingerprintMaterial(
  type: string,
  data: JsonObject,
  context: FingerprintContext = {},
): string {
  const members = isKnownEventType(type) ? personalDataMembersOf(type) : [];
  const masked: JsonObject = { ...data };
  for (const member of members) {
    const value = data[member];
    if (isSealedPersonalData(value)) masked[member] = { sealedMac: value.mac };
  }
  return canonicalJson({ type, ...context, data: masked });
}
