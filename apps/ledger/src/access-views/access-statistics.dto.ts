import { ApiProperty } from '@nestjs/swagger';
import { OrganizationStatisticsDto } from '../queues/statistics.dto';

const counts = (description: string) =>
  ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description });

export class ApplicationTimeToDecideDto {
  @ApiProperty({ description: 'Applications approved or rejected in the period.' }) decided!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median seconds from submission to decision (any wait for a supplement included).',
  })
  medianSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '90th percentile, seconds (continuous).' })
  p90Seconds!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Share (0–1) decided by their application_review deadline (the clock that ran when they were decided: ' +
      'from the submission, or from the last supplement); null when none was decided.',
  })
  shareWithinDeadline!: number | null;
}

export class ApplicationFiguresDto {
  @ApiProperty({ description: 'Submitted in the period.' }) submitted!: number;
  @ApiProperty({ description: 'Approved or rejected in the period.' }) decided!: number;
  @ApiProperty({ description: 'Approved in the period.' }) approved!: number;
  @ApiProperty({ description: 'Rejected in the period.' }) rejected!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '`approved / decided`; null when none was decided.',
  })
  grantRate!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '`rejected / decided`; null when none was decided.',
  })
  rejectRate!: number | null;
  @counts('The rejections of the period by reason code (a rejection may name several).')
  reasonCodes!: Record<string, number>;
  @ApiProperty({ description: 'Withdrawn by the applicant in the period.' }) withdrawn!: number;
  @ApiProperty({ type: ApplicationTimeToDecideDto }) timeToDecide!: ApplicationTimeToDecideDto;
  @ApiProperty({ description: 'Not yet decided nor withdrawn, now (whenever submitted).' }) openNow!: number;
  @ApiProperty({ description: 'Of those, waiting for the applicant’s supplement (no clock runs).' })
  awaitingSupplementNow!: number;
  @ApiProperty({ description: 'Under review past their application_review deadline, now.' })
  overdueNow!: number;
}

export class GrantFiguresDto {
  @ApiProperty({ description: 'Grants opened in the period (agreements signed).' }) granted!: number;
  @ApiProperty({ description: 'Grants revoked in the period.' }) revoked!: number;
  @ApiProperty({ description: 'Of those, revocations made public.' }) revokedPublicly!: number;
  @ApiProperty({ description: 'Of those, revocations that name a violation case.' })
  revokedForViolation!: number;
  @ApiProperty({ description: 'Grants that reached their validUntil in the period.' }) expired!: number;
  @ApiProperty({ description: 'Active now.' }) activeNow!: number;
  @ApiProperty({ description: 'Suspended now.' }) suspendedNow!: number;
  @ApiProperty({ description: 'Active or suspended, with the next usage report past due, now.' })
  usageReportsOverdueNow!: number;
}

export class SuspectedViolationFiguresDto {
  @ApiProperty({ description: 'Accesses the detection flagged in the period.' }) detected!: number;
  @counts('The same, by detection reason.') byReason!: Record<string, number>;
}

export class ViolationFiguresDto {
  @ApiProperty({ description: 'Violation cases reported in the period.' }) reported!: number;
  @ApiProperty({ description: 'Of those, raised from a detection.' }) reportedFromDetection!: number;
  @ApiProperty({ description: 'Confirmed in the period.' }) confirmed!: number;
  @ApiProperty({ description: 'Dismissed in the period.' }) dismissed!: number;
  @counts('The violations confirmed in the period, by sanction.') sanctions!: Record<string, number>;
  @ApiProperty({ description: 'Reported or under investigation, now.' }) openNow!: number;
  @ApiProperty({ type: SuspectedViolationFiguresDto }) suspectedViolations!: SuspectedViolationFiguresDto;
}

/** The evaluation figures of a body: the case figures, with the conditional-access figures beside them. */
export class OrganizationEvaluationDto extends OrganizationStatisticsDto {
  @ApiProperty({ type: ApplicationFiguresDto }) applications!: ApplicationFiguresDto;
  @ApiProperty({ type: GrantFiguresDto }) grants!: GrantFiguresDto;
  @ApiProperty({ type: ViolationFiguresDto }) violations!: ViolationFiguresDto;
}

/** What the access views add to a body's evaluation figures. */
export type AccessFigures = Pick<OrganizationEvaluationDto, 'applications' | 'grants' | 'violations'>;
