-- Long audit-trail exports as jobs (issue 5, "Jobs"). POST /v1/exports records AuditTrailExported (range
-- and checkpoint decided then), then writes a row here and a job-outbox row (queue `exports`, job id
-- jobIdOf('export', id)) in one transaction; the `exports` handler writes the file, updating progress as
-- it goes, and marks the row done or failed. Any API instance answers the status from this table. Not
-- part of the journal: the AuditTrailExported record is what proves who exported what.
CREATE TABLE ledger_views.exports (
  -- The export id: the AuditTrailExported stream is audit-<id>.
  id              text        COLLATE "C" PRIMARY KEY,
  -- The actor who asked: {"id","role","organizationId"?}.
  requested_by    jsonb       NOT NULL,
  -- What was decided at request time: {"filter","format","range","checkpointSize","trustedSize"?,"exportedAt"}.
  request         jsonb       NOT NULL,
  status          text        COLLATE "C" NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- Positions written so far, of progress_total.
  progress_done   bigint      NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
  progress_total  bigint      NOT NULL CHECK (progress_total >= 0),
  -- The file's name under <LEDGER_DATA_DIR>/exports once done.
  file_name       text,
  file_size       bigint,
  error           text,
  -- How many times the handler has started on it.
  attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE ledger_views.exports OWNER TO ledger_app;
