/** Statements of the audit-trail export: every position of a range, entries only where the filter matches. */

/**
 * One page of a range, in position order. Optional filters are NULL when unused. The entry text
 * travels only for matching rows; the others are exported as leaf-hash stubs.
 */
export const READ_EXPORT_PAGE = `
SELECT global_position, encode(leaf_hash, 'base64') AS leaf_hash, CASE WHEN matched THEN entry END AS entry
  FROM (SELECT global_position, leaf_hash, entry,
               ($3::text[] IS NULL OR type = ANY($3))
           AND ($4::text IS NULL OR stream_id = $4)
           AND ($5::text IS NULL OR actor_id = $5)
           AND ($6::text IS NULL OR actor_organization_id = $6) AS matched
          FROM ledger.events
         WHERE global_position >= $1 AND global_position < $2
         ORDER BY global_position
         LIMIT $7) AS page
 ORDER BY global_position`;

/** recordedAt never decreases with position, so time bounds become positions by bisection on the primary key. */
export const READ_RECORDED_AT = `
SELECT floor(extract(epoch FROM recorded_at) * 1000) AS recorded_at_ms FROM ledger.events WHERE global_position = $1`;
