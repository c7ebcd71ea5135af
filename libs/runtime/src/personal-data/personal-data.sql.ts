/** The personal-data vault's statements (0003_personal_data.sql), as plain SQL. Bytes travel as base64. */

const KEY_COLUMNS = `subject, wrapped_key`;

export const SELECT_KEY_BY_CONTACT = `
SELECT ${KEY_COLUMNS}
  FROM ledger.personal_data_keys
 WHERE contact_lookup = decode($1, 'base64')`;

/** A principal's own key: what it filed without naming a contact. */
export const SELECT_KEY_BY_PRINCIPAL = `
SELECT ${KEY_COLUMNS}
  FROM ledger.personal_data_keys
 WHERE principal_id = $1 AND contact_lookup IS NULL`;

export const SELECT_KEYS = `
SELECT ${KEY_COLUMNS}
  FROM ledger.personal_data_keys
 WHERE subject = ANY($1::text[])`;

/** One key, to prove at start-up that the master key is the one the stored keys were wrapped with. */
export const SELECT_ANY_KEY = `
SELECT ${KEY_COLUMNS}
  FROM ledger.personal_data_keys
 LIMIT 1`;

/**
 * A new key for a contact, unless a concurrent filing by the same contact got there first: then
 * nothing is inserted, no row comes back, and the caller reads the winner's key (a new statement,
 * so under READ COMMITTED it sees the other transaction's committed row).
 */
export const INSERT_CONTACT_KEY = `
INSERT INTO ledger.personal_data_keys (subject, contact_lookup, principal_id, wrapped_key)
VALUES ($1, decode($2, 'base64'), $3, decode($4, 'base64'))
ON CONFLICT (contact_lookup) DO NOTHING
RETURNING subject`;

/** The same for a principal's own key (the partial unique index personal_data_keys_principal_only). */
export const INSERT_PRINCIPAL_KEY = `
INSERT INTO ledger.personal_data_keys (subject, principal_id, wrapped_key)
VALUES ($1, $2, decode($3, 'base64'))
ON CONFLICT (principal_id) WHERE contact_lookup IS NULL DO NOTHING
RETURNING subject`;

/** A key for one filing that named nobody: nothing can find it again but its subject. */
export const INSERT_FILING_KEY = `
INSERT INTO ledger.personal_data_keys (subject, wrapped_key)
VALUES ($1, decode($2, 'base64'))`;

/** Erasure: every key of the contact and every key the principal filed under. Either may be NULL. */
export const DELETE_KEYS = `
DELETE FROM ledger.personal_data_keys
 WHERE contact_lookup = decode($1, 'base64')
    OR principal_id = $2
RETURNING subject`;
