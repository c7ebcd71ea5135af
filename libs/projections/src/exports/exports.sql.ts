/** Long exports (migration 0007): written by POST /v1/exports with their job-outbox row, updated by the `exports` handler. */

export const INSERT_EXPORT = `
INSERT INTO ledger_views.exports (id, requested_by, request, progress_total)
VALUES ($1, $2::jsonb, $3::jsonb, $4)
ON CONFLICT (id) DO NOTHING`;

export const SELECT_EXPORT = `
SELECT id, requested_by, request, status, progress_done, progress_total, file_name, file_size, error,
       attempts, created_at, started_at, finished_at
  FROM ledger_views.exports
 WHERE id = $1`;

/** A run begins (again): the file is written from the start. */
export const START_EXPORT = `
UPDATE ledger_views.exports
   SET status = 'running', progress_done = 0, error = NULL, attempts = attempts + 1,
       started_at = $2::timestamptz, updated_at = $2::timestamptz
 WHERE id = $1 AND status IN ('queued', 'running')
RETURNING attempts`;

export const RECORD_EXPORT_PROGRESS = `
UPDATE ledger_views.exports SET progress_done = $2, updated_at = $3::timestamptz
 WHERE id = $1 AND status = 'running'`;

export const FINISH_EXPORT = `
UPDATE ledger_views.exports
   SET status = 'done', progress_done = progress_total, file_name = $2, file_size = $3, error = NULL,
       finished_at = $4::timestamptz, updated_at = $4::timestamptz
 WHERE id = $1 AND status IN ('queued', 'running')`;

/** $2: 'failed' (given up) or 'queued' (to be run again: a retry, or a run cut short by a shutdown). */
export const FAIL_EXPORT = `
UPDATE ledger_views.exports
   SET status = $2, error = $3, updated_at = $4::timestamptz,
       finished_at = CASE WHEN $2 = 'failed' THEN $4::timestamptz END
 WHERE id = $1 AND status IN ('queued', 'running')`;
