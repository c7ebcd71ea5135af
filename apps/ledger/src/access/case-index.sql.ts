/** The case index's statements (migration 0008_case_readers.sql). */

export const READ_APPLIED_THROUGH = `SELECT applied_through FROM ledger_views.case_readers_position`;

/** Datasets and their bodies, as registered: ($1 dataset ids, $2 organisation ids). */
export const INSERT_DATASET_ORGANIZATIONS = `
INSERT INTO ledger_views.dataset_organizations (dataset_id, organization_id)
SELECT dataset_id, organization_id FROM unnest($1::text[], $2::text[]) AS d(dataset_id, organization_id)
ON CONFLICT (dataset_id) DO NOTHING`;

/**
 * Case streams with the body of the dataset each concerns and the data user who owns it ($1 stream
 * ids, $2 dataset ids, $3 owners; NULL where none). The first event of a stream decides: a stream
 * folded again keeps its row.
 */
export const INSERT_CASE_READERS = `
INSERT INTO ledger_views.case_readers (stream_id, organization_id, owner_principal_id)
SELECT c.stream_id, d.organization_id, c.owner_principal_id
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
       AS c(stream_id, dataset_id, owner_principal_id, ordinal)
  LEFT JOIN ledger_views.dataset_organizations d ON d.dataset_id = c.dataset_id
 WHERE d.organization_id IS NOT NULL OR c.owner_principal_id IS NOT NULL
 ORDER BY c.ordinal
ON CONFLICT (stream_id) DO NOTHING`;

/** Only ever raised: another instance may have folded further meanwhile. */
export const RAISE_APPLIED_THROUGH = `
UPDATE ledger_views.case_readers_position SET applied_through = GREATEST(applied_through, $1)`;

/** Whether the stream is a case of this body ($2) or owned by this data user ($3). */
export const IS_CASE_READABLE_BY = `
SELECT EXISTS (
  SELECT 1 FROM ledger_views.case_readers
   WHERE stream_id = $1 AND (organization_id = $2 OR owner_principal_id = $3)) AS readable`;
