/** Reads of the case_queues view (libs/projections/src/case-queues): the work queues and the evaluation figures. */

/** A timestamp as its ISO text; an ORDER BY names the table's column (`case_queue_items.due_at`), not this text. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One page of a queue, in queue order: open cases (rank 0) by the deadline that matters now, then
 * resolved ones (rank 1) by their verification deadline, ties by id. The cursor is the last row's
 * (rank, due_at, id). $1 kind · $2 status ('open' = unresolved) · $3 dataset · $4 organisation ·
 * $5 overdue · $6 now · $7–$9 cursor · $10 limit. 'open' is said twice, the second time in the queue
 * index's own terms (rank 0): the index then reads only open cases, where the planner otherwise
 * scanned every case of the kind ever filed (a page that grew 0.6 → 1.2 ms in 10 minutes of the long run).
 */
export const SELECT_QUEUE_PAGE = `
SELECT kind, id, dataset_id, organization_id, status, rulebook, outcome, release_version,
       ${iso('filed_at')} AS filed_at,
       ${iso('verification_started_at')} AS verification_started_at,
       ${iso('resolved_at')} AS resolved_at,
       ${iso('suspended_at')} AS suspended_at,
       ${iso('verification_due_at')} AS verification_due_at,
       ${iso('suspension_due_at')} AS suspension_due_at,
       ${iso('due_at')} AS due_at,
       CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END AS rank,
       position::text AS position
  FROM ledger_views.case_queue_items
 WHERE kind = $1
   AND ($2::text IS NULL OR status = $2::text OR ($2::text = 'open' AND resolved_at IS NULL))
   AND ($2::text IS DISTINCT FROM 'open' OR CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END = 0)
   AND ($3::text IS NULL OR dataset_id = $3::text)
   AND ($4::text IS NULL OR organization_id = $4::text)
   AND ($5::boolean IS NULL OR (resolved_at IS NULL AND due_at < $6::timestamptz) = $5::boolean)
   AND ($7::integer IS NULL
        OR (CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END, due_at, id) > ($7::integer, $8::timestamptz, $9::text))
 ORDER BY CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END, case_queue_items.due_at, id
 LIMIT $10`;

/**
 * The case figures of one organisation and kind, for cases filed, decided or suspended in [$3, $4);
 * `overdue_now` counts open cases past their deadline at $5 whenever they were filed. Durations in
 * seconds; percentiles over the cases decided (or suspended) in the period.
 */
export const SELECT_CASE_FIGURES = `
WITH cases AS (
  SELECT *,
         resolved_at >= $3::timestamptz AND resolved_at < $4::timestamptz AS decided,
         suspended_at >= $3::timestamptz AND suspended_at < $4::timestamptz AS suspended,
         extract(epoch FROM resolved_at - filed_at)::double precision AS decide_seconds,
         extract(epoch FROM suspended_at - filed_at)::double precision AS suspend_seconds
    FROM ledger_views.case_queue_items
   WHERE organization_id = $1 AND kind = $2
)
SELECT count(*) FILTER (WHERE filed_at >= $3::timestamptz AND filed_at < $4::timestamptz)::integer AS filed,
       count(*) FILTER (WHERE decided)::integer AS decided,
       count(*) FILTER (WHERE decided AND resolved_at <= verification_due_at)::integer AS decided_in_time,
       count(*) FILTER (WHERE decided AND release_version IS NOT NULL)::integer AS decided_with_release,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY decide_seconds) FILTER (WHERE decided) AS decide_median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY decide_seconds) FILTER (WHERE decided) AS decide_p90,
       count(*) FILTER (WHERE suspended)::integer AS suspended,
       count(*) FILTER (WHERE suspended AND suspended_at <= suspension_due_at)::integer AS suspended_in_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY suspend_seconds) FILTER (WHERE suspended) AS suspend_median,
       count(*) FILTER (WHERE resolved_at IS NULL AND due_at < $5::timestamptz)::integer AS overdue_now,
       count(*) FILTER (WHERE resolved_at IS NULL)::integer AS open_now
  FROM cases`;

/** How the cases of one organisation and kind decided in [$3, $4) ended. */
export const SELECT_OUTCOMES = `
SELECT outcome, count(*)::integer AS count
  FROM ledger_views.case_queue_items
 WHERE organization_id = $1 AND kind = $2 AND resolved_at >= $3::timestamptz AND resolved_at < $4::timestamptz
 GROUP BY outcome
 ORDER BY outcome`;

/**
 * The releases of one organisation's datasets in [$2, $3): how many had a dataset_update clock
 * running (a regular updateFrequency and a release before), and how many of those came in time.
 */
export const SELECT_RELEASE_FIGURES = `
SELECT count(*)::integer AS released,
       count(r.due_at)::integer AS with_deadline,
       count(*) FILTER (WHERE r.released_at <= r.due_at)::integer AS on_time
  FROM ledger_views.case_queue_releases r
  JOIN ledger_views.case_queue_datasets d ON d.dataset_id = r.dataset_id
 WHERE d.organization_id = $1 AND r.released_at >= $2::timestamptz AND r.released_at < $3::timestamptz`;
