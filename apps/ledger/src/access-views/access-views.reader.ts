import { Inject, Injectable } from '@nestjs/common';
import type { ApplicationStatus, GrantStatus, ViolationStatus } from '@ledger/domain';
import type { DetectionReason, ViolationSanction, ViolationSource } from '@ledger/events';
import { JOURNAL } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { Problem } from '../http/problem';
import type { AccessFigures } from './access-statistics.dto';
import type { ListScope } from './access-scope';
import type {
  ApplicationItemDto,
  ApplicationPageDto,
  DetectionItemDto,
  DetectionPageDto,
  GrantItemDto,
  GrantPageDto,
  PublicRevocationDto,
  PublicRevocationPageDto,
  ViolationItemDto,
  ViolationPageDto,
} from './access-views.dto';
import {
  SELECT_APPLICATION,
  SELECT_APPLICATION_FIGURES,
  SELECT_APPLICATIONS_PAGE,
  SELECT_DETECTION_REASONS,
  SELECT_DETECTIONS_PAGE,
  SELECT_GRANT,
  SELECT_GRANT_FIGURES,
  SELECT_GRANTS_PAGE,
  SELECT_PUBLIC_REVOCATIONS_PAGE,
  SELECT_REJECTION_REASONS,
  SELECT_SANCTIONS,
  SELECT_VIOLATION,
  SELECT_VIOLATION_FIGURES,
  SELECT_VIOLATIONS_PAGE,
} from './access-views.sql';

/** The projection these views read (libs/projections/src/access-views): what `minPosition` waits on. */
export const ACCESS_VIEWS = 'access_views';

export interface Paging {
  limit: number;
  cursor?: string;
}

interface ApplicationRow {
  id: string;
  dataset_id: string;
  organization_id: string | null;
  applicant_principal: string;
  status: ApplicationStatus;
  outcome: 'approved' | 'rejected' | null;
  reason_codes: string[] | null;
  grant_id: string | null;
  rulebook: string;
  submitted_at: string;
  supplement_requested_at: string | null;
  supplemented_at: string | null;
  decided_at: string | null;
  withdrawn_at: string | null;
  signed_at: string | null;
  due_at: string | null;
  queue_rank: number;
  queue_at: string;
  position: string;
}

interface GrantRow {
  id: string;
  application_id: string;
  dataset_id: string;
  organization_id: string | null;
  grantee: string;
  scope: string;
  fields: string[];
  reporting_interval: string;
  rulebook: string;
  status: GrantStatus;
  reports: number;
  revocation_reason: string | null;
  revocation_publicized: boolean | null;
  violation_case_id: string | null;
  valid_from: string;
  valid_until: string;
  granted_at: string;
  last_reported_until: string | null;
  next_report_due_at: string | null;
  suspended_at: string | null;
  revoked_at: string | null;
  expired_at: string | null;
  position: string;
}

interface ViolationRow {
  id: string;
  status: ViolationStatus;
  source: ViolationSource;
  grant_id: string | null;
  principal: string | null;
  dataset_id: string | null;
  organization_id: string | null;
  access_event_id: string | null;
  sanction: ViolationSanction | null;
  publicize: boolean | null;
  reported_at: string;
  investigation_opened_at: string | null;
  closed_at: string | null;
  queue_rank: number;
  position: string;
}

interface DetectionRow {
  id: string;
  access_event_id: string;
  dataset_id: string;
  organization_id: string | null;
  principal: string;
  grant_id: string | null;
  reason: DetectionReason;
  fields: string[] | null;
  violation_case_id: string | null;
  detected_at: string;
  position: string;
}

interface RevocationRow {
  grant_id: string;
  dataset_id: string;
  dataset_title: string | null;
  organization_id: string | null;
  reason: string;
  violation_case_id: string | null;
  sanction: ViolationSanction | null;
  revoked_at: string;
}

/** A single item with what decides who may see it. */
export interface Scoped<T> {
  item: T;
  organizationId?: string;
  owner?: string;
}

/** Runs the access_views reads (access-views.sql.ts) and shapes their rows for HTTP. */
@Injectable()
export class AccessViewsReader {
  constructor(@Inject(JOURNAL) private readonly journal: Journal) {}

  async applications(
    filter: { status?: string; datasetId?: string; overdue?: boolean },
    scope: ListScope,
    paging: Paging,
    now: Date,
  ): Promise<ApplicationPageDto> {
    const after =
      paging.cursor === undefined ? undefined : decodeCursor(paging.cursor, ['rank', 'time', 'text']);
    const rows = await this.query<ApplicationRow>(SELECT_APPLICATIONS_PAGE, [
      filter.status ?? null,
      filter.datasetId ?? null,
      scope.organizationId ?? null,
      scope.owner ?? null,
      filter.overdue ?? null,
      now.toISOString(),
      ...(after ?? [null, null, null]),
      paging.limit + 1,
    ]);
    return pageOf(
      rows,
      paging.limit,
      (row) => applicationOf(row, now),
      (row) => [Number(row.queue_rank), row.queue_at, row.id],
    );
  }

