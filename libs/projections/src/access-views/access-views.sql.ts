/**
 * The access_views projection's tables and statements. Every statement names its generation's schema
 * (`$schema`), filled in by `inSchema`; an UPDATE touches a row only when the event is past the row's
 * `position`, an INSERT only when the row is new, and the fill-ins only set what is still unknown, so a
 * batch applied twice gives the same rows.
 */

export function accessViewTables(schema: string): string {
  return `
CREATE TABLE ${schema}.access_datasets (
  dataset_id text PRIMARY KEY,
  organization_id text NOT NULL,
  title text NOT NULL,
  position bigint NOT NULL
);

CREATE TABLE ${schema}.access_applications (
  id text PRIMARY KEY,
  dataset_id text NOT NULL,
  organization_id text,
  applicant_principal text NOT NULL,
  status text NOT NULL,
  submitted_at timestamptz NOT NULL,
  supplement_requested_at timestamptz,
  supplemented_at timestamptz,
  decided_at timestamptz,
  outcome text CHECK (outcome IN ('approved', 'rejected')),
  reason_codes jsonb,
  withdrawn_at timestamptz,
  signed_at timestamptz,
  grant_id text,
  rulebook text NOT NULL,
  due_at timestamptz,
  queue_rank integer GENERATED ALWAYS AS (
    CASE status WHEN 'submitted' THEN 0 WHEN 'supplement_requested' THEN 1 ELSE 2 END
  ) STORED,
  queue_at timestamptz GENERATED ALWAYS AS (
    CASE status WHEN 'submitted' THEN due_at WHEN 'supplement_requested' THEN supplement_requested_at
         ELSE submitted_at END
  ) STORED,
  position bigint NOT NULL
);
CREATE INDEX access_applications_queue ON ${schema}.access_applications (queue_rank, queue_at, id);
CREATE INDEX access_applications_organization ON ${schema}.access_applications (organization_id);
CREATE INDEX access_applications_dataset ON ${schema}.access_applications (dataset_id);
CREATE INDEX access_applications_applicant ON ${schema}.access_applications (applicant_principal);

CREATE TABLE ${schema}.access_grants (
  id text PRIMARY KEY,
  application_id text NOT NULL,
  dataset_id text NOT NULL,
  organization_id text,
  grantee text NOT NULL,
  scope text NOT NULL,
  fields jsonb NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  reporting_interval text NOT NULL,
  rulebook text NOT NULL,
  status text NOT NULL,
  granted_at timestamptz NOT NULL,
  reports integer NOT NULL DEFAULT 0,
  last_reported_until timestamptz,
  next_report_due_at timestamptz,
  suspended_at timestamptz,
  revoked_at timestamptz,
  revocation_reason text,
  revocation_publicized boolean,
  violation_case_id text,
  expired_at timestamptz,
  position bigint NOT NULL
);
CREATE INDEX access_grants_organization ON ${schema}.access_grants (organization_id);
CREATE INDEX access_grants_dataset ON ${schema}.access_grants (dataset_id);
CREATE INDEX access_grants_grantee ON ${schema}.access_grants (grantee);

CREATE TABLE ${schema}.access_violations (
  id text PRIMARY KEY,
  status text NOT NULL,
  source text NOT NULL,
  grant_id text,
  principal text,
  dataset_id text,
  organization_id text,
  access_event_id text,
  reported_at timestamptz NOT NULL,
  investigation_opened_at timestamptz,
  sanction text,
  publicize boolean,
  closed_at timestamptz,
  queue_rank integer GENERATED ALWAYS AS (
    CASE WHEN status IN ('reported', 'investigating') THEN 0 ELSE 1 END
  ) STORED,
  position bigint NOT NULL
);
CREATE INDEX access_violations_queue ON ${schema}.access_violations (queue_rank, reported_at, id);
CREATE INDEX access_violations_organization ON ${schema}.access_violations (organization_id);
CREATE INDEX access_violations_grant ON ${schema}.access_violations (grant_id);
CREATE INDEX access_violations_dataset ON ${schema}.access_violations (dataset_id);

CREATE TABLE ${schema}.access_revocations (
  grant_id text PRIMARY KEY,
  dataset_id text NOT NULL,
  dataset_title text,
  organization_id text,
  revoked_at timestamptz NOT NULL,
  reason text NOT NULL,
  violation_case_id text,
  sanction text,
  position bigint NOT NULL
);
CREATE INDEX access_revocations_order ON ${schema}.access_revocations (revoked_at DESC, grant_id DESC);
CREATE INDEX access_revocations_dataset ON ${schema}.access_revocations (dataset_id);

CREATE TABLE ${schema}.access_detections (
  id text PRIMARY KEY,
  access_event_id text NOT NULL,
  dataset_id text NOT NULL,
  organization_id text,
  principal text NOT NULL,
  grant_id text,
  reason text NOT NULL,
  fields jsonb,
  detected_at timestamptz NOT NULL,
  violation_case_id text,
  position bigint NOT NULL
);
CREATE INDEX access_detections_order ON ${schema}.access_detections (position DESC);
CREATE INDEX access_detections_organization ON ${schema}.access_detections (organization_id);
CREATE INDEX access_detections_access_event ON ${schema}.access_detections (access_event_id);
CREATE INDEX access_detections_dataset ON ${schema}.access_detections (dataset_id);
`;
}

