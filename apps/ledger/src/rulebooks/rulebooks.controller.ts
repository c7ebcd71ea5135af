import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, parseRulebookReference, Rulebook, rulebookRef, Rulebooks } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { Problem } from '../http/problem';
import { PublishedRulebook, readPublishedRulebooks } from './published-rulebooks.query';
import { ListRulebooksQuery, RulebookDto, RulebookPageDto, RulebookSummaryDto } from './rulebook.dto';

/** The rulebook versions (http-api.md): their content, which one is in force, and where the journal recorded each. */
@ApiTags('rulebooks')
@ApiBearerAuth()
@Controller('v1/rulebooks')
export class RulebooksController {
  constructor(
    private readonly rulebooks: Rulebooks,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List the rulebook versions',
    description:
      'Every version of the rulebook series, oldest first: which one is in force now, and where the journal recorded ' +
      '(RulebookPublished) each one whose inForceFrom day has begun. Any valid key.',
  })
  @ApiOkResponse({ type: RulebookPageDto })
  async list(@Query() query: ListRulebooksQuery): Promise<RulebookPageDto> {
    const limit = query.limit ?? 100;
    const after = this.rulebooks.all.filter((rulebook) => rulebook.version > (query.cursor ?? 0));
    const page = after.slice(0, limit);
    const published = await readPublishedRulebooks(this.store, this.rulebooks.id);
    const inForce = this.rulebooks.inForceAt(new Date());
    return {
      items: page.map((rulebook) => summaryOf(rulebook, inForce, published.get(rulebook.version))),
      ...(after.length > limit && { next: String(page[page.length - 1].version) }),
    };
  }

  @Get(':version')
  @ApiParam({
    name: 'version',
    description:
      'The version: `1`, `v1`, or its ref `shanghai-public-data-2019/v1` (URL-encoded: `shanghai-public-data-2019%2Fv1`).',
    example: 'v1',
  })
  @ApiOperation({
    summary: 'Read a rulebook version: its whole content and digest',
    description:
      'The legal citations, deadlines and working-day calendar of the version, with the digest RulebookPublished records. ' +
      'Unknown version: 404 `RulebookNotFound`; a version that is not written as one: 400 `InvalidRulebookVersion`.',
  })
  @ApiOkResponse({ type: RulebookDto })
  async one(@Param('version') text: string, @Query() query: Record<string, unknown>): Promise<RulebookDto> {
    refuseQueryParameters(query);
    const reference = parseRulebookReference(text);
    if (!reference) {
      throw Problem.badRequest(
        'InvalidRulebookVersion',
        `${JSON.stringify(text)} names no rulebook version: write 1, v1 or ${this.rulebooks.id}/v1`,
      );
    }
    const rulebook =
      reference.id === undefined || reference.id === this.rulebooks.id
        ? this.rulebooks.byVersion(reference.version)
        : undefined;
    if (!rulebook) {
      throw Problem.notFound(
        'RulebookNotFound',
        `there is no rulebook ${reference.id ?? this.rulebooks.id}/v${reference.version}; GET /v1/rulebooks lists them`,
      );
    }
    const published = await readPublishedRulebooks(this.store, this.rulebooks.id);
    return {
      ...summaryOf(rulebook, this.rulebooks.inForceAt(new Date()), published.get(rulebook.version)),
      digest: this.rulebooks.digestOf(rulebook),
      rulebook: rulebook as unknown as Record<string, unknown>,
    };
  }
}

function summaryOf(
  rulebook: Rulebook,
  inForce: Rulebook,
  published: PublishedRulebook | undefined,
): RulebookSummaryDto {
  return {
    id: rulebook.id,
    version: rulebook.version,
    ref: rulebookRef(rulebook),
    title: rulebook.title,
    inForceFrom: rulebook.inForceFrom,
    inForce: rulebook.version === inForce.version,
    ...(published && {
      published: { globalPosition: published.globalPosition, recordedAt: published.recordedAt },
    }),
  };
}

/** This route takes no query parameters; like every route, it refuses the ones it does not know. */
function refuseQueryParameters(query: Record<string, unknown>): void {
  const unknown = Object.keys(query);
  if (unknown.length === 0) return;
  throw Problem.badRequest(
    'ValidationFailed',
    'the request does not fit this endpoint; see errors',
    unknown.map((name) => ({ field: `/${name}`, message: 'is not a known field' })),
  );
}
