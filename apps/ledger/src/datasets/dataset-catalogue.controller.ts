import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DATASET_CATALOGUE, DatasetCatalogueEntry, readDatasetCatalogue } from '@ledger/projections';
import { JOURNAL } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { ViewReadiness } from '../views/view-readiness';
import {
  DatasetCataloguePageDto,
  DatasetCatalogueQuery,
  DEFAULT_CATALOGUE_PAGE,
  PublicOpenListItemDto,
  PublicOpenListPageDto,
  PublicOpenListQuery,
} from './dataset-catalogue.dto';

const MIN_POSITION_NOTE =
  'With `minPosition` (e.g. the globalPosition a command answered) it answers once the catalogue has applied it ' +
  '(up to 5 s, then 503 `ViewNotCaughtUp`); a position beyond the journal’s head is 400 `PositionBeyondHead`.';

/** The catalogue of every dataset (开放清单, all classifications and states), from the dataset_catalogue view. */
@ApiTags('datasets')
@ApiBearerAuth()
@Controller('v1/datasets')
export class DatasetCatalogueController {
  constructor(
    @Inject(JOURNAL) private readonly journal: Journal,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List datasets, filtered by body, classification and status, by id',
    description:
      'Every dataset on any body’s list, non-open and withdrawn ones included, from the dataset catalogue view ' +
      '(folded with the deciders’ own evolve). Any valid key. Pages by id: pass `next` back as `cursor`. ' +
      MIN_POSITION_NOTE,
  })
  @ApiOkResponse({ type: DatasetCataloguePageDto })
  async list(@Query() query: DatasetCatalogueQuery): Promise<DatasetCataloguePageDto> {
    await this.readiness.ensure(DATASET_CATALOGUE, query.minPosition);
    return readDatasetCatalogue(
      this.journal.database,
      { organizationId: query.organizationId, classification: query.classification, status: query.status },
      { limit: query.limit ?? DEFAULT_CATALOGUE_PAGE, cursor: query.cursor },
    );
  }
}

/**
 * The open list as the public sees it, without a key: datasets classified unconditional or conditional
 * that are registered, open or suspended. Never non-open data, never a withdrawn dataset (see
 * PUBLIC_CLASSIFICATIONS in libs/projections), and never a suspension's free-text reference.
 */
@ApiTags('public')
@Controller('v1/public/open-list')
export class PublicOpenListController {
  constructor(
    @Inject(JOURNAL) private readonly journal: Journal,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The public open list (开放清单): what is or will be opened, and on what terms',
    description:
      'No key needed. Datasets classified unconditional or conditional (conditional ones are listed so that people can ' +
      'apply) that are registered, open or suspended; never non-open or withdrawn ones. Filters and paging as ' +
      '`GET /v1/datasets`. ' +
      MIN_POSITION_NOTE,
  })
  @ApiOkResponse({ type: PublicOpenListPageDto })
  async list(@Query() query: PublicOpenListQuery): Promise<PublicOpenListPageDto> {
    await this.readiness.ensure(DATASET_CATALOGUE, query.minPosition);
    const page = await readDatasetCatalogue(
      this.journal.database,
      { organizationId: query.organizationId, classification: query.classification, status: query.status },
      { limit: query.limit ?? DEFAULT_CATALOGUE_PAGE, cursor: query.cursor, publicOnly: true },
    );
    return { items: page.items.map(publicItemOf), ...(page.next !== undefined && { next: page.next }) };
  }
}

/** Only what the public may see, named one by one so a column added later is not published by accident. */
function publicItemOf(entry: DatasetCatalogueEntry): PublicOpenListItemDto {
  return {
    id: entry.id,
    title: entry.title,
    organizationId: entry.organizationId,
    classification: entry.classification,
    status: entry.status,
    currentVersion: entry.currentVersion,
    releaseCount: entry.releaseCount,
    updateFrequency: entry.updateFrequency,
    ...(entry.openConditions !== undefined && { openConditions: entry.openConditions }),
    fields: entry.fields,
    ...(entry.suspension && { suspension: { cause: entry.suspension.cause } }),
    version: entry.version,
    position: entry.position,
    registeredAt: entry.registeredAt,
    ...(entry.lastReleasedAt !== undefined && { lastReleasedAt: entry.lastReleasedAt }),
    updatedAt: entry.updatedAt,
  };
}
