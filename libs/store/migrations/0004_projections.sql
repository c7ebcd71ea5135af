-- Read models (architecture.md §4). Projections fold the journal into tables the service's role owns,
-- since a rebuild creates a fresh generation of them (a schema `view_<projection>_<generation>`) and
-- swaps the stable views in `ledger_views` over to it. The journal stays read-and-insert only.

-- ledger_app creates the generation schemas.
DO $$
BEGIN
  EXECUTE format('GRANT CREATE ON DATABASE %I TO ledger_app', current_database());
END
$$;

CREATE SCHEMA IF NOT EXISTS ledger_views;
ALTER SCHEMA ledger_views OWNER TO ledger_app;

-- One row per projection: which generation readers see, and the version of its code that built it.
CREATE TABLE ledger_views.projections (
  name              text        COLLATE "C" PRIMARY KEY,
  active_generation integer     NOT NULL CHECK (active_generation >= 1),
  version           integer     NOT NULL CHECK (version >= 1),
  activated_at      timestamptz NOT NULL DEFAULT now()
);

-- How far each generation of each projection has applied the journal (-1: nothing yet). Advanced in
-- the transaction that applies a batch, by compare-and-set on the old value, so a second instance or
-- a stale batch rolls back instead of applying twice.
CREATE TABLE ledger_views.projection_checkpoints (
  name        text        COLLATE "C" NOT NULL,
  generation  integer     NOT NULL CHECK (generation >= 1),
  position    bigint      NOT NULL CHECK (position >= -1),
  version     integer     NOT NULL CHECK (version >= 1),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, generation)
);

ALTER TABLE ledger_views.projections OWNER TO ledger_app;
ALTER TABLE ledger_views.projection_checkpoints OWNER TO ledger_app;