export const ACCESS_VIEW_TABLES = [
  'access_datasets',
  'access_applications',
  'access_grants',
  'access_violations',
  'access_revocations',
  'access_detections',
] as const;

/** Puts the generation's schema into a statement written with `$schema.`. */
export function inSchema(sql: string, schema: string): string {
  return sql.replaceAll('$schema.', `${schema}.`);
}

const organizationOf = (datasetParam: string) =>
  `(SELECT organization_id FROM $schema.access_datasets WHERE dataset_id = ${datasetParam})`;

export const INSERT_DATASET = `
INSERT INTO $schema.access_datasets (dataset_id, organization_id, title, position)
VALUES ($1, $2, $3, $4)
ON CONFLICT (dataset_id) DO NOTHING`;

/**
 * What was recorded about a dataset before its registration reached this view gets its organisation
 * (and a revocation notice the dataset's title) now, in one statement. $1 dataset · $2 organisation · $3 title.
 */
export const FILL_IN_DATASET = `
WITH applications AS (
  UPDATE $schema.access_applications SET organization_id = $2 WHERE dataset_id = $1 AND organization_id IS NULL
), grants AS (
  UPDATE $schema.access_grants SET organization_id = $2 WHERE dataset_id = $1 AND organization_id IS NULL
), violations AS (
  UPDATE $schema.access_violations SET organization_id = $2 WHERE dataset_id = $1 AND organization_id IS NULL
), detections AS (
  UPDATE $schema.access_detections SET organization_id = $2 WHERE dataset_id = $1 AND organization_id IS NULL
)
UPDATE $schema.access_revocations
   SET organization_id = COALESCE(organization_id, $2), dataset_title = COALESCE(dataset_title, $3)
 WHERE dataset_id = $1 AND (organization_id IS NULL OR dataset_title IS NULL)`;

/** $1 id · $2 dataset · $3 applicant principal · $4 submitted at · $5 rulebook · $6 review due · $7 position. */
export const INSERT_APPLICATION = `
INSERT INTO $schema.access_applications
  (id, dataset_id, organization_id, applicant_principal, status, submitted_at, rulebook, due_at, position)
VALUES ($1, $2, ${organizationOf('$2')}, $3, 'submitted', $4::timestamptz, $5, $6::timestamptz, $7)
ON CONFLICT (id) DO NOTHING`;

/** The review clock stops while the applicant is asked for more: no due time. $1 id · $2 at · $3 position. */
export const REQUEST_SUPPLEMENT = `
UPDATE $schema.access_applications
   SET status = 'supplement_requested', supplement_requested_at = $2::timestamptz, due_at = NULL, position = $3
 WHERE id = $1 AND position < $3`;

/** The answers start the review clock again. $1 id · $2 at · $3 rulebook · $4 review due · $5 position. */
export const SUPPLEMENT = `
UPDATE $schema.access_applications
   SET status = 'submitted', supplemented_at = $2::timestamptz, rulebook = $3, due_at = $4::timestamptz,
       position = $5
 WHERE id = $1 AND position < $5`;

