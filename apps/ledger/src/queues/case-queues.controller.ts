import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import type { CaseKind } from '../filings/case-deadlines';
import { Problem } from '../http/problem';
import { ViewReadiness } from '../views/view-readiness';
import {
  CaseQueuePageDto,
  CorrectionQueueQuery,
  DEFAULT_QUEUE_PAGE,
  ObjectionQueueQuery,
  QUEUE_DESCRIPTION,
} from './case-queue.dto';
import { CASE_QUEUES_VIEW, CaseQueueReader } from './case-queue.reader';

/** The organisation a reader may see: a body officer's own (any other is 403), anyone else's as asked. */
export function organizationInScope(
  principal: AuthenticatedPrincipal,
  asked: string | undefined,
): string | undefined {
  if (principal.role !== 'body_officer') return asked;
  if (principal.organizationId === undefined || (asked !== undefined && asked !== principal.organizationId)) {
    throw Problem.forbidden(
      'a body officer sees only the cases and figures of its own organisation',
      'NotYourOrganization',
    );
  }
  return principal.organizationId;
}

async function readQueue(
  reader: CaseQueueReader,
  readiness: ViewReadiness,
  kind: CaseKind,
  query: CorrectionQueueQuery | ObjectionQueueQuery,
  principal: AuthenticatedPrincipal,
): Promise<CaseQueuePageDto> {
  const organizationId = organizationInScope(principal, query.organizationId);
  await readiness.ensure(CASE_QUEUES_VIEW, query.minPosition);
  return reader.page(
    kind,
    { status: query.status, datasetId: query.datasetId, organizationId, overdue: query.overdue },
    { limit: query.limit ?? DEFAULT_QUEUE_PAGE, cursor: query.cursor },
    new Date(),
  );
}

/** The corrections work queue (GET beside the commands of CorrectionsController on the same path). */
@ApiTags('corrections')
@ApiBearerAuth()
@Controller('v1/corrections')
export class CorrectionQueueController {
  constructor(
    private readonly reader: CaseQueueReader,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The corrections work queue, with deadlines', description: QUEUE_DESCRIPTION })
  @ApiOkResponse({ type: CaseQueuePageDto })
  list(
    @Query() query: CorrectionQueueQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<CaseQueuePageDto> {
    return readQueue(this.reader, this.readiness, 'correction', query, principal);
  }
}

/** The objections work queue (GET beside the commands of ObjectionsController on the same path). */
@ApiTags('objections')
@ApiBearerAuth()
@Controller('v1/objections')
export class ObjectionQueueController {
  constructor(
    private readonly reader: CaseQueueReader,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The objections work queue, with suspension and verification deadlines',
    description: QUEUE_DESCRIPTION,
  })
  @ApiOkResponse({ type: CaseQueuePageDto })
  list(
    @Query() query: ObjectionQueueQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<CaseQueuePageDto> {
    return readQueue(this.reader, this.readiness, 'objection', query, principal);
  }
}
