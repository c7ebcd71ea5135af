import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { ApplicationStatus, GrantStatus, ViolationStatus } from '@ledger/domain';
import {
  DETECTION_REASONS,
  DetectionReason,
  VIOLATION_SANCTIONS,
  VIOLATION_SOURCES,
  ViolationSanction,
  ViolationSource,
} from '@ledger/events';
import { IsAggregateId } from '../http/aggregate-id';
import { DecimalDigits } from '../http/decimal-digits';
import { MinPositionQuery } from '../views/view-readiness';

export const DEFAULT_ACCESS_PAGE = 50;
export const MAX_ACCESS_PAGE = 500;

export const APPLICATION_STATUSES = [
  'submitted',
  'supplement_requested',
  'approved',
  'agreement_signed',
  'rejected',
  'withdrawn',
] as const satisfies readonly ApplicationStatus[];
export const GRANT_STATUSES = [
  'active',
  'suspended',
  'revoked',
  'expired',
] as const satisfies readonly GrantStatus[];
export const VIOLATION_STATUSES = [
  'reported',
  'investigating',
  'confirmed',
  'dismissed',
] as const satisfies readonly ViolationStatus[];

export const MIN_POSITION_NOTE =
  'With `minPosition` (e.g. the globalPosition a command answered) it answers once the view has applied it (up to ' +
  '5 s, then 503 `ViewNotCaughtUp`); a position beyond the journal’s head is 400 `PositionBeyondHead`.';

/** Paging shared by every list: `limit`, and `cursor` = the `next` of the previous page. */
class AccessPageQuery extends MinPositionQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ACCESS_PAGE, default: DEFAULT_ACCESS_PAGE })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_ACCESS_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page (opaque).' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be the `next` of a previous page' })
  cursor?: string;
}

/** The filters on the dataset and its body, shared by the scoped lists. */
class AccessScopedQuery extends AccessPageQuery {
  @ApiPropertyOptional({ description: 'Only those about this dataset.' })
  @IsOptional()
  @IsAggregateId()
  datasetId?: string;

  @ApiPropertyOptional({
    description:
      'Only those on the datasets of this data-opening body. A body officer sees only its own organisation’s: any ' +
      'other organisation is 403 `NotYourOrganization`.',
  })
  @IsOptional()
  @IsAggregateId()
  organizationId?: string;
}

export class ApplicationQueueQuery extends AccessScopedQuery {
  @ApiPropertyOptional({
    enum: [...APPLICATION_STATUSES, 'open'],
    description:
      '`open`: every application not yet decided or withdrawn (submitted or supplement_requested).',
  })
  @IsOptional()
  @IsIn([...APPLICATION_STATUSES, 'open'])
  status?: ApplicationStatus | 'open';