  async application(id: string, now: Date): Promise<Scoped<ApplicationItemDto> | undefined> {
    const [row] = await this.query<ApplicationRow>(SELECT_APPLICATION, [id]);
    return row && scoped(applicationOf(row, now), row.organization_id, row.applicant_principal);
  }

  async grants(
    filter: { status?: string; datasetId?: string; grantee?: string },
    scope: ListScope,
    paging: Paging,
    now: Date,
  ): Promise<GrantPageDto> {
    const after = paging.cursor === undefined ? undefined : decodeCursor(paging.cursor, ['text']);
    const rows = await this.query<GrantRow>(SELECT_GRANTS_PAGE, [
      filter.status ?? null,
      filter.datasetId ?? null,
      scope.organizationId ?? null,
      filter.grantee ?? null,
      scope.owner ?? null,
      after?.[0] ?? null,
      paging.limit + 1,
    ]);
    return pageOf(
      rows,
      paging.limit,
      (row) => grantOf(row, now),
      (row) => [row.id],
    );
  }

  async grant(id: string, now: Date): Promise<Scoped<GrantItemDto> | undefined> {
    const [row] = await this.query<GrantRow>(SELECT_GRANT, [id]);
    return row && scoped(grantOf(row, now), row.organization_id, row.grantee);
  }

  async violations(
    filter: { status?: string; source?: string; datasetId?: string },
    scope: ListScope,
    paging: Paging,
  ): Promise<ViolationPageDto> {
    const after =
      paging.cursor === undefined ? undefined : decodeCursor(paging.cursor, ['rank', 'time', 'text']);
    const rows = await this.query<ViolationRow>(SELECT_VIOLATIONS_PAGE, [
      filter.status ?? null,
      filter.source ?? null,
      filter.datasetId ?? null,
      scope.organizationId ?? null,
      ...(after ?? [null, null, null]),
      paging.limit + 1,
    ]);
    return pageOf(rows, paging.limit, violationOf, (row) => [
      Number(row.queue_rank),
      row.reported_at,
      row.id,
    ]);
  }

  async violation(id: string): Promise<Scoped<ViolationItemDto> | undefined> {
    const [row] = await this.query<ViolationRow>(SELECT_VIOLATION, [id]);
    return row && scoped(violationOf(row), row.organization_id);
  }

  async detections(
    filter: { datasetId?: string; principal?: string },
    scope: ListScope,
    paging: Paging,
  ): Promise<DetectionPageDto> {
    const after = paging.cursor === undefined ? undefined : decodeCursor(paging.cursor, ['position']);
    const rows = await this.query<DetectionRow>(SELECT_DETECTIONS_PAGE, [
      filter.datasetId ?? null,
      filter.principal ?? null,
      scope.organizationId ?? null,
      after?.[0] ?? null,
      paging.limit + 1,
    ]);
    return pageOf(rows, paging.limit, detectionOf, (row) => [Number(row.position)]);
  }

  async publicRevocations(
    filter: { datasetId?: string; organizationId?: string },
    paging: Paging,
  ): Promise<PublicRevocationPageDto> {
    const after = paging.cursor === undefined ? undefined : decodeCursor(paging.cursor, ['time', 'text']);
    const rows = await this.query<RevocationRow>(SELECT_PUBLIC_REVOCATIONS_PAGE, [
      filter.datasetId ?? null,
      filter.organizationId ?? null,
      ...(after ?? [null, null]),
      paging.limit + 1,
    ]);
    return pageOf(rows, paging.limit, revocationOf, (row) => [row.revoked_at, row.grant_id]);
  }

