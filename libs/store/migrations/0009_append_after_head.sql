-- A group commit in one round trip (libs/store/src/group-commit-writer.ts, its quick path): called as a
-- statement of its own, outside any transaction, it takes the journal's append lock, checks that the
-- journal still ends where the writer believes it does, inserts the rows the writer decided against
-- that head, announces the new head, and commits as the statement ends. The lock is then held for the
-- database's own work only, not for round trips to a process that may be busy with other work.
--
-- The head is named by its position and its event id: positions alone could match after another
-- process appended as many rows as a batch of this writer that failed, and the rows decided on top of
-- that batch would then be written against stream versions that never were. An event id is recorded
-- once, so the pair names one state of the journal.
--
-- Returns false, having written nothing, when the head is elsewhere; the writer then decides the batch
-- again against the journal as it is. Any other refusal (an event id recorded before, a stream version
-- taken) is an error, and the statement's implicit transaction writes nothing.
--
-- plpgsql runs each statement with a fresh snapshot (the function is VOLATILE), so the head is read
-- after the lock is granted and sees the commit of whoever held it before.
CREATE FUNCTION ledger.append_after_head(
  expected_head            bigint,
  expected_head_event_id   text,
  positions                bigint[],
  event_ids                text[],
  stream_ids               text[],
  stream_versions          integer[],
  types                    text[],
  recorded_at              timestamptz,
  actor_ids                text[],
  actor_organization_ids   text[],
  entries                  text,
  leaf_hashes              text[],
  fingerprints             text[]
) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  head_position bigint;
  head_event_id text;
BEGIN
  PERFORM pg_advisory_xact_lock(5194828001);
  SELECT e.global_position, e.event_id INTO head_position, head_event_id
    FROM ledger.events e ORDER BY e.global_position DESC LIMIT 1;
  IF coalesce(head_position, -1) <> expected_head
     OR head_event_id IS DISTINCT FROM expected_head_event_id THEN
    RETURN false;
  END IF;
  -- The entries travel as one text joined by newlines, as in INSERT_ENTRIES (journal.sql.ts).
  INSERT INTO ledger.events
    (global_position, event_id, stream_id, stream_version, type, recorded_at,
     actor_id, actor_organization_id, entry, leaf_hash, fingerprint)
  SELECT r.position, r.event_id, r.stream_id, r.stream_version, r.type, recorded_at,
         r.actor_id, r.actor_organization_id, r.entry, decode(r.leaf_hash, 'base64'), decode(r.fingerprint, 'hex')
    FROM unnest(positions, event_ids, stream_ids, stream_versions, types, actor_ids,
                actor_organization_ids, string_to_array(entries, E'\n'), leaf_hashes, fingerprints)
         AS r(position, event_id, stream_id, stream_version, type, actor_id,
              actor_organization_id, entry, leaf_hash, fingerprint);
  PERFORM pg_notify('ledger_appended', positions[cardinality(positions)]::text);
  RETURN true;
END
$$;

REVOKE ALL ON FUNCTION ledger.append_after_head FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ledger.append_after_head TO ledger_app;
