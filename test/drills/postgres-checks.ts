import type { Pool } from 'pg';
import { AppendLoad, call, LedgerEndpoint } from './append-load';
import { n, sleep } from './drill-processes';

/** What the PostgreSQL drills (restart, backup and restore) and their CI versions check. */

export interface ProbeFigures {
  statuses: Map<number, number>;
  /** `GET /path` answered 503 without Retry-After. */
  withoutRetryAfter: string[];
  /** `GET /path 500`: any 5xx other than 503. */
  serverErrors: string[];
  unanswered: number;
}

export function emptyProbeFigures(): ProbeFigures {
  return { statuses: new Map(), withoutRetryAfter: [], serverErrors: [], unanswered: 0 };
}

/**
 * A read of every kind the API serves from the database — the journal, a stream, a fold, a view, the
 * log and its proofs, exports, jobs, a command, a key the directory has not seen — as platform admin.
 */
export const PROBES: { method: string; path: string; token?: string; body?: unknown }[] = [
  { method: 'GET', path: '/v1/events?limit=5' },
  { method: 'GET', path: '/v1/streams/organization-drill-body/events' },
  { method: 'GET', path: '/v1/datasets?limit=5' },
  { method: 'GET', path: '/v1/public/open-list' },
  { method: 'GET', path: '/v1/datasets/drill-probe' },
  { method: 'GET', path: '/v1/corrections' },
  { method: 'GET', path: '/v1/log/checkpoint' },
  { method: 'GET', path: '/v1/log/checkpoints' },
  { method: 'GET', path: '/v1/log/proofs/consistency?from=1' },
  { method: 'GET', path: '/v1/log/proofs/inclusion?position=0&treeSize=1' },
  { method: 'POST', path: '/v1/log/checkpoints' },
  { method: 'GET', path: '/v1/audit-trail?type=OrganizationRegistered' },
  { method: 'POST', path: '/v1/exports', body: { type: ['OrganizationRegistered'], format: 'ndjson' } },
  { method: 'GET', path: '/v1/admin/jobs' },
  { method: 'POST', path: '/v1/organizations', body: { id: 'drill-probe-body', name: 'Probe body' } },
  { method: 'GET', path: '/v1/events?limit=1', token: 'odl_not-a-key-the-directory-knows-0123456789' },
];

