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

/**
 * What the service role needs of the database itself (0004_projections.sql: it creates the schemas of
 * projection generations), granted again at every start when missing: a grant on the database is no
 * object in it, so `pg_dump` of the database leaves it out (it writes one only with --create) and a
 * ledger restored into a new database would serve but fail its first projection rebuild.
 */
export const ENSURE_DATABASE_GRANTS = `
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${SERVICE_ROLE}')
     AND NOT has_database_privilege('${SERVICE_ROLE}', current_database(), 'CREATE') THEN
    EXECUTE format('GRANT CREATE ON DATABASE %I TO ${SERVICE_ROLE}', current_database());
  END IF;
END
$$;`;

export const SERVER_ENCODING = `SHOW server_encoding`;
