import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DecimalDigits } from '../http/decimal-digits';

export class ListRulebooksQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page: versions after it.', minimum: 1 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  cursor?: number;
}

export class PublishedRulebookDto {
  @ApiProperty({
    description: 'Where the journal recorded the version (its RulebookPublished entry).',
    example: 0,
  })
  globalPosition!: number;

  @ApiProperty({ example: '2026-11-29T08:00:00.000Z' }) recordedAt!: string;
}

export class RulebookSummaryDto {
  @ApiProperty({ description: 'The rulebook series.', example: 'shanghai-public-data-2019' }) id!: string;
  @ApiProperty({ example: 1 }) version!: number;

  @ApiProperty({
    description: 'How events cite the version in metadata.legalBasis.rulebook.',
    example: 'shanghai-public-data-2019/v1',
  })
  ref!: string;

  @ApiProperty() title!: string;

  @ApiProperty({
    description:
      'The day (Asia/Shanghai, the calendar’s time zone) from whose start the version is in force.',
    example: '2019-10-01',
  })
  inForceFrom!: string;

  @ApiProperty({ description: 'The version in force now (exactly one is).' }) inForce!: boolean;

  @ApiPropertyOptional({
    type: PublishedRulebookDto,
    description:
      'Absent until the journal records the version, which happens once its inForceFrom day has begun.',
  })
  published?: PublishedRulebookDto;
}

export class RulebookPageDto {
  @ApiProperty({ type: [RulebookSummaryDto] }) items!: RulebookSummaryDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page.' }) next?: string;
}

export class RulebookDto extends RulebookSummaryDto {
  @ApiProperty({
    description: 'Hex SHA-256 of the RFC 8785 canonical JSON of `rulebook`, as RulebookPublished records it.',
    example: '3f0c…',
  })
  digest!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The rulebook file as it is: id, version, title, inForceFrom, sources, note, legalBasis (a citation per event type), ' +
      'deadlines (one rule per clock: `{"workingDays"}`, `{"from":"agreement.reportingInterval"}` or ' +
      '`{"from":"dataset.updateFrequency","periods","graceDays"}`) and calendar (timeZone, weekend, years → holidays with make-up working days).',
  })
  rulebook!: Record<string, unknown>;
}
