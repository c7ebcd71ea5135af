import { createHash } from 'node:crypto';
import type { AccessVerdict } from '@ledger/domain';
import {
  API_SOURCE,
  DataAccessedV1,
  EVENT_CATALOGUE,
  JsonObject,
  LedgerEntry,
  LegalBasis,
  STREAM_CATEGORIES,
  streamIdOf,
  SuspectedViolationDetectedV1,
  SYSTEM_ACTOR,
} from '@ledger/events';
import type { NewEvent } from '@ledger/store';

/** A detection as decided: the stream it goes to and the event, ready to append. */
export interface DecidedDetection {
  accessEventId: string;
  accessPosition: number;
  streamId: string;
  event: NewEvent;
}

/**
 * The id of the SuspectedViolationDetected an access raises: a UUID (version 8, RFC 9562) named by
 * the access's event id, so that however often the access is judged — a batch rolled back and
 * applied again, a recorder that crashed after appending — the journal's idempotency key makes it
 * one event.
 */
export function detectionEventIdOf(accessEventId: string): string {
  const bytes = createHash('sha256').update(`SuspectedViolationDetected\u0000${accessEventId}`).digest();
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The event for a suspected access, recorded by the system in `detection-<datasetId>`. Everything in
 * it comes from the access (its `occurredAt` is when the access was recorded, the moment the
 * suspicion arose), so deciding it again gives the same bytes and the journal answers "already
 * recorded".
 */
export function detectionOf(
  access: LedgerEntry,
  data: DataAccessedV1,
  verdict: Extract<AccessVerdict, { suspected: true }>,
  legalBasis: LegalBasis,
): DecidedDetection {
  const detected: SuspectedViolationDetectedV1 = {
    accessEventId: access.id,
    datasetId: data.datasetId,
    principal: data.principal,
    ...(verdict.grantId !== undefined && { grantId: verdict.grantId }),
    reason: verdict.reason,
    ...(verdict.fields !== undefined && { fields: verdict.fields }),
  };
  return {
    accessEventId: access.id,
    accessPosition: access.globalPosition,
    streamId: streamIdOf(STREAM_CATEGORIES.detection, data.datasetId),
    event: {
      id: detectionEventIdOf(access.id),
      type: 'SuspectedViolationDetected',
      data: detected as unknown as JsonObject,
      metadata: {
        actor: SYSTEM_ACTOR,
        ...(access.metadata.correlationId !== undefined && {
          correlationId: access.metadata.correlationId,
        }),
        causationId: access.id,
        legalBasis,
      },
      source: API_SOURCE,
      schemaVersion: EVENT_CATALOGUE.SuspectedViolationDetected.schemaVersion,
      occurredAt: access.recordedAt,
    },
  };
}
