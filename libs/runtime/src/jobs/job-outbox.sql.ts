/** The job outbox (migration 0005): written by reactors in their transaction, read by the outbox dispatcher. */

/** A job to run at `run_at`; a second insert of the same id (a batch applied again) changes nothing. */
export const INSERT_OUTBOX_JOB = `
INSERT INTO ledger_views.job_outbox (job_id, queue, payload, run_at)
VALUES ($1, $2, $3::jsonb, $4::timestamptz)
ON CONFLICT (job_id) DO NOTHING`;

/** Not completed, due by $1, and never handed over or handed over before $2 (lost, perhaps). */
export const DUE_OUTBOX_JOBS = `
SELECT job_id, queue, payload, run_at
  FROM ledger_views.job_outbox
 WHERE completed_at IS NULL AND run_at <= $1::timestamptz
   AND (dispatched_at IS NULL OR dispatched_at < $2::timestamptz)
 ORDER BY run_at, job_id
 LIMIT $3`;

export const MARK_OUTBOX_JOBS_DISPATCHED = `
UPDATE ledger_views.job_outbox SET dispatched_at = $2::timestamptz WHERE job_id = ANY($1::text[])`;

export const MARK_OUTBOX_JOB_STARTED = `
UPDATE ledger_views.job_outbox SET attempts = attempts + 1 WHERE job_id = $1`;

export const MARK_OUTBOX_JOB_COMPLETED = `
UPDATE ledger_views.job_outbox SET completed_at = $2::timestamptz WHERE job_id = $1 AND completed_at IS NULL`;

/** Per queue: rows waiting to be handed over, handed over and not completed, completed. */
export const OUTBOX_COUNTS = `
SELECT queue,
       count(*) FILTER (WHERE completed_at IS NULL AND dispatched_at IS NULL)::int AS pending,
       count(*) FILTER (WHERE completed_at IS NULL AND dispatched_at IS NOT NULL)::int AS dispatched,
       count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS completed,
       min(run_at) FILTER (WHERE completed_at IS NULL) AS next_run_at
  FROM ledger_views.job_outbox
 GROUP BY queue
 ORDER BY queue`;
