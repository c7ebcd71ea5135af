-- Per-person keys for the personal data the journal holds sealed (architecture.md §6). The journal
-- keeps only AES-256-GCM envelopes naming a `subject`; the key that opens them lives here, wrapped by
-- a key derived from LEDGER_MASTER_KEY. Erasing a person deletes their rows: every envelope sealed
-- under them stays in the journal, with its leaf hash, and nothing can open it again.
--
-- Unlike the journal and the log, this table exists to be deleted from: ledger_app may DELETE, and
-- no trigger stands in the way.

CREATE TABLE ledger.personal_data_keys (
  -- A random UUID: the `subject` of every envelope sealed under this key, meaningless once erased.
  subject         text        COLLATE "C" PRIMARY KEY,
  -- HMAC-SHA-256 of the normalised contact under a key derived from the master key, so a second
  -- filing (and an erasure) by the same contact finds this key. Never the contact, nor an unkeyed
  -- hash of it: without the master key the column links nobody. NULL when the filing named no contact.
  contact_lookup  bytea       UNIQUE CHECK (length(contact_lookup) = 32),
  -- The principal who filed, when logged in.
  principal_id    text        COLLATE "C",
  -- 0x01 ‖ 12-byte IV ‖ the 32-byte key under AES-256-GCM ‖ 16-byte tag, with the subject as
  -- associated data, under a key-encryption key derived from the master key by HKDF.
  wrapped_key     bytea       NOT NULL CHECK (length(wrapped_key) = 61),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- One key per logged-in principal for what it files without a contact, so concurrent first filings
-- agree on it (INSERT … ON CONFLICT DO NOTHING infers this index).
CREATE UNIQUE INDEX personal_data_keys_principal_only
  ON ledger.personal_data_keys (principal_id)
  WHERE contact_lookup IS NULL;

-- Erasure by principal removes every key that principal filed under, with or without a contact.
CREATE INDEX personal_data_keys_by_principal
  ON ledger.personal_data_keys (principal_id)
  WHERE principal_id IS NOT NULL;

-- An erased row's bytes stay in the table file until VACUUM frees the space and a later insert
-- overwrites it. The default thresholds would leave a small table unvacuumed through many erasures;
-- vacuum it after every one (autovacuum looks every autovacuum_naptime, a minute by default).
ALTER TABLE ledger.personal_data_keys SET (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0);

COMMENT ON TABLE ledger.personal_data_keys IS
  'Per-person keys of sealed personal data, wrapped by LEDGER_MASTER_KEY. Erasure deletes rows; ledger_app may SELECT, INSERT and DELETE.';

REVOKE ALL ON ledger.personal_data_keys FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON ledger.personal_data_keys TO ledger_app;
