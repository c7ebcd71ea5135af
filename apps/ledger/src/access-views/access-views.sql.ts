/**
 * Reads of the access_views view (libs/projections/src/access-views): the applications queue, the
 * grants registry, the violation cases, the detections, the public revocations and the figures per body.
 * Every list narrows to the caller's scope in SQL: `$organization` (a body officer's own, or the
 * organisation asked for) and, for a data user, `$owner` (its own principal id).
 */

/**
 * A timestamp as its ISO text, under the column's own name. An ORDER BY that names such a column bare
 * would sort by the text (output names come first there): the pages name the table's column instead,
 * the timestamp the queue index and the cursor are in.
 */
const iso = (column: string, as = column) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${as}`;

const APPLICATION_COLUMNS = `
SELECT id, dataset_id, organization_id, applicant_principal, status, outcome, reason_codes, grant_id, rulebook,
       ${iso('submitted_at')}, ${iso('supplement_requested_at')}, ${iso('supplemented_at')},
       ${iso('decided_at')}, ${iso('withdrawn_at')}, ${iso('signed_at')}, ${iso('due_at')},
       queue_rank, ${iso('queue_at')}, position::text AS position
  FROM ledger_views.access_applications`;

/**
 * One page of the applications queue: under review (rank 0) by review deadline, so the overdue lead;
 * waiting for a supplement (rank 1) by when it was asked; then decided, signed or withdrawn (rank 2) by
 * submission; ties by id. $1 status ('open' = submitted or supplement_requested) · $2 dataset ·
 * $3 organisation · $4 owner · $5 overdue · $6 now · $7–$9 cursor (rank, at, id) · $10 limit.
 * 'open' is said twice, the second time as the ranks it means: the queue index then reads only the
 * open applications, where the planner otherwise scanned every application ever filed (a page that
 * grew 0.6 → 1.7 ms in the first 10 minutes of the long run).
 */
export const SELECT_APPLICATIONS_PAGE = `${APPLICATION_COLUMNS}
 WHERE ($1::text IS NULL OR status = $1::text
        OR ($1::text = 'open' AND status IN ('submitted', 'supplement_requested')))
   AND ($1::text IS DISTINCT FROM 'open' OR queue_rank < 2)
   AND ($2::text IS NULL OR dataset_id = $2::text)
   AND ($3::text IS NULL OR organization_id = $3::text)
   AND ($4::text IS NULL OR applicant_principal = $4::text)
   AND ($5::boolean IS NULL OR (status = 'submitted' AND due_at < $6::timestamptz) = $5::boolean)
   AND ($7::integer IS NULL OR (queue_rank, queue_at, id) > ($7::integer, $8::timestamptz, $9::text))
 ORDER BY queue_rank, access_applications.queue_at, id
 LIMIT $10`;

export const SELECT_APPLICATION = `${APPLICATION_COLUMNS} WHERE id = $1`;

const GRANT_COLUMNS = `
SELECT id, application_id, dataset_id, organization_id, grantee, scope, fields, reporting_interval, rulebook,
       status, reports, revocation_reason, revocation_publicized, violation_case_id,
       ${iso('valid_from')}, ${iso('valid_until')}, ${iso('granted_at')}, ${iso('last_reported_until')},
       ${iso('next_report_due_at')}, ${iso('suspended_at')}, ${iso('revoked_at')}, ${iso('expired_at')},
       position::text AS position
  FROM ledger_views.access_grants`;

/**
 * One page of the grants registry by id. $1 status · $2 dataset · $3 organisation · $4 grantee asked ·
 * $5 owner · $6 cursor (the last id) · $7 limit.
 */
export const SELECT_GRANTS_PAGE = `${GRANT_COLUMNS}
 WHERE ($1::text IS NULL OR status = $1::text)
   AND ($2::text IS NULL OR dataset_id = $2::text)
   AND ($3::text IS NULL OR organization_id = $3::text)
   AND ($4::text IS NULL OR grantee = $4::text)
   AND ($5::text IS NULL OR grantee = $5::text)
   AND ($6::text IS NULL OR id > $6::text)
 ORDER BY id
 LIMIT $7`;

export const SELECT_GRANT = `${GRANT_COLUMNS} WHERE id = $1`;

const VIOLATION_COLUMNS = `
SELECT id, status, source, grant_id, principal, dataset_id, organization_id, access_event_id, sanction, publicize,
       ${iso('reported_at')}, ${iso('investigation_opened_at')}, ${iso('closed_at')},
       queue_rank, position::text AS position
  FROM ledger_views.access_violations`;

/**
 * One page of the violation cases: open ones (rank 0) first, then closed ones, each oldest report first;
 * ties by id. $1 status ('open' = reported or investigating) · $2 source · $3 dataset · $4 organisation ·
 * $5–$7 cursor (rank, reported at, id) · $8 limit. 'open' again as its rank, for the queue index.
 */
export const SELECT_VIOLATIONS_PAGE = `${VIOLATION_COLUMNS}
 WHERE ($1::text IS NULL OR status = $1::text OR ($1::text = 'open' AND status IN ('reported', 'investigating')))
   AND ($1::text IS DISTINCT FROM 'open' OR queue_rank = 0)
   AND ($2::text IS NULL OR source = $2::text)
   AND ($3::text IS NULL OR dataset_id = $3::text)
   AND ($4::text IS NULL OR organization_id = $4::text)
   AND ($5::integer IS NULL OR (queue_rank, reported_at, id) > ($5::integer, $6::timestamptz, $7::text))
 ORDER BY queue_rank, access_violations.reported_at, id
 LIMIT $8`;

export const SELECT_VIOLATION = `${VIOLATION_COLUMNS} WHERE id = $1`;

/** One page of detections, newest first. $1 dataset · $2 principal · $3 organisation · $4 cursor (position) · $5 limit. */
export const SELECT_DETECTIONS_PAGE = `
SELECT id, access_event_id, dataset_id, organization_id, principal, grant_id, reason, fields, violation_case_id,
       ${iso('detected_at')}, position::text AS position
  FROM ledger_views.access_detections
 WHERE ($1::text IS NULL OR dataset_id = $1::text)
   AND ($2::text IS NULL OR principal = $2::text)
   AND ($3::text IS NULL OR organization_id = $3::text)
   AND ($4::bigint IS NULL OR position < $4::bigint)
 ORDER BY position DESC
 LIMIT $5`;

/**
 * One page of public revocation notices, newest first; ties by grant id, descending. Only the columns
 * the public may see exist in the table. $1 dataset · $2 organisation · $3–$4 cursor (revoked at, grant) · $5 limit.
 */
export const SELECT_PUBLIC_REVOCATIONS_PAGE = `
SELECT grant_id, dataset_id, dataset_title, organization_id, reason, violation_case_id, sanction,
       ${iso('revoked_at')}
  FROM ledger_views.access_revocations
 WHERE ($1::text IS NULL OR dataset_id = $1::text)
   AND ($2::text IS NULL OR organization_id = $2::text)
   AND ($3::timestamptz IS NULL OR (revoked_at, grant_id) < ($3::timestamptz, $4::text))
 ORDER BY access_revocations.revoked_at DESC, grant_id DESC
 LIMIT $5`;

/**
 * The application figures of one organisation for [$2, $3): submitted, decided (approved or rejected,
 * by outcome), withdrawn; time from submission to decision (seconds, including any wait for a
 * supplement) and how many were decided by the review deadline that ran when they were decided; open,
 * waiting for a supplement and overdue at $4, whenever submitted.
 */
export const SELECT_APPLICATION_FIGURES = `
WITH applications AS (
  SELECT *,
         decided_at >= $2::timestamptz AND decided_at < $3::timestamptz AS decided,
         extract(epoch FROM decided_at - submitted_at)::double precision AS decide_seconds
    FROM ledger_views.access_applications
   WHERE organization_id = $1
)
SELECT count(*) FILTER (WHERE submitted_at >= $2::timestamptz AND submitted_at < $3::timestamptz)::integer AS submitted,
       count(*) FILTER (WHERE decided)::integer AS decided,
       count(*) FILTER (WHERE decided AND outcome = 'approved')::integer AS approved,
       count(*) FILTER (WHERE decided AND outcome = 'rejected')::integer AS rejected,
       count(*) FILTER (WHERE decided AND decided_at <= due_at)::integer AS decided_in_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY decide_seconds) FILTER (WHERE decided) AS decide_median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY decide_seconds) FILTER (WHERE decided) AS decide_p90,
       count(*) FILTER (WHERE withdrawn_at >= $2::timestamptz AND withdrawn_at < $3::timestamptz)::integer AS withdrawn,
       count(*) FILTER (WHERE status IN ('submitted', 'supplement_requested'))::integer AS open_now,
       count(*) FILTER (WHERE status = 'supplement_requested')::integer AS awaiting_supplement_now,
       count(*) FILTER (WHERE status = 'submitted' AND due_at < $4::timestamptz)::integer AS overdue_now
  FROM applications`;

/** The reason codes of the organisation's rejections in [$2, $3), each with how many named it. */
export const SELECT_REJECTION_REASONS = `
SELECT code, count(*)::integer AS count
  FROM ledger_views.access_applications, jsonb_array_elements_text(reason_codes) AS code
 WHERE organization_id = $1 AND outcome = 'rejected'
   AND decided_at >= $2::timestamptz AND decided_at < $3::timestamptz
 GROUP BY code
 ORDER BY code`;

/** The organisation's grants: opened, revoked and expired in [$2, $3); active, suspended and late reports at $4. */
export const SELECT_GRANT_FIGURES = `
SELECT count(*) FILTER (WHERE granted_at >= $2::timestamptz AND granted_at < $3::timestamptz)::integer AS granted,
       count(*) FILTER (WHERE revoked_at >= $2::timestamptz AND revoked_at < $3::timestamptz)::integer AS revoked,
       count(*) FILTER (WHERE revoked_at >= $2::timestamptz AND revoked_at < $3::timestamptz
                          AND revocation_publicized)::integer AS revoked_publicly,
       count(*) FILTER (WHERE revoked_at >= $2::timestamptz AND revoked_at < $3::timestamptz
                          AND violation_case_id IS NOT NULL)::integer AS revoked_for_violation,
       count(*) FILTER (WHERE expired_at >= $2::timestamptz AND expired_at < $3::timestamptz)::integer AS expired,
       count(*) FILTER (WHERE status = 'active')::integer AS active_now,
       count(*) FILTER (WHERE status = 'suspended')::integer AS suspended_now,
       count(*) FILTER (WHERE status IN ('active', 'suspended')
                          AND next_report_due_at < $4::timestamptz)::integer AS reports_overdue_now
  FROM ledger_views.access_grants
 WHERE organization_id = $1`;

/** The violation cases on the organisation's datasets: reported and closed in [$2, $3); open at any time now. */
export const SELECT_VIOLATION_FIGURES = `
SELECT count(*) FILTER (WHERE reported_at >= $2::timestamptz AND reported_at < $3::timestamptz)::integer AS reported,
       count(*) FILTER (WHERE reported_at >= $2::timestamptz AND reported_at < $3::timestamptz
                          AND source = 'detection')::integer AS reported_from_detection,
       count(*) FILTER (WHERE closed_at >= $2::timestamptz AND closed_at < $3::timestamptz
                          AND status = 'confirmed')::integer AS confirmed,
       count(*) FILTER (WHERE closed_at >= $2::timestamptz AND closed_at < $3::timestamptz
                          AND status = 'dismissed')::integer AS dismissed,
       count(*) FILTER (WHERE status IN ('reported', 'investigating'))::integer AS open_now
  FROM ledger_views.access_violations
 WHERE organization_id = $1`;

/** The sanctions of the violations confirmed in [$2, $3). */
export const SELECT_SANCTIONS = `
SELECT sanction, count(*)::integer AS count
  FROM ledger_views.access_violations
 WHERE organization_id = $1 AND status = 'confirmed'
   AND closed_at >= $2::timestamptz AND closed_at < $3::timestamptz
 GROUP BY sanction
 ORDER BY sanction`;

/** The suspected violations detected on the organisation's datasets in [$2, $3), by reason. */
export const SELECT_DETECTION_REASONS = `
SELECT reason, count(*)::integer AS count
  FROM ledger_views.access_detections
 WHERE organization_id = $1 AND detected_at >= $2::timestamptz AND detected_at < $3::timestamptz
 GROUP BY reason
 ORDER BY reason`;
