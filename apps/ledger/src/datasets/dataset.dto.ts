import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  Classification,
  CLASSIFICATIONS,
  SUSPENSION_CAUSES,
  SuspensionCause,
  UPDATE_FREQUENCIES,
  UpdateFrequency,
} from '@ledger/events';
import { IsAggregateId } from '../http/aggregate-id';
import { CommandResponseDto } from '../http/command-response';

export class RegisterDatasetDto {
  @ApiPropertyOptional({ description: 'Chosen by the caller, or a UUID when absent.', example: 'bus-stops' })
  @IsOptional()
  @IsAggregateId()
  id?: string;

  @ApiProperty({ example: 'Bus stops of Shanghai (公交站点)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title!: string;

  @ApiProperty({
    description: 'The data-opening body; a body officer registers only for its own.',
    example: 'transport-commission',
  })
  @IsAggregateId()
  organizationId!: string;

  @ApiProperty({ enum: CLASSIFICATIONS, description: '无条件开放 / 有条件开放 / 非开放' })
  @IsIn(CLASSIFICATIONS)
  classification!: Classification;

  @ApiProperty({ description: 'Why this classification: the rule or assessment it rests on.' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  classificationBasis!: string;

  @ApiProperty({
    description: 'The names of the fields (columns) the dataset holds.',
    example: ['stop_id', 'name', 'lat', 'lon'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  fields!: string[];

  @ApiProperty({ enum: UPDATE_FREQUENCIES })
  @IsIn(UPDATE_FREQUENCIES)
  updateFrequency!: UpdateFrequency;

  @ApiPropertyOptional({ description: 'For conditional data: what an applicant must meet.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  openConditions?: string;
}

export class ReclassifyDatasetDto {
  @ApiProperty({ enum: CLASSIFICATIONS })
  @IsIn(CLASSIFICATIONS)
  to!: Classification;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({
    description: 'The desensitisation (脱敏) record that allows non-open data to move up.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  desensitisationRef?: string;

  @ApiPropertyOptional({ description: "The rights holder's consent that allows non-open data to move up." })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  consentRef?: string;
}

export class MaskingRuleDto {
  @ApiProperty({ example: 'phone' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  field!: string;

  @ApiProperty({ example: 'suppressed' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  method!: string;
}

export class ReleaseDatasetDto {
  @ApiProperty({ description: 'Strictly greater than every earlier release.', minimum: 1, example: 1 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  version!: number;

  @ApiProperty({
    description: 'SHA-256 of the released file, lower-case hex.',
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, {
    message: 'checksum must be the SHA-256 of the file as 64 lower-case hex digits',
  })
  checksum!: string;

  @ApiProperty({ minimum: 0, example: 1200 })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  recordCount!: number;

  @ApiProperty({ example: 'csv' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  format!: string;

  @ApiPropertyOptional({ type: [MaskingRuleDto], description: 'How fields were masked in this release.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MaskingRuleDto)
  maskingRules?: MaskingRuleDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  notes?: string;
}

export class SuspendDatasetDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @ApiProperty({ enum: SUSPENSION_CAUSES })
  @IsIn(SUSPENSION_CAUSES)
  cause!: SuspensionCause;

  @ApiPropertyOptional({
    description: 'What caused it: the objection id for cause objection, a correction id, an incident number.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  causeRef?: string;
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class DatasetDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty({ enum: CLASSIFICATIONS }) classification!: string;
  @ApiProperty({ enum: ['registered', 'open', 'suspended', 'withdrawn'] }) status!: string;
  @ApiProperty({ description: 'The latest released version; 0 before the first release.' })
  currentVersion!: number;
  @ApiProperty({ description: 'Every released version.', type: [Number] }) releases!: number[];
  @ApiProperty({ type: [String] }) fields!: string[];
  @ApiProperty({ enum: UPDATE_FREQUENCIES }) updateFrequency!: string;
  @ApiPropertyOptional({ description: 'Why it is suspended, while it is.' }) suspension?: {
    cause: string;
    causeRef?: string;
  };
  @ApiProperty({ description: 'Its stream version; also sent as ETag.' }) version!: number;
  @ApiProperty({ description: 'The last globalPosition folded in.' }) position!: number;
}

export { CommandResponseDto };
