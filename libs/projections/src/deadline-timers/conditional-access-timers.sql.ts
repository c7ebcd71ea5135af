/**
 * The conditional_access_timers reactor's own tables: the review rounds of each application (which
 * round a submission or supplement started), and each grant's reporting terms, the end of the period
 * reported on last, and whether it is closed (revoked or expired) — what the next usage timer needs.
 */

export const CONDITIONAL_ACCESS_TIMER_TABLES = ['access_timer_review_rounds', 'access_timer_grants'];

export function conditionalAccessTimerTables(schema: string): string {
  return `
CREATE TABLE ${schema}.access_timer_review_rounds (
  application_id text COLLATE "C" NOT NULL,
  round          integer NOT NULL,
  started_by     text COLLATE "C" NOT NULL UNIQUE,
  PRIMARY KEY (application_id, round)
);
CREATE TABLE ${schema}.access_timer_grants (
  grant_id           text COLLATE "C" PRIMARY KEY,
  valid_until        timestamptz NOT NULL,
  reporting_interval text NOT NULL,
  reported_until     timestamptz NOT NULL,
  closed             boolean NOT NULL DEFAULT false
);`;
}

/**
 * The next round of an application's review, started by event $2; nothing when that event already
 * started one (a batch applied again keeps the rounds it numbered).
 */
export function insertReviewRound(schema: string): string {
  return `
INSERT INTO ${schema}.access_timer_review_rounds (application_id, round, started_by)
SELECT $1, coalesce(max(round), 0) + 1, $2
  FROM ${schema}.access_timer_review_rounds
 WHERE application_id = $1
ON CONFLICT (started_by) DO NOTHING`;
}

export function selectReviewRound(schema: string): string {
  return `SELECT round FROM ${schema}.access_timer_review_rounds WHERE started_by = $1`;
}

/** A grant as granted: reporting is counted from its validFrom ($4) until a report moves it on. */
export function insertTimerGrant(schema: string): string {
  return `
INSERT INTO ${schema}.access_timer_grants (grant_id, valid_until, reporting_interval, reported_until)
VALUES ($1, $2::timestamptz, $3, $4::timestamptz)
ON CONFLICT (grant_id) DO NOTHING`;
}

export function selectTimerGrant(schema: string): string {
  return `
SELECT valid_until, reporting_interval, reported_until, closed
  FROM ${schema}.access_timer_grants
 WHERE grant_id = $1`;
}

/** A report reaching as far as ($2) or beyond the last moves the reporting on; an earlier period changes nothing. */
export function advanceTimerGrantReporting(schema: string): string {
  return `
UPDATE ${schema}.access_timer_grants SET reported_until = $2::timestamptz
 WHERE grant_id = $1 AND reported_until <= $2::timestamptz`;
}

export function closeTimerGrant(schema: string): string {
  return `UPDATE ${schema}.access_timer_grants SET closed = true WHERE grant_id = $1`;
}
