import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { STREAM_ID_PATTERN } from '@ledger/events';
import { DecimalDigits } from '../http/decimal-digits';

export const MAX_PAGE = 1000;

export class ReadEventsQuery {
  @ApiPropertyOptional({
    description: 'First global position to return (inclusive).',
    minimum: 0,
    default: 0,
  })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(0)
  from?: number;

  @ApiPropertyOptional({ description: 'Page size.', minimum: 1, maximum: MAX_PAGE, default: 100 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only these event types (comma-separated).', example: 'DataAccessed' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  type?: string[];

  @ApiPropertyOptional({ description: 'Only this stream.', example: 'usage-ds-1' })
  @IsOptional()
  @IsString()
  @Matches(STREAM_ID_PATTERN, { message: 'streamId must look like <category>-<id>' })
  streamId?: string;
}

/** The journal keeps stream versions as PostgreSQL `integer`: a larger fromVersion failed in SQL (a 500). */
const MAX_STREAM_VERSION = 2_147_483_647;

export class ReadStreamQuery {
  @ApiPropertyOptional({
    description: 'First stream version to return (inclusive).',
    minimum: 0,
    maximum: MAX_STREAM_VERSION,
    default: 0,
  })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(MAX_STREAM_VERSION)
  fromVersion?: number;

  @ApiPropertyOptional({ description: 'Page size.', minimum: 1, maximum: MAX_PAGE, default: MAX_PAGE })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;
}