  @ApiPropertyOptional({
    type: Boolean,
    description:
      '`true`: only applications under review past their application_review deadline; `false`: only the others. ' +
      'Omitted: every application.',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;
}

export class GrantRegistryQuery extends AccessScopedQuery {
  @ApiPropertyOptional({ enum: GRANT_STATUSES })
  @IsOptional()
  @IsIn(GRANT_STATUSES)
  status?: GrantStatus;

  @ApiPropertyOptional({
    description:
      'Only the grants of this principal (a data user sees only its own: another is an empty list).',
  })
  @IsOptional()
  @IsAggregateId()
  grantee?: string;
}

export class ViolationQueueQuery extends AccessScopedQuery {
  @ApiPropertyOptional({
    enum: [...VIOLATION_STATUSES, 'open'],
    description: '`open`: every case not yet confirmed or dismissed (reported or investigating).',
  })
  @IsOptional()
  @IsIn([...VIOLATION_STATUSES, 'open'])
  status?: ViolationStatus | 'open';

  @ApiPropertyOptional({ enum: VIOLATION_SOURCES })
  @IsOptional()
  @IsIn(VIOLATION_SOURCES)
  source?: ViolationSource;
}

export class DetectionListQuery extends AccessScopedQuery {
  @ApiPropertyOptional({ description: 'Only the accesses of this principal.' })
  @IsOptional()
  @IsAggregateId()
  principal?: string;
}

export class PublicRevocationsQuery extends AccessPageQuery {
  @ApiPropertyOptional({ description: 'Only the revocations on this dataset.' })
  @IsOptional()
  @IsAggregateId()
  datasetId?: string;

  @ApiPropertyOptional({ description: 'Only the revocations on the datasets of this data-opening body.' })
  @IsOptional()
  @IsAggregateId()
  organizationId?: string;
}

export class ApplicationItemDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: APPLICATION_STATUSES }) status!: ApplicationStatus;
  @ApiPropertyOptional({
    description:
      'The application_review deadline (10 working days by default, Asia/Shanghai calendar) of the clock that runs ' +
      'from the submission, or again from the last supplement; once decided, the one the decision was due by. Absent ' +
      'while a supplement is asked for (the clock stands still) and when withdrawn then.',
  })
  dueAt?: string;
  @ApiProperty({ description: 'Under review (`submitted`), and `dueAt` has passed.' }) overdue!: boolean;
  @ApiPropertyOptional({
    description: 'Under review: whole seconds from the request until `dueAt`, negative when overdue.',
    example: 86400,
  })
  timeRemaining?: number;
  @ApiProperty() datasetId!: string;
  @ApiPropertyOptional({
    description: 'The dataset’s body; absent while the dataset’s registration has not reached the view.',
  })
  organizationId?: string;
  @ApiProperty({
    description: 'The principal that submitted it (its owner). The applicant’s details stay sealed.',
  })
  applicantPrincipal!: string;
  @ApiProperty() submittedAt!: string;
  @ApiPropertyOptional({ description: 'When a supplement was last asked for.' })
  supplementRequestedAt?: string;
  @ApiPropertyOptional({ description: 'When the applicant last answered.' }) supplementedAt?: string;
  @ApiPropertyOptional({ description: 'When it was approved or rejected.' }) decidedAt?: string;
  @ApiPropertyOptional({ enum: ['approved', 'rejected'] }) outcome?: 'approved' | 'rejected';
  @ApiPropertyOptional({ type: [String], description: 'Rejected: the reasons, as codes.' })
  reasonCodes?: string[];
  @ApiPropertyOptional() withdrawnAt?: string;
  @ApiPropertyOptional() signedAt?: string;
  @ApiPropertyOptional({ description: 'The grant the signed agreement opened (`grant-<grantId>`).' })
  grantId?: string;
  @ApiProperty({ description: 'The rulebook version the (last) review deadline was counted under.' })
  rulebook!: string;
  @ApiProperty({ description: 'The last journal position folded into this item.' }) position!: number;
}

export class ApplicationPageDto {
  @ApiProperty({ type: [ApplicationItemDto] }) items!: ApplicationItemDto[];
  @ApiPropertyOptional({ description: 'Pass back as `cursor` for the next page.' }) next?: string;
}

export class GrantItemDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: GRANT_STATUSES }) status!: GrantStatus;
  @ApiProperty() applicationId!: string;
  @ApiProperty() datasetId!: string;
  @ApiPropertyOptional({
    description: 'The dataset’s body; absent while the dataset’s registration has not reached the view.',
  })
  organizationId?: string;
  @ApiProperty({ description: 'The principal the grant is for.' }) grantee!: string;
  @ApiProperty() scope!: string;
  @ApiProperty({ type: [String] }) fields!: string[];
  @ApiProperty() validFrom!: string;
  @ApiProperty() validUntil!: string;
  @ApiProperty({ example: 'P1M', description: 'How often the grantee reports on use (ISO 8601 period).' })
  reportingInterval!: string;
  @ApiProperty() grantedAt!: string;
  @ApiProperty({ description: 'Usage reports recorded.' }) reports!: number;
  @ApiPropertyOptional({ description: 'The end of the latest period reported on.' })
  lastReportedUntil?: string;
  @ApiPropertyOptional({
    description:
      'When the next usage report is due: one reportingInterval after validFrom, or after the end of the latest ' +
      'period reported on, at the close of that day (Asia/Shanghai). Absent once revoked or expired.',
  })
  nextReportDueAt?: string;
  @ApiProperty({ description: 'Active or suspended, and `nextReportDueAt` has passed.' })
  reportOverdue!: boolean;
  @ApiPropertyOptional({ description: 'When it was last suspended.' }) suspendedAt?: string;
  @ApiPropertyOptional() revokedAt?: string;
  @ApiPropertyOptional() revocationReason?: string;
  @ApiPropertyOptional({ description: 'Whether the revocation notice is public.' })
  revocationPublicized?: boolean;
  @ApiPropertyOptional({ description: 'The confirmed violation case the revocation names.' })
  violationCaseId?: string;
  @ApiPropertyOptional() expiredAt?: string;
  @ApiProperty({ description: 'The rulebook version the usage-report deadlines are counted under.' })
  rulebook!: string;
  @ApiProperty({ description: 'The last journal position folded into this item.' }) position!: number;
}

