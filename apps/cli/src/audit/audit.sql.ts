/** What `ledger audit` reads (0001_journal.sql, 0002_transparency_log.sql), as plain SQL. Nothing here writes. */

/** Every read of one audit sees the same snapshot, so rows appended meanwhile cannot look like tampering. */
export const SNAPSHOT_TRANSACTION = `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`;

export const READ_LEDGER_TABLES = `
SELECT to_regclass('ledger.events') IS NOT NULL AS journal,
       to_regclass('ledger.log_tiles') IS NOT NULL
   AND to_regclass('ledger.log_tree') IS NOT NULL
   AND to_regclass('ledger.log_checkpoints') IS NOT NULL AS log`;

export const READ_OVERVIEW = `
SELECT (SELECT max(global_position) FROM ledger.events) AS head,
       (SELECT max(tree_size) FROM ledger.log_checkpoints) AS latest_checkpoint_size`;

export const READ_TREE_HEAD = `SELECT tree_size, root_hash FROM ledger.log_tree`;

/** One page of rows after a position (keyset on the primary key). */
export const READ_ENTRIES = `
SELECT global_position, event_id, stream_id, stream_version, type, recorded_at,
       actor_id, actor_organization_id, entry, leaf_hash
  FROM ledger.events
 WHERE global_position > $1
 ORDER BY global_position
 LIMIT $2`;

/** One page of (stream, version, position) after a stream version (keyset on UNIQUE (stream_id, stream_version)). */
export const READ_STREAM_VERSIONS = `
SELECT stream_id, stream_version, global_position
  FROM ledger.events
 WHERE (stream_id, stream_version) > ($1, $2)
 ORDER BY stream_id, stream_version
 LIMIT $3`;

export const READ_CHECKPOINTS = `
SELECT tree_size, root_hash, origin, verifier_key, note, signed_at
  FROM ledger.log_checkpoints
 WHERE tree_size > $1
 ORDER BY tree_size
 LIMIT $2`;

export const READ_TILES = `
SELECT t.level, t.tile_index, t.hashes
  FROM unnest($1::int2[], $2::int8[]) AS wanted(level, tile_index)
  JOIN ledger.log_tiles t USING (level, tile_index)`;

export const READ_TILE_EXTENTS = `
SELECT level, max(tile_index) AS last_index
  FROM ledger.log_tiles
 GROUP BY level
 ORDER BY level`;
