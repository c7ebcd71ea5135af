import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LedgerEntry } from '@ledger/events';

/** The type a subscription names to receive the transparency log's new checkpoints. */
export const CHECKPOINT_EVENT_TYPE = 'LogCheckpointPublished';

export const CLOUDEVENTS_STRUCTURED = 'application/cloudevents+json';
export const SIGNATURE_HEADER = 'x-ledger-signature';

/** A checkpoint as delivered: the signed note exactly as handed out, and what it commits to. */
export interface CheckpointData {
  origin: string;
  treeSize: number;
  /** Standard base64 of the tree's root hash. */
  rootHash: string;
  /** The C2SP signed note. */
  note: string;
  signedAt: string;
}

/** The CloudEvent id of a checkpoint: one checkpoint per tree size. */
export function checkpointEventId(treeSize: number): string {
  return `checkpoint-${treeSize}`;
}

/**
 * The body of a delivery of a journal entry: a structured CloudEvent 1.0 whose `id` is the ledger
 * event id (subscribers deduplicate on it), `source` the ledger's log origin, `subject` the stream and
 * `data` the entry exactly as recorded — the canonical (RFC 8785) text is spliced in verbatim, so
 * `SHA-256(0x00 ‖ data)` is the entry's leaf hash, checkable against a checkpoint. Re-serialising a
 * parse of it would not do: JavaScript puts integer-like keys first, JCS sorts them as strings.
 */
export function entryCloudEvent(canonicalEntry: string, source: string): string {
  const entry = JSON.parse(canonicalEntry) as LedgerEntry;
  const envelope = {
    specversion: '1.0',
    id: entry.id,
    source,
    type: entry.type,
    subject: entry.streamId,
    time: entry.occurredAt ?? entry.recordedAt,
    datacontenttype: 'application/json',
    ledgerposition: entry.globalPosition,
  };
  return `${JSON.stringify(envelope).slice(0, -1)},"data":${canonicalEntry}}`;
}

/** The body of a delivery of a new transparency-log checkpoint. */
export function checkpointCloudEvent(checkpoint: CheckpointData): string {
  return JSON.stringify({
    specversion: '1.0',
    id: checkpointEventId(checkpoint.treeSize),
    source: checkpoint.origin,
    type: CHECKPOINT_EVENT_TYPE,
    time: checkpoint.signedAt,
    datacontenttype: 'application/json',
    data: checkpoint,
  });
}

/** `X-Ledger-Signature`: `sha256=` and the hex HMAC-SHA-256 of the exact body bytes under the subscription's secret. */
export function signatureOf(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a subscriber does with a delivery: recompute the signature over the raw body and compare in constant time. */
export function verifySignature(body: string | Buffer, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signatureOf(body, secret), 'utf8');
  const given = Buffer.from(header, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
