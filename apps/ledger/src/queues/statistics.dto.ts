import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { MinPositionQuery } from '../views/view-readiness';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export class OrganizationStatisticsQuery extends MinPositionQuery {
  @ApiPropertyOptional({
    description: 'Start of the period (RFC 3339, inclusive). Omitted: from the journal’s beginning.',
    example: '2026-01-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsString()
  @Matches(RFC3339, { message: 'from must be an RFC 3339 time, e.g. 2026-01-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({
    description: 'End of the period (RFC 3339, exclusive). Omitted: now.',
    example: '2026-04-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsString()
  @Matches(RFC3339, { message: 'to must be an RFC 3339 time, e.g. 2026-04-01T00:00:00Z' })
  to?: string;
}

export class TimeToDecideDto {
  @ApiProperty({ description: 'Cases decided (resolved) in the period.' }) decided!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Median seconds from filing to decision.' })
  medianSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '90th percentile, seconds (continuous).' })
  p90Seconds!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Share (0–1) of those decided by their verification deadline; null when none was decided.',
  })
  shareWithinDeadline!: number | null;
}

export class TimeToSuspensionDto {
  @ApiProperty({ description: 'Suspensions (DatasetSuspended {cause: objection}) made in the period.' })
  suspended!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median seconds from the objection to the suspension.',
  })
  medianSeconds!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Share (0–1) made by the objection_suspension deadline: the close of the working day the objection was filed ' +
      '(of the next working day when filed on a day off).',
  })
  shareSameWorkingDay!: number | null;
}

class CaseFiguresDto {
  @ApiProperty({ description: 'Filed in the period.' }) filed!: number;
  @ApiProperty({ description: 'Resolved in the period.' }) resolved!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Resolved in the period, by outcome.',
  })
  outcomes!: Record<string, number>;
  @ApiProperty({ type: TimeToDecideDto }) timeToDecide!: TimeToDecideDto;
  @ApiProperty({ description: 'Not yet resolved, now (whenever filed).' }) openNow!: number;
  @ApiProperty({ description: 'Not yet resolved and past a deadline, now (whenever filed).' })
  overdueNow!: number;
}

export class CorrectionFiguresDto extends CaseFiguresDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Share (0–1) of the corrections resolved in the period that produced a new release (corrected).',
  })
  shareProducingRelease!: number | null;
}

export class ObjectionFiguresDto extends CaseFiguresDto {
  @ApiProperty({ type: TimeToSuspensionDto }) timeToSuspension!: TimeToSuspensionDto;
}

export class ReleaseFiguresDto {
  @ApiProperty({ description: 'Releases of the organisation’s datasets in the period.' }) released!: number;
  @ApiProperty({
    description:
      'Of those, the ones a dataset_update clock ran for (a regular updateFrequency and a release before).',
  })
  withDeadline!: number;
  @ApiProperty({ description: 'Of those, the ones released by the deadline.' }) onTime!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '`onTime / withDeadline`; null when none ran a clock.',
  })
  onTimeRate!: number | null;
  @ApiProperty() note!: string;
}

export class OrganizationStatisticsDto {
  @ApiProperty() organizationId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Start of the period; null: from the beginning.',
  })
  from!: string | null;
  @ApiProperty({ description: 'End of the period (exclusive).' }) to!: string;
  @ApiProperty({
    description: 'When the figures were computed: what "now" means for openNow and overdueNow.',
  })
  asOf!: string;
  @ApiProperty({ type: CorrectionFiguresDto }) corrections!: CorrectionFiguresDto;
  @ApiProperty({ type: ObjectionFiguresDto }) objections!: ObjectionFiguresDto;
  @ApiProperty({ type: ReleaseFiguresDto }) releases!: ReleaseFiguresDto;
}
