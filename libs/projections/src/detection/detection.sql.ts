/**
 * The violation_detection reactor's tables, all in its generation's schema and written in the
 * transaction that advances its checkpoint:
 * - `detection_datasets`, `detection_grants`: what judging an access needs, folded in journal order
 *   (lists of fields as JSON text: a field name may hold characters no jsonb or text[] element takes);
 * - `detection_applied`: the last position folded, so a batch applied again changes nothing;
 * - `detection_outbox`: the detections decided and not yet in the journal, the recorder's work list
 *   (a row leaves once its event is recorded). No view: it is empty whenever the recorder is caught up.
 */

export const DETECTION_TABLES = ['detection_datasets', 'detection_grants'];

/** The channel a batch that decided detections notifies, on commit, to wake the recorder. */
export const DETECTIONS_CHANNEL = 'ledger_detections';

export function detectionTables(schema: string): string {
  return `
CREATE TABLE ${schema}.detection_datasets (
  dataset_id     text COLLATE "C" PRIMARY KEY,
  classification text NOT NULL,
  fields         text NOT NULL
);
CREATE TABLE ${schema}.detection_grants (
  grant_id    text COLLATE "C" PRIMARY KEY,
  grantee     text COLLATE "C" NOT NULL,
  dataset_id  text COLLATE "C" NOT NULL,
  fields      text NOT NULL,
  valid_from  text NOT NULL,
  valid_until text NOT NULL,
  status      text NOT NULL
);
CREATE INDEX detection_grants_holder ON ${schema}.detection_grants (grantee, dataset_id);
CREATE TABLE ${schema}.detection_applied (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position  bigint NOT NULL
);
INSERT INTO ${schema}.detection_applied (position) VALUES (-1);
CREATE TABLE ${schema}.detection_outbox (
  access_event_id text COLLATE "C" PRIMARY KEY,
  access_position bigint NOT NULL,
  stream_id       text NOT NULL,
  event           text NOT NULL,
  failure         text
);
CREATE INDEX detection_outbox_pending ON ${schema}.detection_outbox (access_position) WHERE failure IS NULL;`;
}

/**
 * What a batch starts from, in one round trip: the last position folded, the datasets named ($1), and
 * the grants named ($2) with every grant of the holders ($3 grantee, $4 dataset, pairwise), as JSON.
 */
export function selectBatchState(schema: string): string {
  return `
SELECT
  (SELECT position::text FROM ${schema}.detection_applied) AS applied,
  (SELECT coalesce(json_agg(d), '[]'::json)
     FROM ${schema}.detection_datasets d
    WHERE d.dataset_id = ANY($1::text[])) AS datasets,
  (SELECT coalesce(json_agg(g), '[]'::json)
     FROM (SELECT * FROM ${schema}.detection_grants WHERE grant_id = ANY($2::text[])
           UNION
           SELECT g.* FROM ${schema}.detection_grants g
             JOIN unnest($3::text[], $4::text[]) AS holder(grantee, dataset_id)
               ON g.grantee = holder.grantee AND g.dataset_id = holder.dataset_id) g) AS grants`;
}

/**
 * What a batch leaves, in one round trip (parallel arrays; empty ones write nothing): the datasets
 * changed ($1–$3: id, classification, fields), the grants changed ($4–$10: id, grantee, dataset,
 * fields, valid from, valid until, status), the detections decided ($11–$14: access event id, its
 * position, stream, the NewEvent as JSON), the last position folded ($15) — and, when it decided
 * detections, a NOTIFY that reaches the recorder when the transaction commits (never if it rolls back).
 */
export function saveBatch(schema: string): string {
  return `
WITH datasets AS (
  INSERT INTO ${schema}.detection_datasets (dataset_id, classification, fields)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
  ON CONFLICT (dataset_id) DO UPDATE SET classification = excluded.classification, fields = excluded.fields
), grants AS (
  INSERT INTO ${schema}.detection_grants (grant_id, grantee, dataset_id, fields, valid_from, valid_until, status)
  SELECT * FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
  ON CONFLICT (grant_id) DO UPDATE SET
    grantee = excluded.grantee, dataset_id = excluded.dataset_id, fields = excluded.fields,
    valid_from = excluded.valid_from, valid_until = excluded.valid_until, status = excluded.status
), detections AS (
  INSERT INTO ${schema}.detection_outbox (access_event_id, access_position, stream_id, event)
  SELECT * FROM unnest($11::text[], $12::bigint[], $13::text[], $14::text[])
  ON CONFLICT (access_event_id) DO NOTHING
), applied AS (
  UPDATE ${schema}.detection_applied SET position = $15 RETURNING position
)
SELECT pg_notify('${DETECTIONS_CHANNEL}', position::text) FROM applied WHERE cardinality($11::text[]) > 0`;
}

/** The recorder's next rows, in the order of the accesses that raised them. */
export function selectPendingDetections(schema: string): string {
  return `
SELECT access_event_id, stream_id, event
  FROM ${schema}.detection_outbox
 WHERE failure IS NULL
 ORDER BY access_position
 LIMIT $1`;
}

export function deleteRecordedDetections(schema: string): string {
  return `DELETE FROM ${schema}.detection_outbox WHERE access_event_id = ANY($1::text[])`;
}

/** A detection the journal refused (an id recorded with other content): kept, with why, and skipped. */
export function markDetectionFailed(schema: string): string {
  return `UPDATE ${schema}.detection_outbox SET failure = $2 WHERE access_event_id = $1`;
}

export const SELECT_ACTIVE_GENERATION = `
SELECT active_generation FROM ledger_views.projections WHERE name = $1`;