/**
 * Approved or rejected: the clock stops, and its due time stays to say whether the decision came in
 * time. $1 id · $2 outcome · $3 at · $4 reason codes (JSON, rejections) · $5 position.
 */
export const DECIDE = `
UPDATE $schema.access_applications
   SET status = $2, outcome = $2, decided_at = $3::timestamptz, reason_codes = $4::jsonb, position = $5
 WHERE id = $1 AND position < $5`;

/** $1 id · $2 at · $3 position. */
export const WITHDRAW_APPLICATION = `
UPDATE $schema.access_applications
   SET status = 'withdrawn', withdrawn_at = $2::timestamptz, position = $3
 WHERE id = $1 AND position < $3`;

/** $1 id · $2 at · $3 grant · $4 position. */
export const SIGN_AGREEMENT = `
UPDATE $schema.access_applications
   SET status = 'agreement_signed', signed_at = $2::timestamptz, grant_id = $3, position = $4
 WHERE id = $1 AND position < $4`;

/**
 * $1 id · $2 application · $3 dataset · $4 grantee · $5 scope · $6 fields (JSON) · $7 valid from ·
 * $8 valid until · $9 reporting interval · $10 rulebook · $11 granted at · $12 first report due · $13 position.
 */
export const INSERT_GRANT = `
INSERT INTO $schema.access_grants
  (id, application_id, dataset_id, organization_id, grantee, scope, fields, valid_from, valid_until,
   reporting_interval, rulebook, status, granted_at, next_report_due_at, position)
VALUES ($1, $2, $3, ${organizationOf('$3')}, $4, $5, $6::jsonb, $7::timestamptz, $8::timestamptz,
        $9, $10, 'active', $11::timestamptz, $12::timestamptz, $13)
ON CONFLICT (id) DO NOTHING`;

/** A violation reported about this grant before the grant reached this view learns its dataset and principal. $1 grant. */
export const FILL_IN_VIOLATIONS_OF_GRANT = `
UPDATE $schema.access_violations AS violation
   SET dataset_id = COALESCE(violation.dataset_id, grant_row.dataset_id),
       principal = COALESCE(violation.principal, grant_row.grantee),
       organization_id = COALESCE(violation.organization_id, grant_row.organization_id)
  FROM $schema.access_grants AS grant_row
 WHERE grant_row.id = $1 AND violation.grant_id = $1
   AND (violation.dataset_id IS NULL OR violation.principal IS NULL OR violation.organization_id IS NULL)`;

/**
 * A report counts from the end of the latest period reported on (an older period reported late moves
 * nothing). $1 id · $2 period until · $3 next report due after it · $4 position.
 */
export const REPORT_USAGE = `
UPDATE $schema.access_grants
   SET reports = reports + 1,
       next_report_due_at = CASE
         WHEN status IN ('revoked', 'expired') THEN NULL
         WHEN last_reported_until IS NULL OR last_reported_until < $2::timestamptz THEN $3::timestamptz
         ELSE next_report_due_at END,
       last_reported_until = GREATEST(last_reported_until, $2::timestamptz),
       position = $4
 WHERE id = $1 AND position < $4`;

/** $1 id · $2 status (suspended | active) · $3 at · $4 position. */
export const SUSPEND_OR_REINSTATE_GRANT = `
UPDATE $schema.access_grants
   SET status = $2, suspended_at = CASE WHEN $2 = 'suspended' THEN $3::timestamptz ELSE suspended_at END,
       position = $4
 WHERE id = $1 AND position < $4`;

/** Closed for good: no report is due any more. $1 id · $2 at · $3 reason · $4 publicized · $5 violation case · $6 position. */
export const REVOKE_GRANT = `
UPDATE $schema.access_grants
   SET status = 'revoked', revoked_at = $2::timestamptz, revocation_reason = $3, revocation_publicized = $4,
       violation_case_id = $5, next_report_due_at = NULL, position = $6
 WHERE id = $1 AND position < $6`;

/**
 * The public notice of a revocation made public: what was closed, on which dataset, when and why, and
 * the sanction of the confirmed violation behind it — never the grantee. $1 grant · $2 at · $3 reason ·
 * $4 violation case · $5 position.
 */