  /** The conditional-access figures of one body for [from, to), with what is open and overdue at `now`. */
  async statistics(
    organizationId: string,
    period: { from?: string; to: string },
    now: Date,
  ): Promise<AccessFigures> {
    const range = [organizationId, period.from ?? '-infinity', period.to];
    const [[applications], reasons, [grants], [violations], sanctions, detections] = await Promise.all([
      this.query<ApplicationFiguresRow>(SELECT_APPLICATION_FIGURES, [...range, now.toISOString()]),
      this.query<{ code: string; count: number }>(SELECT_REJECTION_REASONS, range),
      this.query<GrantFiguresRow>(SELECT_GRANT_FIGURES, [...range, now.toISOString()]),
      this.query<ViolationFiguresRow>(SELECT_VIOLATION_FIGURES, range),
      this.query<{ sanction: string; count: number }>(SELECT_SANCTIONS, range),
      this.query<{ reason: string; count: number }>(SELECT_DETECTION_REASONS, range),
    ]);
    return {
      applications: {
        submitted: applications.submitted,
        decided: applications.decided,
        approved: applications.approved,
        rejected: applications.rejected,
        grantRate: share(applications.approved, applications.decided),
        rejectRate: share(applications.rejected, applications.decided),
        reasonCodes: Object.fromEntries(reasons.map(({ code, count }) => [code, count])),
        withdrawn: applications.withdrawn,
        timeToDecide: {
          decided: applications.decided,
          medianSeconds: seconds(applications.decide_median),
          p90Seconds: seconds(applications.decide_p90),
          shareWithinDeadline: share(applications.decided_in_time, applications.decided),
        },
        openNow: applications.open_now,
        awaitingSupplementNow: applications.awaiting_supplement_now,
        overdueNow: applications.overdue_now,
      },
      grants: {
        granted: grants.granted,
        revoked: grants.revoked,
        revokedPublicly: grants.revoked_publicly,
        revokedForViolation: grants.revoked_for_violation,
        expired: grants.expired,
        activeNow: grants.active_now,
        suspendedNow: grants.suspended_now,
        usageReportsOverdueNow: grants.reports_overdue_now,
      },
      violations: {
        reported: violations.reported,
        reportedFromDetection: violations.reported_from_detection,
        confirmed: violations.confirmed,
        dismissed: violations.dismissed,
        sanctions: Object.fromEntries(sanctions.map(({ sanction, count }) => [sanction, count])),
        openNow: violations.open_now,
        suspectedViolations: {
          detected: detections.reduce((sum, { count }) => sum + count, 0),
          byReason: Object.fromEntries(detections.map(({ reason, count }) => [reason, count])),
        },
      },
    };
  }

  private query<TRow>(sql: string, params: unknown[]): Promise<TRow[]> {
    return this.journal.database.query<TRow>(sql, params);
  }
}

interface ApplicationFiguresRow {
  submitted: number;
  decided: number;
  approved: number;
  rejected: number;
  decided_in_time: number;
  decide_median: number | null;
  decide_p90: number | null;
  withdrawn: number;
  open_now: number;
  awaiting_supplement_now: number;
  overdue_now: number;
}

interface GrantFiguresRow {
  granted: number;
  revoked: number;
  revoked_publicly: number;
  revoked_for_violation: number;
  expired: number;
  active_now: number;
  suspended_now: number;
  reports_overdue_now: number;
}

interface ViolationFiguresRow {
  reported: number;
  reported_from_detection: number;
  confirmed: number;
  dismissed: number;
  open_now: number;
}

function scoped<T>(item: T, organizationId: string | null, owner?: string): Scoped<T> {
  return {
    item,
    ...(organizationId !== null && { organizationId }),
    ...(owner !== undefined && { owner }),
  };
}

function applicationOf(row: ApplicationRow, now: Date): ApplicationItemDto {
  const underReview = row.status === 'submitted' && row.due_at !== null;
  const remaining =
    row.due_at === null ? undefined : Math.floor((Date.parse(row.due_at) - now.getTime()) / 1000);
  return {
    id: row.id,
    status: row.status,
    ...(row.due_at !== null && { dueAt: row.due_at }),
    overdue: underReview && (remaining as number) < 0,
    ...(underReview && { timeRemaining: remaining }),
    datasetId: row.dataset_id,
    ...(row.organization_id !== null && { organizationId: row.organization_id }),
    applicantPrincipal: row.applicant_principal,
    submittedAt: row.submitted_at,
    ...(row.supplement_requested_at !== null && { supplementRequestedAt: row.supplement_requested_at }),
    ...(row.supplemented_at !== null && { supplementedAt: row.supplemented_at }),
    ...(row.decided_at !== null && { decidedAt: row.decided_at }),
    ...(row.outcome !== null && { outcome: row.outcome }),
    ...(row.reason_codes !== null && { reasonCodes: row.reason_codes }),
    ...(row.withdrawn_at !== null && { withdrawnAt: row.withdrawn_at }),
    ...(row.signed_at !== null && { signedAt: row.signed_at }),
    ...(row.grant_id !== null && { grantId: row.grant_id }),
    rulebook: row.rulebook,
    position: Number(row.position),
  };
}

