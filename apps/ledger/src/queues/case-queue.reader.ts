import { Inject, Injectable } from '@nestjs/common';
import type { DeadlineClock } from '@ledger/domain';
import { JOURNAL } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { caseClocks, CaseKind, deadlineOf } from '../filings/case-deadlines';
import { Problem } from '../http/problem';
import type { CaseQueueItemDto, CaseQueuePageDto } from './case-queue.dto';
import {
  SELECT_CASE_FIGURES,
  SELECT_OUTCOMES,
  SELECT_QUEUE_PAGE,
  SELECT_RELEASE_FIGURES,
} from './case-queue.sql';
import type {
  CorrectionFiguresDto,
  ObjectionFiguresDto,
  OrganizationStatisticsDto,
  ReleaseFiguresDto,
} from './statistics.dto';

/** The projection the queues and the figures read (libs/projections/src/case-queues). */
export const CASE_QUEUES_VIEW = 'case_queues';

export interface QueueFilter {
  status?: string;
  datasetId?: string;
  organizationId?: string;
  overdue?: boolean;
}

interface QueueRow {
  kind: CaseKind;
  id: string;
  dataset_id: string;
  organization_id: string | null;
  status: string;
  rulebook: string;
  outcome: string | null;
  release_version: number | null;
  filed_at: string;
  verification_started_at: string | null;
  resolved_at: string | null;
  suspended_at: string | null;
  verification_due_at: string;
  suspension_due_at: string | null;
  due_at: string;
  rank: number;
  position: string;
}

interface CaseFiguresRow {
  filed: number;
  decided: number;
  decided_in_time: number;
  decided_with_release: number;
  decide_median: number | null;
  decide_p90: number | null;
  suspended: number;
  suspended_in_time: number;
  suspend_median: number | null;
  overdue_now: number;
  open_now: number;
}

/** Runs the case_queues reads (case-queue.sql.ts) and shapes their rows for HTTP. */
@Injectable()
export class CaseQueueReader {
  constructor(@Inject(JOURNAL) private readonly journal: Journal) {}

  async page(
    kind: CaseKind,
    filter: QueueFilter,
    paging: { limit: number; cursor?: string },
    now: Date,
  ): Promise<CaseQueuePageDto> {
    const after = paging.cursor === undefined ? undefined : decodeCursor(paging.cursor);
    const rows = await this.journal.database.query<QueueRow>(SELECT_QUEUE_PAGE, [
      kind,
      filter.status ?? null,
      filter.datasetId ?? null,
      filter.organizationId ?? null,
      filter.overdue ?? null,
      now.toISOString(),
      after?.rank ?? null,
      after?.dueAt ?? null,
      after?.id ?? null,
      paging.limit + 1,
    ]);
    const page = rows.slice(0, paging.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => itemOf(row, now)),
      ...(rows.length > paging.limit && {
        next: encodeCursor({ rank: Number(last.rank), dueAt: last.due_at, id: last.id }),
      }),
    };
  }

  async statistics(
    organizationId: string,
    period: { from?: string; to: string },
    now: Date,
  ): Promise<OrganizationStatisticsDto> {
    const from = period.from ?? '-infinity';
    const [corrections, objections, releases] = await Promise.all([
      this.caseFigures(organizationId, 'correction', from, period.to, now),
      this.caseFigures(organizationId, 'objection', from, period.to, now),
      this.releaseFigures(organizationId, from, period.to),
    ]);
    return {
      organizationId,
      from: period.from ?? null,
      to: period.to,
      asOf: now.toISOString(),
      corrections: {
        ...corrections.figures,
        shareProducingRelease: share(corrections.withRelease, corrections.figures.resolved),
      } satisfies CorrectionFiguresDto,
      objections: {
        ...objections.figures,
        timeToSuspension: objections.suspension,
      } satisfies ObjectionFiguresDto,
      releases,
    };
  }

  private async caseFigures(organizationId: string, kind: CaseKind, from: string, to: string, now: Date) {
    const db = this.journal.database;
    const [[row], outcomes] = await Promise.all([
      db.query<CaseFiguresRow>(SELECT_CASE_FIGURES, [organizationId, kind, from, to, now.toISOString()]),
      db.query<{ outcome: string; count: number }>(SELECT_OUTCOMES, [organizationId, kind, from, to]),
    ]);
    return {
      figures: {
        filed: row.filed,
        resolved: row.decided,
        outcomes: Object.fromEntries(outcomes.map(({ outcome, count }) => [outcome, count])),
        timeToDecide: {
          decided: row.decided,
          medianSeconds: seconds(row.decide_median),
          p90Seconds: seconds(row.decide_p90),
          shareWithinDeadline: share(row.decided_in_time, row.decided),
        },
        openNow: row.open_now,
        overdueNow: row.overdue_now,
      },
      withRelease: row.decided_with_release,
      suspension: {
        suspended: row.suspended,
        medianSeconds: seconds(row.suspend_median),
        shareSameWorkingDay: share(row.suspended_in_time, row.suspended),
      },
    };
  }

  private async releaseFigures(organizationId: string, from: string, to: string): Promise<ReleaseFiguresDto> {
    const [row] = await this.journal.database.query<{
      released: number;
      with_deadline: number;
      on_time: number;
    }>(SELECT_RELEASE_FIGURES, [organizationId, from, to]);
    return {
      released: row.released,
      withDeadline: row.with_deadline,
      onTime: row.on_time,
      onTimeRate: share(row.on_time, row.with_deadline),
      note:
        'Counts the releases made: each against the dataset_update deadline that ran from the release before ' +
        '(updateFrequency plus the rulebook’s grace days, not paused while suspended). A release that never came ' +
        'is counted once the dataset_update timers record DeadlineMissed.',
    };
  }
}

