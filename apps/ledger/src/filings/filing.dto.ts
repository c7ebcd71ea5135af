import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CORRECTION_OUTCOMES,
  CorrectionOutcome,
  OBJECTION_GROUNDS,
  OBJECTION_OUTCOMES,
  ObjectionGround,
  ObjectionOutcome,
} from '@ledger/events';
import { ReleaseDatasetDto } from '../datasets/dataset.dto';
import { IsAggregateId } from '../http/aggregate-id';
import { CommandResponseDto } from '../http/command-response';

/** A person's details: personal data, sealed under that person's key before anything is recorded. */
export class ContactDetailsDto {
  @ApiProperty({ example: '张三' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    description: 'An e-mail address or a phone number; how the body reports back.',
    example: 'zhangsan@example.cn',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(320)
  contact!: string;
}

class FilingDto {
  @ApiPropertyOptional({
    description:
      'Chosen by the caller, or a UUID when absent. Filing again with the same id and content records nothing new (a retry).',
  })
  @IsOptional()
  @IsAggregateId()
  id?: string;

  @ApiProperty({ example: 'bus-stops' })
  @IsAggregateId()
  datasetId!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  description!: string;

  @ApiPropertyOptional({
    description:
      'Evidence; may name people, so it is sealed as personal data. Up to 10,000 characters (and 45 kB once encoded).',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  evidence?: string;
}

export class FileCorrectionDto extends FilingDto {
  @ApiProperty({ description: 'The released version the error was found in.', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  datasetVersion!: number;

  @ApiPropertyOptional({ description: 'The fields that are wrong or missing.', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  fields?: string[];

  @ApiPropertyOptional({ type: ContactDetailsDto, description: 'Optional: a reporter may stay anonymous.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  reporter?: ContactDetailsDto;
}

export class FileObjectionDto extends FilingDto {
  @ApiProperty({ enum: OBJECTION_GROUNDS })
  @IsIn(OBJECTION_GROUNDS)
  ground!: ObjectionGround;

  @ApiProperty({ type: ContactDetailsDto, description: 'Who objects: the body reports back to them.' })
  @IsDefined({ message: 'objector is required: the body reports back to them' })
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDetailsDto)
  objector!: ContactDetailsDto;

  @ApiPropertyOptional({
    description:
      'Suspend the dataset in the same append (立即中止开放). Only a body officer of the dataset’s organisation may ask; from anyone else it is refused (403).',
    enum: [true],
  })
  @IsOptional()
  @Equals(true, { message: 'suspend is true or absent' })
  suspend?: true;
}

export class ResolveCorrectionDto {
  @ApiProperty({ enum: CORRECTION_OUTCOMES })
  @IsIn(CORRECTION_OUTCOMES)
  outcome!: CorrectionOutcome;

  @ApiPropertyOptional({
    description: 'Required when corrected: the release that carries the correction.',
    minimum: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  releaseVersion?: number;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  explanation!: string;
}

export class ResolveObjectionDto {
  @ApiProperty({ enum: OBJECTION_OUTCOMES })
  @IsIn(OBJECTION_OUTCOMES)
  outcome!: ObjectionOutcome;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  explanation!: string;

  @ApiPropertyOptional({
    type: ReleaseDatasetDto,
    description:
      'Required when reopened_after_processing: the new release (with its masking rules), recorded in the same append.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReleaseDatasetDto)
  release?: ReleaseDatasetDto;
}

export class FilingResponseDto extends CommandResponseDto {
  @ApiProperty({
    description:
      'Show the filing’s status, deadlines and outcome at GET /v1/public/filings/{receipt}, without logging in.',
    example: 'correction-5f0c…',
  })
  receipt!: string;
}
