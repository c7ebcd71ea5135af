import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { DatasetStatus } from '@ledger/domain';
import {
  AGGREGATE_ID_PATTERN,
  Classification,
  CLASSIFICATIONS,
  SUSPENSION_CAUSES,
  UPDATE_FREQUENCIES,
} from '@ledger/events';
import { PUBLIC_CLASSIFICATIONS, PUBLIC_STATUSES } from '@ledger/projections';
import { DecimalDigits } from '../http/decimal-digits';
import { MinPositionQuery } from '../views/view-readiness';

export const DATASET_STATUSES = [
  'registered',
  'open',
  'suspended',
  'withdrawn',
] as const satisfies readonly DatasetStatus[];
export const DEFAULT_CATALOGUE_PAGE = 50;
export const MAX_CATALOGUE_PAGE = 500;

/** Paging shared by both lists: by id, `cursor` = the `next` of the previous page. */
class CataloguePageQuery extends MinPositionQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CATALOGUE_PAGE, default: DEFAULT_CATALOGUE_PAGE })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_CATALOGUE_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next` of the previous page: datasets after that id.' })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, { message: 'cursor must be the `next` of a previous page (a dataset id)' })
  cursor?: string;

  @ApiPropertyOptional({
    description: 'Only the datasets of this data-opening body.',
    example: 'transport-commission',
  })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, { message: 'organizationId must be an organisation id' })
  organizationId?: string;
}

export class DatasetCatalogueQuery extends CataloguePageQuery {
  @ApiPropertyOptional({ enum: CLASSIFICATIONS })
  @IsOptional()
  @IsIn(CLASSIFICATIONS)
  classification?: Classification;

  @ApiPropertyOptional({ enum: DATASET_STATUSES })
  @IsOptional()
  @IsIn(DATASET_STATUSES)
  status?: DatasetStatus;
}

export class PublicOpenListQuery extends CataloguePageQuery {
  @ApiPropertyOptional({
    enum: PUBLIC_CLASSIFICATIONS,
    description: 'Non-open data is never on the public open list.',
  })
  @IsOptional()
  @IsIn(PUBLIC_CLASSIFICATIONS)
  classification?: (typeof PUBLIC_CLASSIFICATIONS)[number];

  @ApiPropertyOptional({
    enum: PUBLIC_STATUSES,
    description: 'A withdrawn dataset is no longer on the public open list.',
  })
  @IsOptional()
  @IsIn(PUBLIC_STATUSES)
  status?: (typeof PUBLIC_STATUSES)[number];
}

export class SuspensionDto {
  @ApiProperty({ enum: SUSPENSION_CAUSES }) cause!: string;
  @ApiPropertyOptional({ description: 'The objection id, correction id or incident number behind it.' })
  causeRef?: string;
}

export class PublicSuspensionDto {
  @ApiProperty({ enum: SUSPENSION_CAUSES }) cause!: string;
}

/** What both lists show of a dataset. */
class CatalogueItemBase {
  @ApiProperty({ example: 'bus-stops' }) id!: string;
  @ApiProperty({ example: 'Bus stops of Shanghai (公交站点)' }) title!: string;
  @ApiProperty({ example: 'transport-commission' }) organizationId!: string;
  @ApiProperty({ enum: CLASSIFICATIONS }) classification!: string;
  @ApiProperty({ enum: DATASET_STATUSES }) status!: string;
  @ApiProperty({ description: 'The latest released version; 0 before the first release.', example: 3 })
  currentVersion!: number;
  @ApiProperty({
    description:
      'How many versions were released. GET /v1/datasets/{id} lists every version, and its history each release ' +
      'with its checksum: a list entry stays the same size however often a dataset is released.',
    example: 3,
  })
  releaseCount!: number;
  @ApiProperty({ enum: UPDATE_FREQUENCIES }) updateFrequency!: string;
  @ApiPropertyOptional({ description: 'For conditional data: what an applicant must meet.' })
  openConditions?: string;
  @ApiProperty({ description: 'The names of the fields (columns) it holds.', type: [String] })
  fields!: string[];
  @ApiProperty({ description: 'Its stream version (the ETag of GET /v1/datasets/{id}).' }) version!: number;
  @ApiProperty({ description: 'The last globalPosition folded in.' }) position!: number;
  @ApiProperty({ example: '2026-11-29T08:00:00.000Z' }) registeredAt!: string;
  @ApiPropertyOptional({ example: '2026-11-30T08:00:00.000Z' }) lastReleasedAt?: string;
  @ApiProperty({ description: 'When the last event folded in was recorded.' }) updatedAt!: string;
}

export class DatasetCatalogueItemDto extends CatalogueItemBase {
  @ApiPropertyOptional({ type: SuspensionDto, description: 'Why it is suspended, while it is.' })
  suspension?: SuspensionDto;
}

export class DatasetCataloguePageDto {
  @ApiProperty({ type: [DatasetCatalogueItemDto] }) items!: DatasetCatalogueItemDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last.' })
  next?: string;
}

/** A dataset as the public sees it: no free-text references (a suspension's causeRef may name a case). */
export class PublicOpenListItemDto extends CatalogueItemBase {
  @ApiPropertyOptional({ type: PublicSuspensionDto, description: 'Why it is suspended, while it is.' })
  suspension?: PublicSuspensionDto;
}

export class PublicOpenListPageDto {
  @ApiProperty({ type: [PublicOpenListItemDto] }) items!: PublicOpenListItemDto[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last.' })
  next?: string;
}
