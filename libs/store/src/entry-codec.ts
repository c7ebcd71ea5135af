import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { assertFaithfulJson, isValidStreamId, UnfaithfulJsonError } from '@ledger/events';
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

export function prepareEvent(streamId: string, event: NewEvent): PreparedEvent {
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
  if (typeof event.source !== 'string' || event.source.length === 0)
    throw new InvalidEventError('source is required');
  try {
    assertFaithfulJson(event.id, '/id');
    assertFaithfulJson(event.source, '/source');
    assertFaithfulJson(event.data, '/data');
    assertFaithfulJson(event.metadata, '/metadata');
  } catch (error) {
    if (error instanceof UnfaithfulJsonError) throw new InvalidEventError(error.message);
    throw error;
  }
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new InvalidEventError('data is a JSON object');
  }
  const dataJson = canonicalize(event.data) as string;
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
    idJson: JSON.stringify(event.id),
    typeJson: JSON.stringify(event.type),
    streamIdJson: JSON.stringify(streamId),
    sourceJson: JSON.stringify(event.source),
    occurredAtJson: event.occurredAt === undefined ? undefined : JSON.stringify(event.occurredAt),
    dataJson,
    metadataJson: canonicalize(event.metadata) as string,
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

/** `YYYY-MM-DDTHH:mm:ss.sssZ` naming a real instant (no 30 February, no hour 25). */
function isCanonicalTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}

/** SHA-256(0x00 ‖ entry bytes): the RFC 9162 leaf hash. */
export function leafHashOf(canonicalEntry: string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(canonicalEntry, 'utf8').digest();
}

const LEAF_PREFIX = Buffer.from([0x00]);

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
  return createHash('sha256').update(material, 'utf8').digest('hex');
}
