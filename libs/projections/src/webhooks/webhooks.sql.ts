/** Webhook subscriptions and deliveries (migration 0006) and the job outbox rows that carry deliveries (0005). */

export const INSERT_SUBSCRIPTION = `
INSERT INTO ledger.webhook_subscriptions (id, url, types, sealed_secret, from_position, created_by)
VALUES ($1, $2, $3::text[], $4, $5, $6)
RETURNING id, url, types, from_position::text AS from_position, created_by, created_at`;

export const SELECT_ACTIVE_SUBSCRIPTIONS = `
SELECT id, url, types, from_position::text AS from_position, created_by, created_at
  FROM ledger.webhook_subscriptions
 WHERE deleted_at IS NULL AND ($1::text IS NULL OR id > $1)
 ORDER BY id
 LIMIT $2`;

/** Any subscription, deleted ones included (their deliveries stay readable). */
export const SELECT_SUBSCRIPTION = `
SELECT id, deleted_at FROM ledger.webhook_subscriptions WHERE id = $1`;

export const MARK_SUBSCRIPTION_DELETED = `
UPDATE ledger.webhook_subscriptions SET deleted_at = now(), deleted_by = $2
 WHERE id = $1 AND deleted_at IS NULL
RETURNING id`;

/** The active subscriptions to any of these types ($1), for the reactor and checkpoint deliveries. */
export const SELECT_SUBSCRIBERS = `
SELECT id, types, from_position::text AS from_position
  FROM ledger.webhook_subscriptions
 WHERE deleted_at IS NULL AND types && $1::text[]`;

/** $1: a JSON array of {subscription_id, event_id, event_type, position, job_id}. */
export const INSERT_DELIVERIES = `
INSERT INTO ledger.webhook_deliveries (subscription_id, event_id, event_type, position, job_id)
SELECT subscription_id, event_id, event_type, position, job_id
  FROM jsonb_to_recordset($1::jsonb)
    AS d(subscription_id text, event_id text, event_type text, position bigint, job_id text)
ON CONFLICT DO NOTHING`;

/** $1: a JSON array of {job_id, payload}; a job already in the outbox stays as it is. */
export const INSERT_OUTBOX_JOBS = `
INSERT INTO ledger_views.job_outbox (job_id, queue, payload, run_at)
SELECT job_id, 'webhooks', payload, now()
  FROM jsonb_to_recordset($1::jsonb) AS j(job_id text, payload jsonb)
ON CONFLICT (job_id) DO NOTHING`;

/** What a delivery job needs: where to, the sealed secret, and whether there is still anything to do. */
export const SELECT_DELIVERY_TARGET = `
SELECT s.url, s.sealed_secret, s.deleted_at, d.event_type, d.position::text AS position, d.attempts,
       d.delivered_at
  FROM ledger.webhook_deliveries d
  JOIN ledger.webhook_subscriptions s ON s.id = d.subscription_id
 WHERE d.subscription_id = $1 AND d.event_id = $2`;

/** $3: the status code (null on a network error); $5: delivered; $6: when the runner tries again. */
export const RECORD_ATTEMPT = `
UPDATE ledger.webhook_deliveries
   SET attempts = attempts + 1,
       last_status_code = $3,
       last_error = $4,
       last_attempt_at = now(),
       delivered_at = CASE WHEN $5::boolean THEN now() ELSE delivered_at END,
       next_attempt_at = $6::timestamptz
 WHERE subscription_id = $1 AND event_id = $2`;

export const SELECT_DELIVERIES = `
SELECT d.seq::text AS seq, d.event_id, d.event_type, d.position::text AS position, d.attempts,
       d.last_status_code, d.last_error, d.last_attempt_at, d.delivered_at, d.next_attempt_at, d.created_at,
       s.deleted_at IS NOT NULL AS cancelled
  FROM ledger.webhook_deliveries d
  JOIN ledger.webhook_subscriptions s ON s.id = d.subscription_id
 WHERE d.subscription_id = $1 AND d.seq > $2
 ORDER BY d.seq
 LIMIT $3`;
