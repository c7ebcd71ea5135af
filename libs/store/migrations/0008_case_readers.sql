-- Who besides the roles that read everything may read a case stream (http-api.md, "Reading the
-- journal"): the body whose dataset the case concerns, and for an application or a grant the data user
-- it belongs to. Folded from the journal by the API (apps/ledger/src/access/case-index.ts) and read by
-- the journal's scoped reads as a condition, so no process keeps a list of every case in memory.
-- Not part of the journal: it can be rebuilt from it at any time (drop the rows, reset the position).
-- Written idempotently: two API instances folding the same events write the same rows.

-- Which body registered each dataset: a case names its dataset, not the body.
CREATE TABLE ledger_views.dataset_organizations (
  dataset_id       text COLLATE "C" PRIMARY KEY,
  organization_id  text COLLATE "C" NOT NULL
);

-- One row per case stream (corrections, objections, applications, grants, violation cases, and each
-- dataset's usage and detection streams): the body that may read it, and the data user who owns it.
CREATE TABLE ledger_views.case_readers (
  stream_id           text COLLATE "C" PRIMARY KEY,
  organization_id     text COLLATE "C",
  owner_principal_id  text COLLATE "C",
  CHECK (organization_id IS NOT NULL OR owner_principal_id IS NOT NULL)
);

CREATE INDEX case_readers_by_organization ON ledger_views.case_readers (organization_id, stream_id)
  WHERE organization_id IS NOT NULL;
CREATE INDEX case_readers_by_owner ON ledger_views.case_readers (owner_principal_id, stream_id)
  WHERE owner_principal_id IS NOT NULL;

-- The journal position through which every case-opening event has been folded (-1: none yet). Only
-- ever raised, in the transaction that wrote the rows it covers.
CREATE TABLE ledger_views.case_readers_position (
  singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  applied_through  bigint  NOT NULL CHECK (applied_through >= -1)
);
INSERT INTO ledger_views.case_readers_position (applied_through) VALUES (-1);

ALTER TABLE ledger_views.dataset_organizations OWNER TO ledger_app;
ALTER TABLE ledger_views.case_readers OWNER TO ledger_app;
ALTER TABLE ledger_views.case_readers_position OWNER TO ledger_app;
