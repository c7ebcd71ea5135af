-- The job outbox (architecture.md §4): what a reactor decided must happen later (a deadline timer, a
-- webhook delivery) is written here in the transaction that advances the reactor's checkpoint, and
-- the outbox dispatcher hands each row to the job runner (BullMQ or in-process) until a handler has
-- completed it. Redis may lose a job (it keeps nothing on disk here); this table does not.
CREATE TABLE ledger_views.job_outbox (
  job_id        text        COLLATE "C" PRIMARY KEY,
  queue         text        COLLATE "C" NOT NULL,
  payload       jsonb       NOT NULL,
  -- Not before this time (a timer's due time; creation time for work to do at once).
  run_at        timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- Last handed to the runner; handed over again when long past and still not completed.
  dispatched_at timestamptz,
  completed_at  timestamptz,
  -- How many times a handler has started on it.
  attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0)
);

-- What the dispatcher scans: the rows not completed, by due time.
CREATE INDEX job_outbox_due ON ledger_views.job_outbox (run_at) WHERE completed_at IS NULL;

ALTER TABLE ledger_views.job_outbox OWNER TO ledger_app;
