-- The transparency log over the journal (architecture.md §2): an RFC 9162 Merkle tree stored as tiles,
-- the tree's current size and root, and every checkpoint ever signed.

-- Tiles (C2SP tlog-tiles): a tile of level L holds up to 256 consecutive hashes of tree level 8L
-- (level 0: leaf hashes, in position order). Only the right-edge tile of each level grows; a full
-- tile (8,192 bytes) never changes. Derived from ledger.events, so `ledger audit` can rebuild and
-- compare them.
CREATE TABLE ledger.log_tiles (
  level      smallint NOT NULL CHECK (level >= 0),
  tile_index bigint   NOT NULL CHECK (tile_index >= 0),
  hashes     bytea    NOT NULL CHECK (length(hashes) BETWEEN 32 AND 8192 AND length(hashes) % 32 = 0),
  PRIMARY KEY (level, tile_index)
);

-- SHA-256 output does not compress: store it out of line without trying.
ALTER TABLE ledger.log_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL;

-- How far the tree has integrated the journal: its first tree_size entries, with this root.
CREATE TABLE ledger.log_tree (
  singleton      boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  tree_size      bigint      NOT NULL CHECK (tree_size >= 0),
  root_hash      bytea       NOT NULL CHECK (length(root_hash) = 32),
  integrated_at  timestamptz NOT NULL
);

INSERT INTO ledger.log_tree (tree_size, root_hash, integrated_at) VALUES (0, sha256(''::bytea), now());

-- Every signed checkpoint, kept: an auditor holding an old one can always ask for a consistency proof.
CREATE TABLE ledger.log_checkpoints (
  tree_size     bigint      PRIMARY KEY CHECK (tree_size >= 0),
  root_hash     bytea       NOT NULL CHECK (length(root_hash) = 32),
  origin        text        NOT NULL,
  verifier_key  text        NOT NULL,
  -- The C2SP signed note exactly as handed out.
  note          text        NOT NULL,
  signed_at     timestamptz NOT NULL
);

CREATE INDEX log_checkpoints_by_time ON ledger.log_checkpoints (signed_at);

CREATE FUNCTION ledger.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Checkpoints are never changed or removed once handed out.';
END
$$;

CREATE TRIGGER log_checkpoints_are_never_updated_or_deleted
  BEFORE UPDATE OR DELETE ON ledger.log_checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();

CREATE TRIGGER log_checkpoints_are_never_truncated
  BEFORE TRUNCATE ON ledger.log_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

-- Tiles only grow, keeping what they held, and the tree only grows: the service's own queries ask
-- for nothing else, and these triggers refuse anything else to everyone (short of disabling them).
CREATE FUNCTION ledger.refuse_tile_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE'
     OR length(NEW.hashes) <= length(OLD.hashes)
     OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes
     OR NEW.level <> OLD.level OR NEW.tile_index <> OLD.tile_index THEN
    RAISE EXCEPTION 'ledger.log_tiles only grow: % refused', TG_OP
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'A tile keeps every hash it held; run `ledger audit` if a tile is wrong.';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER log_tiles_only_grow
  BEFORE UPDATE OR DELETE ON ledger.log_tiles
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_tile_rewrite();

CREATE TRIGGER log_tiles_are_never_truncated
  BEFORE TRUNCATE ON ledger.log_tiles
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

CREATE FUNCTION ledger.refuse_tree_shrink() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.tree_size <= OLD.tree_size THEN
    RAISE EXCEPTION 'ledger.log_tree only grows: % refused', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER log_tree_only_grows
  BEFORE UPDATE OR DELETE ON ledger.log_tree
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_tree_shrink();

REVOKE ALL ON ledger.log_tiles, ledger.log_tree, ledger.log_checkpoints FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON ledger.log_tiles TO ledger_app;
GRANT SELECT, UPDATE ON ledger.log_tree TO ledger_app;
GRANT SELECT, INSERT ON ledger.log_checkpoints TO ledger_app;
