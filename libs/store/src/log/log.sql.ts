/** The transparency log's statements (0002_transparency_log.sql), as plain SQL. */

/** Serialises integrating the tree and signing checkpoints across processes; released at commit. */
export const LOCK_LOG = `SELECT pg_advisory_xact_lock(5194828003)`;

export const READ_TREE_HEAD = `
SELECT tree_size, root_hash, integrated_at FROM ledger.log_tree`;

/**
 * The entries not yet in the tree, at most $2 from position $1, as one row: how many, the first and
 * last positions (the caller checks they are gapless), the first whose stored leaf hash is not its
 * entry's own, SHA-256(0x00 ‖ the entry's UTF-8 bytes), and the leaf hashes joined in position order.
 * The database hashes the entries where they lie and hands over 32 bytes per entry in one value:
 * neither the entries (~700 bytes each) nor a row per entry need travel to the sequencer.
 */
export const READ_LEAF_HASHES = `
SELECT count(*) AS leaves,
       min(global_position) AS first_position,
       max(global_position) AS last_position,
       min(global_position) FILTER (
         WHERE sha256('\\x00'::bytea || convert_to(entry, 'UTF8')) <> leaf_hash) AS first_mismatch,
       coalesce(string_agg(leaf_hash, ''::bytea ORDER BY global_position), ''::bytea) AS leaf_hashes
  FROM (SELECT global_position, leaf_hash, entry
          FROM ledger.events
         WHERE global_position >= $1
         ORDER BY global_position
         LIMIT $2) AS round`;

export const READ_TILES = `
SELECT t.level, t.tile_index, t.hashes
  FROM unnest($1::int2[], $2::int8[]) AS wanted(level, tile_index)
  JOIN ledger.log_tiles t USING (level, tile_index)`;

/**
 * Writes new tiles and grows partial ones. A tile only ever grows and keeps what it held: a write
 * that would shrink or change one updates nothing, and the caller sees fewer rows than it sent.
 */
export const WRITE_TILES = `
INSERT INTO ledger.log_tiles AS t (level, tile_index, hashes)
SELECT level, tile_index, decode(hashes, 'base64')
  FROM unnest($1::int2[], $2::int8[], $3::text[]) AS w(level, tile_index, hashes)
ON CONFLICT (level, tile_index) DO UPDATE
   SET hashes = EXCLUDED.hashes
 WHERE length(EXCLUDED.hashes) > length(t.hashes)
   AND substring(EXCLUDED.hashes FROM 1 FOR length(t.hashes)) = t.hashes
RETURNING level`;

/** Moves the tree forward, only from the size the integration started from. */
export const ADVANCE_TREE = `
UPDATE ledger.log_tree
   SET tree_size = $2, root_hash = decode($3, 'base64'), integrated_at = now()
 WHERE tree_size = $1
RETURNING tree_size`;

const CHECKPOINT_COLUMNS = `tree_size, root_hash, origin, verifier_key, note, signed_at`;

export const READ_LATEST_CHECKPOINT = `
SELECT ${CHECKPOINT_COLUMNS} FROM ledger.log_checkpoints ORDER BY tree_size DESC LIMIT 1`;

export const READ_CHECKPOINT = `
SELECT ${CHECKPOINT_COLUMNS} FROM ledger.log_checkpoints WHERE tree_size = $1`;

/** The smallest checkpoint covering a size: what an export of positions below it is proven against. */
export const READ_CHECKPOINT_COVERING = `
SELECT ${CHECKPOINT_COLUMNS} FROM ledger.log_checkpoints WHERE tree_size >= $1 ORDER BY tree_size LIMIT 1`;

export const LIST_CHECKPOINTS = `
SELECT ${CHECKPOINT_COLUMNS}
  FROM ledger.log_checkpoints
 WHERE tree_size >= $1
 ORDER BY tree_size
 LIMIT $2`;

export const INSERT_CHECKPOINT = `
INSERT INTO ledger.log_checkpoints (${CHECKPOINT_COLUMNS})
VALUES ($1, decode($2, 'base64'), $3, $4, $5, $6)`;
