import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AGGREGATE_ID_PATTERN, CORRECTION_OUTCOMES, OBJECTION_OUTCOMES } from '@ledger/events';
import { DecimalDigits } from '../http/decimal-digits';
import { FilingDeadlineDto } from '../filings/public-filings.controller';
import { MinPositionQuery } from '../views/view-readiness';

export const DEFAULT_QUEUE_PAGE = 50;
export const MAX_QUEUE_PAGE = 500;

export const CORRECTION_STATUSES = ['submitted', 'under_verification', ...CORRECTION_OUTCOMES] as const;
export const OBJECTION_STATUSES = ['filed', 'under_verification', ...OBJECTION_OUTCOMES] as const;

const ORDER_NOTE =
  'Open cases come first, earliest running deadline first — so overdue ones lead — then resolved cases by their ' +
  'verification deadline; ties by id. `overdue` is computed at the time of the request.';

/** Filters and paging shared by both queues. */
class CaseQueueQuery extends MinPositionQuery {
  @ApiPropertyOptional({ description: 'Only the cases about this dataset.' })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, { message: 'datasetId must be a dataset id' })
  datasetId?: string;

  @ApiPropertyOptional({
    description:
      'Only the cases on the datasets of this data-opening body. A body officer sees only its own organisation’s cases: ' +
      'this filter is set to it, and any other organisation is 403 `NotYourOrganization`.',
  })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, { message: 'organizationId must be an organisation id' })
  organizationId?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      '`true`: only open cases with a deadline already past; `false`: only the others. Omitted: every case. ' +
      ORDER_NOTE,
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_QUEUE_PAGE, default: DEFAULT_QUEUE_PAGE })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_QUEUE_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page (opaque).' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be the `next` of a previous page' })
  cursor?: string;
}

export class CorrectionQueueQuery extends CaseQueueQuery {
  @ApiPropertyOptional({
    enum: [...CORRECTION_STATUSES, 'open'],
    description: '`open`: every correction not yet resolved (submitted or under verification).',
  })
  @IsOptional()
  @IsIn([...CORRECTION_STATUSES, 'open'])
  status?: (typeof CORRECTION_STATUSES)[number] | 'open';
}

export class ObjectionQueueQuery extends CaseQueueQuery {
  @ApiPropertyOptional({
    enum: [...OBJECTION_STATUSES, 'open'],
    description: '`open`: every objection not yet resolved (filed or under verification).',
  })
  @IsOptional()
  @IsIn([...OBJECTION_STATUSES, 'open'])
  status?: (typeof OBJECTION_STATUSES)[number] | 'open';
}

export class CaseQueueItemDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['correction', 'objection'] }) kind!: 'correction' | 'objection';
  @ApiProperty({ example: 'under_verification' }) status!: string;
  @ApiProperty({
    description:
      'The deadline that matters now: the earliest clock still running (an objection not yet acted on: its suspension, ' +
      'due the same working day); once every clock has stopped, the verification deadline.',
  })
  dueAt!: string;
  @ApiProperty({ description: 'Open, and `dueAt` has passed.' }) overdue!: boolean;
  @ApiPropertyOptional({
    description:
      'Open cases: whole seconds from the request until `dueAt`, negative when overdue. Absent once resolved.',
    example: 86400,
  })
  timeRemaining?: number;
  @ApiProperty() datasetId!: string;
  @ApiPropertyOptional({
    description: 'The dataset’s body; absent while the dataset’s registration has not reached the view.',
  })
  organizationId?: string;
  @ApiProperty() filedAt!: string;
  @ApiPropertyOptional() verificationStartedAt?: string;
  @ApiPropertyOptional({
    description:
      'Objections: when this objection first suspended its dataset (DatasetSuspended {cause: objection}).',
  })
  suspendedAt?: string;
  @ApiProperty({
    type: [FilingDeadlineDto],
    description: 'Every clock of the case, as on the public receipt.',
  })
  deadlines!: FilingDeadlineDto[];
  @ApiPropertyOptional({ example: 'corrected' }) outcome?: string;
  @ApiPropertyOptional({
    description: 'The release that carries the correction, or that reopened the dataset.',
  })
  releaseVersion?: number;
  @ApiPropertyOptional() resolvedAt?: string;
  @ApiProperty({ description: 'The rulebook version the case’s deadlines were counted under.' })
  rulebook!: string;
  @ApiProperty({ description: 'The last journal position folded into this item.' }) position!: number;
}

export class CaseQueuePageDto {
  @ApiProperty({ type: [CaseQueueItemDto] }) items!: CaseQueueItemDto[];
  @ApiPropertyOptional({ description: 'Pass back as `cursor` for the next page.' }) next?: string;
}

export const QUEUE_DESCRIPTION =
  'Work queue with statutory deadlines (domain.md, "Deadlines"), counted under the rulebook version each filing ' +
  'was recorded under, on the Asia/Shanghai working-day calendar. Platform admins, supervisors and compliance ' +
  'officers see every case; a body officer only its own organisation’s. ' +
  ORDER_NOTE +
  ' No personal data: reporters, objectors and evidence stay sealed in the journal. With `minPosition` it answers ' +
  'once the view has applied that position (up to 5 s, then 503 `ViewNotCaughtUp`).';
