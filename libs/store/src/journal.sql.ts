/** Every statement the journal runs, in one place, as plain SQL (PostgreSQL 15 and PGlite). */

/** NOTIFY channel on which every committed append announces the new head. */
export const APPENDED_CHANNEL = 'ledger_appended';

/**
 * Serialises appends across every process that writes to this database (released at commit), then
 * reads the head as the lock finds it; sent with BEGIN, one round trip. The head is a statement of its
 * own: under READ COMMITTED each statement of a script takes its snapshot when it starts, so this one
 * sees the commit of whoever held the lock before, where a statement that waited for the lock itself
 * would read with the snapshot it took before waiting.
 */
export const LOCK_JOURNAL_AND_READ_HEAD = `
SELECT pg_advisory_xact_lock(5194828001);
SELECT global_position AS position, event_id AS "eventId",
       floor(extract(epoch FROM recorded_at) * 1000) AS "recordedAtMs"
  FROM ledger.events ORDER BY global_position DESC LIMIT 1`;

/**
 * A group commit in one round trip (migration 0009_append_after_head.sql): under the append lock, the
 * rows are inserted and the head announced if the journal still ends at position $1 with event $2,
 * committed as the statement ends. `written` is false, and nothing written, when it ends elsewhere.
 * The rows' parameters ($3–$13) are INSERT_ENTRIES' $1–$11.
 */
export const APPEND_AFTER_HEAD = `
SELECT ledger.append_after_head($1::int8, $2::text, $3::int8[], $4::text[], $5::text[], $6::int4[],
         $7::text[], $8::timestamptz, $9::text[], $10::text[], $11::text, $12::text[], $13::text[]) AS written`;

/** The name PostgreSQL gave the UNIQUE (event_id) constraint of 0001_journal.sql. */
export const EVENT_ID_UNIQUE_CONSTRAINT = 'events_event_id_key';

/** Under the append lock: the current versions of streams ($1) and the entries recorded under event ids ($2). */
export const READ_LOCKED_CONTEXT = `
SELECT
  (SELECT json_agg(json_build_object('streamId', s.stream_id, 'version', v.stream_version))
     FROM unnest($1::text[]) AS s(stream_id)
     CROSS JOIN LATERAL (SELECT e.stream_version FROM ledger.events e
                          WHERE e.stream_id = s.stream_id
                          ORDER BY e.stream_version DESC LIMIT 1) AS v) AS streams,
  (SELECT json_agg(json_build_object(
            'id', e.event_id, 'type', e.type, 'streamId', e.stream_id, 'streamVersion', e.stream_version,
            'globalPosition', e.global_position, 'leafHash', encode(e.leaf_hash, 'base64'),
            'fingerprint', encode(e.fingerprint, 'hex')))
     FROM ledger.events e WHERE e.event_id = ANY($2::text[])) AS recorded`;

/**
 * A multi-row insert, one array per column; every row of a group commit shares its recorded time.
 * The entries, the bulk of the bytes, travel as one text joined by newlines rather than as an array
 * literal: canonical JSON never holds a raw newline, and neither side then escapes every quote.
 */
export const INSERT_ENTRIES = `
INSERT INTO ledger.events
  (global_position, event_id, stream_id, stream_version, type, recorded_at,
   actor_id, actor_organization_id, entry, leaf_hash, fingerprint)
SELECT position, event_id, stream_id, stream_version, type, $6::timestamptz,
       actor_id, actor_organization_id, entry, decode(leaf_hash, 'base64'), decode(fingerprint, 'hex')
  FROM unnest($1::int8[], $2::text[], $3::text[], $4::int4[], $5::text[],
              $7::text[], $8::text[], string_to_array($9::text, E'\\n'), $10::text[], $11::text[])
       AS rows(position, event_id, stream_id, stream_version, type,
               actor_id, actor_organization_id, entry, leaf_hash, fingerprint)`;

/**
 * How a group commit writes its rows on PostgreSQL: binary COPY (postgres/journal-copy.ts writes the
 * tuples, in this column order), then ANNOUNCE_HEAD in the same transaction.
 */
export const COPY_ENTRIES = `
COPY ledger.events
  (global_position, event_id, stream_id, stream_version, type, recorded_at,
   actor_id, actor_organization_id, entry, leaf_hash, fingerprint)
FROM STDIN (FORMAT binary)`;

/** Announces the new head ($1) on APPENDED_CHANNEL; a NOTIFY sent in a transaction is delivered when it commits. */
export const ANNOUNCE_HEAD = `SELECT pg_notify('${APPENDED_CHANNEL}', $1::text)`;

const ENTRY_COLUMNS = `global_position, event_id, stream_id, stream_version, type,
       encode(leaf_hash, 'base64') AS leaf_hash, entry`;

/**
 * A stream's current version and a page of its entries, in one statement and so one snapshot: read
 * apart, an append committing in between could pair the old entries with the new version, and a
 * command would decide on a state that is not the one its expected version names.
 * No row: the stream does not exist; one row with NULL entry columns: no entries from that version on.
 */
export const READ_STREAM = `
SELECT current.stream_version AS current_version, page.*
  FROM (SELECT stream_version FROM ledger.events
         WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1) AS current
  LEFT JOIN LATERAL (
        SELECT ${ENTRY_COLUMNS}
          FROM ledger.events
         WHERE stream_id = $1 AND stream_version >= $2
         ORDER BY stream_version
         LIMIT $3) AS page ON true
 ORDER BY page.stream_version`;

/** Optional filters are NULL when unused; `pg` plans each execution with its values, so unused ones cost nothing. */
export const READ_ALL = `
SELECT ${ENTRY_COLUMNS}
  FROM ledger.events
 WHERE global_position >= $1
   AND ($2::int8 IS NULL OR global_position <= $2)
   AND ($3::text[] IS NULL OR type = ANY($3))
   AND ($4::text IS NULL OR stream_id = $4)
   AND ($5::text[] IS NULL OR stream_id LIKE ANY($5) OR stream_id = ANY($6::text[])
        OR EXISTS (SELECT 1 FROM ledger_views.case_readers r
                    WHERE r.stream_id = events.stream_id
                      AND (r.organization_id = $8 OR r.owner_principal_id = $9)))
 ORDER BY global_position
 LIMIT $7`;

/**
 * The entries recorded under any of these event ids (`event_id` is unique, so at most one each): how a
 * publisher's retry is recognised before its events are checked against the rules again.
 */
export const READ_BY_EVENT_IDS = `
SELECT ${ENTRY_COLUMNS}
  FROM ledger.events
 WHERE event_id = ANY($1::text[])
 ORDER BY global_position`;

export const READ_HEAD = `SELECT global_position FROM ledger.events ORDER BY global_position DESC LIMIT 1`;

/**
 * The last insert of an append, which also announces the new head ($12) on APPENDED_CHANNEL: sent in
 * the append's transaction, the notification reaches followers in every process when it commits.
 */
export const INSERT_ENTRIES_AND_ANNOUNCE = `
WITH appended AS (${INSERT_ENTRIES} RETURNING 1)
SELECT pg_notify('${APPENDED_CHANNEL}', $12::text) FROM (SELECT count(*) FROM appended) AS done`;
