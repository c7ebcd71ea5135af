import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { AGGREGATE_ID_PATTERN, STREAM_ID_PATTERN } from '@ledger/events';
import { DecimalDigits } from '../http/decimal-digits';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** What an audit-trail export covers and shows (http-api.md, "Audit trail export"). */
export class AuditTrailQuery {
  @ApiPropertyOptional({
    description: 'Entries recorded at or after this time (RFC 3339).',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  @Matches(RFC3339, { message: 'from must be an RFC 3339 time, e.g. 2026-01-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Entries recorded before this time (RFC 3339).' })
  @IsOptional()
  @IsString()
  @Matches(RFC3339, { message: 'to must be an RFC 3339 time, e.g. 2026-02-01T00:00:00Z' })
  to?: string;

  @ApiPropertyOptional({ description: 'First position of the range (inclusive).', minimum: 0 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  fromPosition?: number;

  @ApiPropertyOptional({ description: 'End of the range (exclusive).', minimum: 0 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  toPosition?: number;

  @ApiPropertyOptional({ description: 'Show entries of this stream in full.', example: 'dataset-ds-1' })
  @IsOptional()
  @IsString()
  @Matches(STREAM_ID_PATTERN, { message: 'streamId must look like <category>-<id>' })
  streamId?: string;

  @ApiPropertyOptional({
    description: 'Show entries of these types in full (comma-separated).',
    example: 'DataAccessed',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  type?: string[];

  @ApiPropertyOptional({ description: "Show entries by this actor in full (the actor's principal id)." })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actorId?: string;

  @ApiPropertyOptional({ description: 'Show entries whose actor belongs to this organisation in full.' })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, { message: 'organizationId is an organisation id' })
  organizationId?: string;

  @ApiPropertyOptional({
    description:
      'ndjson: every position with its inclusion proof (what `ledger verify` checks); csv: matching entries for spreadsheets.',
    enum: ['ndjson', 'csv'],
    default: 'ndjson',
  })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format?: 'ndjson' | 'csv';

  @ApiPropertyOptional({
    description:
      "The size of a checkpoint you already hold: the header then proves the export's checkpoint consistent with it.",
    minimum: 1,
  })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  trustedSize?: number;
}