export class GrantPageDto {
  @ApiProperty({ type: [GrantItemDto] }) items!: GrantItemDto[];
  @ApiPropertyOptional({ description: 'Pass back as `cursor` for the next page.' }) next?: string;
}

export class ViolationItemDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: VIOLATION_STATUSES }) status!: ViolationStatus;
  @ApiPropertyOptional({
    description:
      'Always absent: the rulebook sets no deadline for violation cases (domain.md, "Deadlines"). Present for the ' +
      'shape every queue item shares.',
  })
  dueAt?: string;
  @ApiProperty({ description: 'Always false: no deadline runs.' }) overdue!: boolean;
  @ApiProperty({ enum: VIOLATION_SOURCES }) source!: ViolationSource;
  @ApiPropertyOptional() grantId?: string;
  @ApiPropertyOptional({ description: 'The principal concerned: as reported, else the grant’s grantee.' })
  principal?: string;
  @ApiPropertyOptional({ description: 'The dataset concerned: as reported, else the grant’s.' })
  datasetId?: string;
  @ApiPropertyOptional({ description: 'The dataset’s body, when the dataset is known.' })
  organizationId?: string;
  @ApiPropertyOptional({ description: 'Raised from a detection: the DataAccessed event’s id.' })
  accessEventId?: string;
  @ApiProperty() reportedAt!: string;
  @ApiPropertyOptional() investigationOpenedAt?: string;
  @ApiPropertyOptional({ enum: VIOLATION_SANCTIONS, description: 'Confirmed: the sanction.' })
  sanction?: ViolationSanction;
  @ApiPropertyOptional({ description: 'Confirmed: whether the finding is made public.' }) publicize?: boolean;
  @ApiPropertyOptional({ description: 'When it was confirmed or dismissed.' }) closedAt?: string;
  @ApiProperty({ description: 'The last journal position folded into this item.' }) position!: number;
}

export class ViolationPageDto {
  @ApiProperty({ type: [ViolationItemDto] }) items!: ViolationItemDto[];
  @ApiPropertyOptional({ description: 'Pass back as `cursor` for the next page.' }) next?: string;
}

export class DetectionItemDto {
  @ApiProperty({ description: 'The SuspectedViolationDetected event’s id.' }) id!: string;
  @ApiProperty({ description: 'The DataAccessed event that looked like a violation.' })
  accessEventId!: string;
  @ApiProperty() datasetId!: string;
  @ApiPropertyOptional({ description: 'The dataset’s body, once its registration reached the view.' })
  organizationId?: string;
  @ApiProperty({ description: 'The principal that accessed the data.' }) principal!: string;
  @ApiPropertyOptional({ description: 'The grant the access named.' }) grantId?: string;
  @ApiProperty({ enum: DETECTION_REASONS }) reason!: DetectionReason;
  @ApiPropertyOptional({ type: [String], description: 'The accessed fields the grant does not cover.' })
  fields?: string[];
  @ApiProperty() detectedAt!: string;
  @ApiPropertyOptional({ description: 'The violation case raised from it, if any.' })
  violationCaseId?: string;
  @ApiProperty({ description: 'The detection’s journal position.' }) position!: number;
}

export class DetectionPageDto {
  @ApiProperty({ type: [DetectionItemDto] }) items!: DetectionItemDto[];
  @ApiPropertyOptional({ description: 'Pass back as `cursor` for the next page.' }) next?: string;
}

export class PublicRevocationDto {
  @ApiProperty({ description: 'The grant whose access was closed.' }) grantId!: string;
  @ApiProperty() datasetId!: string;
  @ApiPropertyOptional({ description: 'The dataset’s title, once its registration reached the view.' })
  datasetTitle?: string;
  @ApiPropertyOptional() organizationId?: string;
  @ApiProperty() revokedAt!: string;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({ description: 'The violation case behind it.' }) violationCaseId?: string;
  @ApiPropertyOptional({ enum: VIOLATION_SANCTIONS, description: 'The sanction of the confirmed violation.' })
  sanction?: ViolationSanction;
}

export class PublicRevocationPageDto {
  @ApiProperty({ type: [PublicRevocationDto] }) items!: PublicRevocationDto[];
  @ApiPropertyOptional({ description: 'Pass back as `cursor` for the next page.' }) next?: string;
}
