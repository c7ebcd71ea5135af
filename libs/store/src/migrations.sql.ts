/** The migration runner's own bookkeeping; the migrations themselves are the numbered files in libs/store/migrations. */
export const CREATE_MIGRATIONS_TABLE = `
CREATE SCHEMA IF NOT EXISTS ledger;
CREATE TABLE IF NOT EXISTS ledger.schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);`;

/** Keeps two processes starting at once from applying the same migration twice. */
export const LOCK_MIGRATIONS = `SELECT pg_advisory_xact_lock(5194828002)`;

export const APPLIED_MIGRATIONS = `SELECT version, name FROM ledger.schema_migrations ORDER BY version`;

export const RECORD_MIGRATION = `INSERT INTO ledger.schema_migrations (version, name) VALUES ($1, $2)`;

/** The service works as this role once migrations are applied (see 0001_journal.sql). */
export const SERVICE_ROLE = 'ledger_app';

export const SERVER_ENCODING = `SHOW server_encoding`;
