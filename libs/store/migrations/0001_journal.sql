-- The journal: one gapless, append-only table of canonical entries (architecture.md §1).
-- Runs as the database owner; the service then works as ledger_app, which may only read and insert.

CREATE SCHEMA IF NOT EXISTS ledger;

-- Roles belong to the cluster, not the database, so another ledger database may have made it already.
DO $$
BEGIN
  CREATE ROLE ledger_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

-- The owner connects and then works as ledger_app (SET ROLE), which needs membership.
DO $$
BEGIN
  GRANT ledger_app TO CURRENT_USER;
EXCEPTION WHEN unique_violation THEN
  NULL;
END
$$;

-- Identifiers compare byte for byte (COLLATE "C"): the same equality as any collation, and index
-- maintenance without locale-aware comparisons, which the append path would pay on every row.
CREATE TABLE ledger.events (
  global_position       bigint      PRIMARY KEY CHECK (global_position >= 0),
  event_id              text        COLLATE "C" NOT NULL UNIQUE,
  stream_id             text        COLLATE "C" NOT NULL,
  stream_version        integer     NOT NULL CHECK (stream_version >= 0),
  type                  text        COLLATE "C" NOT NULL,
  recorded_at           timestamptz NOT NULL,
  actor_id              text        COLLATE "C" NOT NULL,
  actor_organization_id text        COLLATE "C",
  -- RFC 8785 text of the whole entry: the exact bytes the leaf hash commits to. Never jsonb, which reorders keys.
  entry                 text        NOT NULL,
  leaf_hash             bytea       NOT NULL CHECK (length(leaf_hash) = 32),
  -- Decides whether a retry under the same event id is the same event.
  fingerprint           bytea       NOT NULL,
  UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_by_type ON ledger.events (type, global_position);

COMMENT ON TABLE ledger.events IS
  'The journal. Append-only: ledger_app may SELECT and INSERT only, and triggers refuse UPDATE, DELETE and TRUNCATE for everyone.';

CREATE FUNCTION ledger.refuse_journal_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger.events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Entries are never changed or removed; record a new event instead.';
END
$$;

CREATE TRIGGER events_are_never_updated_or_deleted
  BEFORE UPDATE OR DELETE ON ledger.events
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_journal_change();

CREATE TRIGGER events_are_never_truncated
  BEFORE TRUNCATE ON ledger.events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_journal_change();

REVOKE ALL ON ledger.events FROM PUBLIC;
GRANT USAGE ON SCHEMA ledger TO ledger_app;
GRANT SELECT, INSERT ON ledger.events TO ledger_app;
GRANT SELECT ON ledger.schema_migrations TO ledger_app;