export const INSERT_REVOCATION = `
INSERT INTO $schema.access_revocations
  (grant_id, dataset_id, dataset_title, organization_id, revoked_at, reason, violation_case_id, sanction, position)
SELECT grant_row.id, grant_row.dataset_id, dataset.title, COALESCE(grant_row.organization_id, dataset.organization_id),
       $2::timestamptz, $3::text, $4::text,
       (SELECT sanction FROM $schema.access_violations WHERE id = $4::text AND status = 'confirmed'),
       $5::bigint
  FROM $schema.access_grants AS grant_row
  LEFT JOIN $schema.access_datasets AS dataset ON dataset.dataset_id = grant_row.dataset_id
 WHERE grant_row.id = $1
ON CONFLICT (grant_id) DO NOTHING`;

/** A violation confirmed after the revocation it caused was made public. $1 violation case · $2 sanction. */
export const FILL_IN_SANCTION = `
UPDATE $schema.access_revocations SET sanction = $2 WHERE violation_case_id = $1 AND sanction IS NULL`;

/** $1 id · $2 at · $3 position. */
export const EXPIRE_GRANT = `
UPDATE $schema.access_grants
   SET status = 'expired', expired_at = $2::timestamptz, next_report_due_at = NULL, position = $3
 WHERE id = $1 AND position < $3`;

/**
 * The dataset and principal as reported, else those of the grant it names. $1 id · $2 source · $3 grant ·
 * $4 principal · $5 dataset · $6 access event · $7 reported at · $8 position.
 */
export const INSERT_VIOLATION = `
WITH grant_row AS (SELECT dataset_id, grantee FROM $schema.access_grants WHERE id = $3),
     concerned AS (
       SELECT COALESCE($5::text, (SELECT dataset_id FROM grant_row)) AS dataset_id,
              COALESCE($4::text, (SELECT grantee FROM grant_row)) AS principal
     )
INSERT INTO $schema.access_violations
  (id, status, source, grant_id, principal, dataset_id, organization_id, access_event_id, reported_at, position)
SELECT $1::text, 'reported', $2::text, $3::text, concerned.principal, concerned.dataset_id,
       (SELECT organization_id FROM $schema.access_datasets WHERE dataset_id = concerned.dataset_id),
       $6::text, $7::timestamptz, $8::bigint
  FROM concerned
ON CONFLICT (id) DO NOTHING`;

/** A case raised from a detection is named on it. $1 access event · $2 violation case. */
export const LINK_DETECTION = `
UPDATE $schema.access_detections SET violation_case_id = $2
 WHERE access_event_id = $1 AND violation_case_id IS NULL`;

/** $1 id · $2 at · $3 position. */
export const OPEN_INVESTIGATION = `
UPDATE $schema.access_violations
   SET status = CASE WHEN closed_at IS NULL THEN 'investigating' ELSE status END,
       investigation_opened_at = COALESCE(investigation_opened_at, $2::timestamptz), position = $3
 WHERE id = $1 AND position < $3`;

/** $1 id · $2 status (confirmed | dismissed) · $3 at · $4 sanction · $5 publicize · $6 position. */
export const CLOSE_VIOLATION = `
UPDATE $schema.access_violations
   SET status = $2, closed_at = $3::timestamptz, sanction = $4, publicize = $5, position = $6
 WHERE id = $1 AND position < $6`;

/**
 * The detection with the dataset's organisation and, when a case was raised from the same access
 * before this reached the view, that case. $1 id (the event's) · $2 access event · $3 dataset ·
 * $4 principal · $5 grant · $6 reason · $7 fields (JSON) · $8 detected at · $9 position.
 */
export const INSERT_DETECTION = `
INSERT INTO $schema.access_detections
  (id, access_event_id, dataset_id, organization_id, principal, grant_id, reason, fields, detected_at,
   violation_case_id, position)
VALUES ($1, $2, $3, ${organizationOf('$3')}, $4, $5, $6, $7::jsonb, $8::timestamptz,
        (SELECT id FROM $schema.access_violations WHERE access_event_id = $2 AND source = 'detection'
          ORDER BY reported_at, id LIMIT 1),
        $9)
ON CONFLICT (id) DO NOTHING`;
