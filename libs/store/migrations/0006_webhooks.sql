-- Webhook subscriptions and what was delivered to them (issue 5, "Jobs"). The webhooks reactor writes a
-- delivery row and a job-outbox row per matching subscription in the transaction that advances its
-- checkpoint, so an event is enqueued once per subscription across restarts; the delivery job updates
-- the row after every attempt. Neither table is part of the journal: ledger_app may change them, but
-- not delete from them (a removed subscription is marked deleted, so its deliveries stay readable).

CREATE TABLE ledger.webhook_subscriptions (
  id             text        COLLATE "C" PRIMARY KEY,
  -- https, or http to a loopback host (checked at the edge).
  url            text        NOT NULL CHECK (length(url) <= 2000),
  -- Journal event types, and LogCheckpointPublished for new transparency-log checkpoints.
  types          text[]      NOT NULL CHECK (cardinality(types) >= 1),
  -- The HMAC secret deliveries are signed with, sealed: 0x01 ‖ 12-byte IV ‖ AES-256-GCM ciphertext ‖
  -- 16-byte tag, under a key derived from LEDGER_MASTER_KEY by HKDF, the subscription id as associated
  -- data. Never returned by the API; the ledger needs it back to sign.
  sealed_secret  bytea       NOT NULL CHECK (length(sealed_secret) >= 1 + 12 + 16 + 16),
  -- The journal's head when the subscription was created: only events after it are delivered, so a
  -- reactor catching up (or starting on an old journal) never floods a new subscriber with history.
  from_position  bigint      NOT NULL CHECK (from_position >= -1),
  created_by     text        COLLATE "C" NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  deleted_by     text        COLLATE "C",
  deleted_at     timestamptz,
  CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);

CREATE TABLE ledger.webhook_deliveries (
  -- Paging order: the order in which deliveries were enqueued.
  seq              bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  subscription_id  text        COLLATE "C" NOT NULL REFERENCES ledger.webhook_subscriptions (id),
  -- The ledger event id (the CloudEvent's id), or checkpoint-<tree size> for a checkpoint.
  event_id         text        COLLATE "C" NOT NULL,
  event_type       text        COLLATE "C" NOT NULL,
  -- The event's globalPosition; the tree size for a checkpoint.
  position         bigint      NOT NULL CHECK (position >= 0),
  -- jobIdOf(subscription id, event id): the job-outbox row that carries it.
  job_id           text        COLLATE "C" NOT NULL UNIQUE,
  attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_status_code integer,
  last_error       text,
  last_attempt_at  timestamptz,
  delivered_at     timestamptz,
  -- When the runner will try again (null: delivered, given up, or not tried yet).
  next_attempt_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription_id, event_id)
);

COMMENT ON TABLE ledger.webhook_subscriptions IS
  'Webhook subscriptions (POST /v1/subscriptions). The secret is sealed under a key derived from LEDGER_MASTER_KEY.';
COMMENT ON TABLE ledger.webhook_deliveries IS
  'One row per event per subscription, written with the job-outbox row; updated after every delivery attempt.';

REVOKE ALL ON ledger.webhook_subscriptions, ledger.webhook_deliveries FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON ledger.webhook_subscriptions TO ledger_app;
GRANT SELECT, INSERT, UPDATE ON ledger.webhook_deliveries TO ledger_app;