/** Sends every probe once and counts the answers. */
export async function probeReads(ledger: LedgerEndpoint, figures: ProbeFigures): Promise<void> {
  await Promise.all(
    PROBES.map(async (probe) => {
      const what = `${probe.method} ${probe.path.split('?')[0]}`;
      try {
        const answer = await call(ledger, probe.method, probe.path, { token: probe.token, body: probe.body });
        figures.statuses.set(answer.status, (figures.statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 503 && !answer.headers.get('retry-after')) figures.withoutRetryAfter.push(what);
        if (answer.status >= 500 && answer.status !== 503)
          figures.serverErrors.push(`${what} ${answer.status}`);
      } catch {
        figures.unanswered += 1;
      }
    }),
  );
}

export interface JournalFacts {
  /** Acknowledged ids found in the journal. */
  found: number;
  /** Acknowledged ids found at another position than acknowledged, or more than once. */
  movedOrDuplicated: number;
  /** CloudEvents the ledger did not acknowledge (503, no answer). */
  refused: number;
  /** …that are in the journal nevertheless (the commit went through, the answer did not). */
  refusedButRecorded: number;
  rows: number;
  head: number;
  distinctIds: number;
  registrations: number;
}

/** Compares every acknowledged id with the journal. */
export async function journalFacts(db: Pool, load: AppendLoad): Promise<JournalFacts> {
  const acknowledged = [...load.acknowledged.keys()];
  const { rows: found } = await db.query<{ event_id: string; positions: string[] }>(
    `SELECT event_id, array_agg(global_position::text) AS positions FROM ledger.events
      WHERE event_id = ANY($1) GROUP BY event_id`,
    [acknowledged],
  );
  const movedOrDuplicated = found.filter(
    (row) => row.positions.length !== 1 || Number(row.positions[0]) !== load.positions.get(row.event_id),
  ).length;
  const refusedIds = [...load.sentIds].filter((id) => !load.acknowledged.has(id));
  const [{ recorded }] = (
    await db.query<{ recorded: string }>(
      `SELECT count(*)::text AS recorded FROM ledger.events WHERE event_id = ANY($1)`,
      [refusedIds],
    )
  ).rows;
  const [journal] = (
    await db.query<{ rows: string; head: string; ids: string; registrations: string }>(
      `SELECT count(*)::text AS rows, coalesce(max(global_position), -1)::text AS head,
              count(DISTINCT event_id)::text AS ids,
              count(*) FILTER (WHERE type = 'DatasetRegistered')::text AS registrations
         FROM ledger.events`,
    )
  ).rows;
  return {
    found: found.length,
    movedOrDuplicated,
    refused: refusedIds.length,
    refusedButRecorded: Number(recorded),
    rows: Number(journal.rows),
    head: Number(journal.head),
    distinctIds: Number(journal.ids),
    registrations: Number(journal.registrations),
  };
}

/** POST /v1/exports of every OrganizationRegistered and DatasetRegistered: a long export, as a job (status 0: no answer). */
export async function askExport(ledger: LedgerEndpoint): Promise<{ id?: string; status: number }> {
  try {
    const answer = await call(ledger, 'POST', '/v1/exports', {
      body: { type: ['OrganizationRegistered', 'DatasetRegistered'], format: 'ndjson' },
    });
    return { id: answer.body?.id, status: answer.status };
  } catch {
    return { status: 0 };
  }
}

/** The status of each export row (`done`, `queued`, `running`, `failed`), by id. */
export async function exportStatuses(db: Pool, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; status: string }>(
    `SELECT id, status FROM ledger_views.exports WHERE id = ANY($1)`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}

/** Jobs the runner counts failed for good, per queue (GET /v1/admin/jobs). */
export async function failedJobs(ledger: LedgerEndpoint): Promise<Map<string, number>> {
  const answer = await call<{ queues: Record<string, { failed: number }> | null; queuesError?: string }>(
    ledger,
    'GET',
    '/v1/admin/jobs',
  );
  if (answer.status !== 200 || !answer.body.queues) {
    throw new Error(`GET /v1/admin/jobs: ${answer.status} ${answer.body.queuesError ?? ''}`);
  }
  return new Map(Object.entries(answer.body.queues).map(([queue, counts]) => [queue, counts.failed]));
}

export interface WorkerState {
  head: number;
  /** Each projection's applied position. */
  checkpoints: Map<string, number>;
  treeSize: number;
  outboxOpenDue: number;
  catalogueRows: number;
}

export async function workerState(db: Pool): Promise<WorkerState> {
  const [head] = (
    await db.query<{ head: string; tree: string; due: string; catalogue: string }>(
      `SELECT (SELECT coalesce(max(global_position), -1) FROM ledger.events)::text AS head,
              (SELECT tree_size FROM ledger.log_tree)::text AS tree,
              (SELECT count(*) FROM ledger_views.job_outbox WHERE completed_at IS NULL AND run_at <= now())::text AS due,
              (SELECT count(*) FROM ledger_views.datasets)::text AS catalogue`,
    )
  ).rows;
  const { rows } = await db.query<{ name: string; position: string }>(
    `SELECT p.name, c.position::text AS position FROM ledger_views.projections p
       JOIN ledger_views.projection_checkpoints c ON c.name = p.name AND c.generation = p.active_generation`,
  );
  return {
    head: Number(head.head),
    checkpoints: new Map(rows.map((row) => [row.name, Number(row.position)])),
    treeSize: Number(head.tree),
    outboxOpenDue: Number(head.due),
    catalogueRows: Number(head.catalogue),
  };
}

export function describeWorker(state: WorkerState): string {
  const behind = [...state.checkpoints].filter(([, position]) => position < state.head);
  return (
    `head ${n(state.head)}; projections ${behind.length === 0 ? 'all at the head' : behind.map(([name, p]) => `${name} ${n(state.head - p)} behind`).join(', ')}; ` +
    `log tree ${n(state.treeSize)}; job outbox ${n(state.outboxOpenDue)} due and open`
  );
}

/**
 * Waits until every projection is at the journal's head, the log's tree covers it, nothing due is
 * open in the job outbox and `delivered()` (the webhooks) holds.
 */
export async function waitForWorker(
  db: Pool,
  delivered: () => boolean | Promise<boolean>,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<{ caughtUp: boolean; at: number; describe: string; catalogueRows: number }> {
  const started = Date.now();
  let lastProgress = Date.now();
  let state: WorkerState | undefined;
  while (Date.now() - started < timeoutMs) {
    state = await workerState(db).catch(() => undefined);
    if (
      state &&
      [...state.checkpoints.values()].every((position) => position === state!.head) &&
      state.checkpoints.size > 0 &&
      state.treeSize === state.head + 1 &&
      state.outboxOpenDue === 0 &&
      (await delivered())
    ) {
      return {
        caughtUp: true,
        at: Date.now(),
        describe: describeWorker(state),
        catalogueRows: state.catalogueRows,
      };
    }
    if (Date.now() - lastProgress >= 2_000) {
      lastProgress = Date.now();
      progress(state ? describeWorker(state) : 'the database does not answer');
    }
    await sleep(200);
  }
  return {
    caughtUp: false,
    at: Date.now(),
    describe: state ? describeWorker(state) : 'the database does not answer',
    catalogueRows: state?.catalogueRows ?? -1,
  };
}
