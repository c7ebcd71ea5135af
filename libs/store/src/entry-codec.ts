import { hash } from 'node:crypto';
import { canonicalJson, isValidStreamId, UnfaithfulJsonError } from '@ledger/events';
import type { NewEvent } from './event-store.port';
import { InvalidEventError } from './journal-errors';

/** An event checked and canonicalised before the append lock is taken, so that the locked section only splices. */
export interface PreparedEvent {
  id: string;
  type: string;
  streamId: string;
  source: string;
  schemaVersion: number;
  occurredAt?: string;
  actorId: string;
  actorOrganizationId?: string;
  /** JSON string literals and canonical JSON of the parts that do not depend on the position. */
  idJson: string;
  typeJson: string;
  streamIdJson: string;
  sourceJson: string;
  occurredAtJson?: string;
  dataJson: string;
  metadataJson: string;
  fingerprint: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;

/**
 * Checks an event and canonicalises what does not depend on its position. `metadataCache` lets the
 * events of one append that share a metadata object be canonicalised once.
 */
export function prepareEvent(
  streamId: string,
  event: NewEvent,
  metadataCache: Map<object, string> = new Map(),
): PreparedEvent {
  if (!isValidStreamId(streamId))
    throw new InvalidEventError(`invalid stream id ${JSON.stringify(streamId)}`);
  if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > 200) {
    throw new InvalidEventError('an event id is a string of 1 to 200 characters');
  }
  if (!EVENT_TYPE.test(event.type))
    throw new InvalidEventError(`invalid event type ${JSON.stringify(event.type)}`);
  if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
    throw new InvalidEventError('schemaVersion is an integer ≥ 1');
  }
  if (event.occurredAt !== undefined && !isCanonicalTimestamp(event.occurredAt)) {
    throw new InvalidEventError('occurredAt is a real instant written YYYY-MM-DDTHH:mm:ss.sssZ');
  }
  if (typeof event.source !== 'string' || event.source.length === 0) {
    throw new InvalidEventError('source is required');
  }
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new InvalidEventError('data is a JSON object');
  }
  let idJson: string, sourceJson: string, dataJson: string, metadataJson: string;
  try {
    idJson = canonicalJson(event.id, '/id');
    sourceJson = canonicalJson(event.source, '/source');
    dataJson = canonicalJson(event.data, '/data');
    metadataJson = metadataCache.get(event.metadata) ?? canonicalJson(event.metadata, '/metadata');
    metadataCache.set(event.metadata, metadataJson);
  } catch (error) {
    if (error instanceof UnfaithfulJsonError) throw new InvalidEventError(error.message);
    throw error;
  }
  const actor = event.metadata.actor;
  return {
    id: event.id,
    type: event.type,
    streamId,
    source: event.source,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    actorId: actor.id,
    actorOrganizationId: actor.organizationId,
    idJson,
    typeJson: JSON.stringify(event.type),
    streamIdJson: JSON.stringify(streamId),
    sourceJson,
    occurredAtJson: event.occurredAt === undefined ? undefined : JSON.stringify(event.occurredAt),
    dataJson,
    metadataJson,
    fingerprint: fingerprintOf(event, streamId, dataJson),
  };
}

/**
 * The RFC 8785 text of the whole entry, spliced from parts canonicalised earlier. Members appear in
 * JCS order (sorted by UTF-16 code units); entry-codec.spec.ts checks the result against
 * `canonicalize` of the assembled object.
 */
export function encodeEntry(
  event: PreparedEvent,
  globalPosition: number,
  streamVersion: number,
  recordedAt: string,
): string {
  return (
    `{"data":${event.dataJson},"globalPosition":${globalPosition},"id":${event.idJson},` +
    `"metadata":${event.metadataJson},` +
    (event.occurredAtJson === undefined ? '' : `"occurredAt":${event.occurredAtJson},`) +
    `"recordedAt":"${recordedAt}","schemaVersion":${event.schemaVersion},"source":${event.sourceJson},` +
    `"streamId":${event.streamIdJson},"streamVersion":${streamVersion},"type":${event.typeJson}}`
  );
}

let lastValidTimestamp = '';

/** `YYYY-MM-DDTHH:mm:ss.sssZ` naming a real instant (no 30 February, no hour 25). */
function isCanonicalTimestamp(value: string): boolean {
  // The events of one append mostly share a time: remember the last one found valid.
  if (value === lastValidTimestamp) return true;
  if (!TIMESTAMP.test(value)) return false;
  const time = Date.parse(value);
  if (Number.isNaN(time) || new Date(time).toISOString() !== value) return false;
  lastValidTimestamp = value;
  return true;
}

/**
 * SHA-256(0x00 ‖ entry bytes): the RFC 9162 leaf hash. U+0000 is the single byte 0x00 in UTF-8, so
 * prefixing the text hashes exactly those bytes, in one call (a third of the cost of a Hash object).
 */
export function leafHashOf(canonicalEntry: string): Buffer {
  return hash('sha256', `\u0000${canonicalEntry}`, 'buffer');
}

function fingerprintOf(event: NewEvent, streamId: string, dataJson: string): string {
  // Members are joined with U+0000, which none of them can contain (assertFaithfulJson refuses it).
  const material =
    event.fingerprintMaterial ??
    [
      event.type,
      streamId,
      event.source,
      event.occurredAt ?? '',
      event.schemaVersion,
      event.metadata.actor.id,
      dataJson,
    ].join('\u0000');
  return hash('sha256', material, 'hex');
}