function itemOf(row: QueueRow, now: Date): CaseQueueItemDto {
  const open = row.resolved_at === null;
  const dueOf: Partial<Record<DeadlineClock, string | null>> = {
    correction_verification: row.verification_due_at,
    objection_verification: row.verification_due_at,
    objection_suspension: row.suspension_due_at,
  };
  const deadlines = caseClocks(row.kind, {
    suspendedAt: row.suspended_at ?? undefined,
    resolvedAt: row.resolved_at ?? undefined,
  }).map(({ clock, stoppedAt }) => deadlineOf(clock, dueOf[clock] as string, stoppedAt, row.rulebook, now));
  const remaining = Math.floor((Date.parse(row.due_at) - now.getTime()) / 1000);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    dueAt: row.due_at,
    overdue: open && remaining < 0,
    ...(open && { timeRemaining: remaining }),
    datasetId: row.dataset_id,
    ...(row.organization_id !== null && { organizationId: row.organization_id }),
    filedAt: row.filed_at,
    ...(row.verification_started_at !== null && { verificationStartedAt: row.verification_started_at }),
    ...(row.suspended_at !== null && { suspendedAt: row.suspended_at }),
    deadlines,
    ...(row.outcome !== null && { outcome: row.outcome }),
    ...(row.release_version !== null && { releaseVersion: row.release_version }),
    ...(row.resolved_at !== null && { resolvedAt: row.resolved_at }),
    rulebook: row.rulebook,
    position: Number(row.position),
  };
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function seconds(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value));
}

interface QueueCursor {
  rank: number;
  dueAt: string;
  id: string;
}

function encodeCursor(cursor: QueueCursor): string {
  return Buffer.from(JSON.stringify([cursor.rank, cursor.dueAt, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): QueueCursor {
  try {
    const [rank, dueAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if ((rank === 0 || rank === 1) && typeof dueAt === 'string' && !Number.isNaN(Date.parse(dueAt))) {
      if (typeof id === 'string') return { rank, dueAt, id };
    }
  } catch {
    // refused below
  }
  throw Problem.badRequest('InvalidCursor', 'cursor must be the `next` of a previous page of this list', [
    { field: '/cursor', message: 'is not a cursor this list gave' },
  ]);
}