function grantOf(row: GrantRow, now: Date): GrantItemDto {
  const live = row.status === 'active' || row.status === 'suspended';
  return {
    id: row.id,
    status: row.status,
    applicationId: row.application_id,
    datasetId: row.dataset_id,
    ...(row.organization_id !== null && { organizationId: row.organization_id }),
    grantee: row.grantee,
    scope: row.scope,
    fields: row.fields,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    reportingInterval: row.reporting_interval,
    grantedAt: row.granted_at,
    reports: row.reports,
    ...(row.last_reported_until !== null && { lastReportedUntil: row.last_reported_until }),
    ...(row.next_report_due_at !== null && { nextReportDueAt: row.next_report_due_at }),
    reportOverdue:
      live && row.next_report_due_at !== null && Date.parse(row.next_report_due_at) < now.getTime(),
    ...(row.suspended_at !== null && { suspendedAt: row.suspended_at }),
    ...(row.revoked_at !== null && { revokedAt: row.revoked_at }),
    ...(row.revocation_reason !== null && { revocationReason: row.revocation_reason }),
    ...(row.revocation_publicized !== null && { revocationPublicized: row.revocation_publicized }),
    ...(row.violation_case_id !== null && { violationCaseId: row.violation_case_id }),
    ...(row.expired_at !== null && { expiredAt: row.expired_at }),
    rulebook: row.rulebook,
    position: Number(row.position),
  };
}

function violationOf(row: ViolationRow): ViolationItemDto {
  return {
    id: row.id,
    status: row.status,
    overdue: false,
    source: row.source,
    ...(row.grant_id !== null && { grantId: row.grant_id }),
    ...(row.principal !== null && { principal: row.principal }),
    ...(row.dataset_id !== null && { datasetId: row.dataset_id }),
    ...(row.organization_id !== null && { organizationId: row.organization_id }),
    ...(row.access_event_id !== null && { accessEventId: row.access_event_id }),
    reportedAt: row.reported_at,
    ...(row.investigation_opened_at !== null && { investigationOpenedAt: row.investigation_opened_at }),
    ...(row.sanction !== null && { sanction: row.sanction }),
    ...(row.publicize !== null && { publicize: row.publicize }),
    ...(row.closed_at !== null && { closedAt: row.closed_at }),
    position: Number(row.position),
  };
}

function detectionOf(row: DetectionRow): DetectionItemDto {
  return {
    id: row.id,
    accessEventId: row.access_event_id,
    datasetId: row.dataset_id,
    ...(row.organization_id !== null && { organizationId: row.organization_id }),
    principal: row.principal,
    ...(row.grant_id !== null && { grantId: row.grant_id }),
    reason: row.reason,
    ...(row.fields !== null && { fields: row.fields }),
    detectedAt: row.detected_at,
    ...(row.violation_case_id !== null && { violationCaseId: row.violation_case_id }),
    position: Number(row.position),
  };
}

/** Only what the public may see, named one by one so a column added later is not published by accident. */
function revocationOf(row: RevocationRow): PublicRevocationDto {
  return {
    grantId: row.grant_id,
    datasetId: row.dataset_id,
    ...(row.dataset_title !== null && { datasetTitle: row.dataset_title }),
    ...(row.organization_id !== null && { organizationId: row.organization_id }),
    revokedAt: row.revoked_at,
    reason: row.reason,
    ...(row.violation_case_id !== null && { violationCaseId: row.violation_case_id }),
    ...(row.sanction !== null && { sanction: row.sanction }),
  };
}

function pageOf<TRow, TItem>(
  rows: TRow[],
  limit: number,
  itemOf: (row: TRow) => TItem,
  cursorOf: (row: TRow) => CursorValue[],
): { items: TItem[]; next?: string } {
  const page = rows.slice(0, limit);
  return {
    items: page.map(itemOf),
    ...(rows.length > limit && { next: encodeCursor(cursorOf(page[page.length - 1])) }),
  };
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function seconds(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value));
}

type CursorValue = string | number;
type CursorPart = 'rank' | 'time' | 'text' | 'position';

/** A cursor is the sort key of a page's last row, as base64url JSON: opaque to clients, checked on the way back. */
function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(text: string, parts: CursorPart[]): CursorValue[] {
  try {
    const values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === parts.length &&
      parts.every((part, i) => fits(part, values[i]))
    )
      return values as CursorValue[];
  } catch {
    // refused below
  }
  throw Problem.badRequest('InvalidCursor', 'cursor must be the `next` of a previous page of this list', [
    { field: '/cursor', message: 'is not a cursor this list gave' },
  ]);
}

function fits(part: CursorPart, value: unknown): boolean {
  switch (part) {
    case 'rank':
    case 'position':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'time':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'text':
      return typeof value === 'string';
  }
}
