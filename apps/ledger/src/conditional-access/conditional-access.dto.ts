import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { VIOLATION_SANCTIONS, ViolationSanction } from '@ledger/events';
import { ContactDetailsDto } from '../filings/filing.dto';
import { IsAggregateId } from '../http/aggregate-id';
import { IsRfc3339Time } from '../http/rfc3339';

const IsText = (maxLength: number) => applyDecorators(IsString(), MinLength(1), MaxLength(maxLength));

/** Dataset field names: at least one, unique. */
const IsFieldList = (description: string) =>
  applyDecorators(
    ApiProperty({ type: [String], description, example: ['stop_id', 'name'] }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(1000),
    ArrayUnique(),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(200, { each: true }),
  );

export class PeriodDto {
  @ApiProperty({ example: '2026-12-01T00:00:00+08:00' })
  @IsRfc3339Time()
  from!: string;

  @ApiProperty({ example: '2027-11-30T23:59:59+08:00' })
  @IsRfc3339Time()
  until!: string;
}

export class SubmitApplicationDto {
  @ApiPropertyOptional({
    description:
      'Chosen by the caller, or a UUID when absent. Submitting again with the same id and content records nothing new (a retry).',
  })
  @IsOptional()
  @IsAggregateId()
  id?: string;

  @ApiProperty({ description: 'A conditional dataset that is open.', example: 'bus-stops' })
  @IsAggregateId()
  datasetId!: string;

  @ApiProperty({ description: 'What the data is for (申请用途).' })
  @IsText(10_000)
  purpose!: string;

  @ApiProperty({ description: 'The application scenario (应用场景).' })
  @IsText(10_000)
  scenario!: string;

  @ApiProperty({ description: 'The security measures the user takes (安全保障措施).' })
  @IsText(10_000)
  securityMeasures!: string;

  @IsFieldList('The dataset fields asked for.')
  requestedFields!: string[];

  @ApiProperty({ type: PeriodDto, description: 'How long the data is needed for.' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PeriodDto)
  requestedPeriod!: PeriodDto;

  @ApiPropertyOptional({
    type: ContactDetailsDto,
    description: 'The applicant’s details: personal data, sealed under the applicant’s own key.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  applicant?: ContactDetailsDto;
}

export class RequestSupplementDto {
  @ApiProperty({ description: 'What the reviewer needs to know; the review clock stops until answered.' })
  @IsText(10_000)
  questions!: string;
}

export class SupplementApplicationDto {
  @ApiProperty({ description: 'The answers; the review clock starts again.' })
  @IsText(10_000)
  answers!: string;
}

export class AgreementTermsDto {
  @ApiProperty({ description: 'What the data may be used for under the agreement.' })
  @IsText(4000)
  scope!: string;

  @IsFieldList('The fields the grant covers: a subset of those requested.')
  fields!: string[];

  @ApiProperty({ example: '2026-12-01T00:00:00+08:00' })
  @IsRfc3339Time()
  validFrom!: string;

  @ApiProperty({ example: '2027-11-30T23:59:59+08:00' })
  @IsRfc3339Time()
  validUntil!: string;

  @ApiProperty({ description: 'The user’s obligations under the data utilisation agreement (数据利用协议).' })
  @IsText(10_000)
  obligations!: string;

  @ApiProperty({
    description: 'How often the grantee reports on use: an ISO 8601 period of days, weeks, months or years.',
    example: 'P30D',
  })
  @IsString()
  @Matches(/^P(?=\d)(\d{1,4}Y)?(\d{1,4}M)?(\d{1,4}W)?(\d{1,4}D)?$/, {
    message: 'reportingInterval is an ISO 8601 period such as P30D, P1M or P1Y',
  })
  reportingInterval!: string;
}

export class ApproveApplicationDto {
  @ApiProperty({ type: AgreementTermsDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementTermsDto)
  agreement!: AgreementTermsDto;
}

export class RejectApplicationDto {
  @ApiProperty({
    type: [String],
    description: 'Why, as codes the statistics count (at least one).',
    example: ['purpose_unclear'],
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'reasonCodes needs at least one code: a rejection names its reasons' })
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  reasonCodes!: string[];

  @ApiProperty({ description: 'The explanation the applicant reads.' })
  @IsText(10_000)
  explanation!: string;
}

export class ReportUsageDto {
  @ApiProperty({ type: PeriodDto, description: 'The period reported on.' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PeriodDto)
  period!: PeriodDto;

  @ApiProperty({ description: 'How the data was used in the period.' })
  @IsText(10_000)
  summary!: string;

  @ApiPropertyOptional({ type: [String], description: 'What the use produced (reports, apps, links).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(2000, { each: true })
  outputs?: string[];
}

export class GrantReasonDto {
  @ApiProperty()
  @IsText(2000)
  reason!: string;
}

export class RevokeGrantDto {
  @ApiProperty({ description: 'Why the access is closed.' })
  @IsText(2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'The violation case that led to the revocation, if any.' })
  @IsOptional()
  @IsAggregateId()
  violationCaseId?: string;

  @ApiProperty({ description: 'List the revocation at GET /v1/public/revocations.' })
  @IsBoolean()
  publicize!: boolean;
}

export class ReportViolationDto {
  @ApiPropertyOptional({ description: 'Chosen by the caller, or a UUID when absent.' })
  @IsOptional()
  @IsAggregateId()
  id?: string;

  @ApiPropertyOptional({ description: 'The grant concerned (give this or principal).' })
  @IsOptional()
  @IsAggregateId()
  grantId?: string;

  @ApiPropertyOptional({ description: 'The principal concerned, when no grant is (give this or grantId).' })
  @IsOptional()
  @IsAggregateId()
  principal?: string;

  @ApiProperty()
  @IsText(10_000)
  description!: string;

  @ApiPropertyOptional({
    description:
      'Open the case from a detection: the id of the DataAccessed event a SuspectedViolationDetected names (GET /v1/detections). The case’s source is then `detection`.',
  })
  @IsOptional()
  @IsText(200)
  accessEventId?: string;
}

export class ConfirmViolationDto {
  @ApiProperty({ enum: VIOLATION_SANCTIONS })
  @IsIn(VIOLATION_SANCTIONS)
  sanction!: ViolationSanction;

  @ApiProperty({ description: 'What the investigation found.' })
  @IsText(10_000)
  findings!: string;

  @ApiProperty({ description: 'Make the case’s revocation public (GET /v1/public/revocations).' })
  @IsBoolean()
  publicize!: boolean;
}

export class DismissViolationDto {
  @ApiProperty()
  @IsText(10_000)
  explanation!: string;
}
