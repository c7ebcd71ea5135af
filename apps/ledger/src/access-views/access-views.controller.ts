import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { AggregateIdPipe } from '../http/aggregate-id';
import { Problem } from '../http/problem';
import { MinPositionQuery, ViewReadiness } from '../views/view-readiness';
import { AccessScope, accessScopeOf, inScope, listScopeOf } from './access-scope';
import {
  ApplicationItemDto,
  ApplicationPageDto,
  ApplicationQueueQuery,
  DEFAULT_ACCESS_PAGE,
  DetectionListQuery,
  DetectionPageDto,
  GrantItemDto,
  GrantPageDto,
  GrantRegistryQuery,
  MIN_POSITION_NOTE,
  PublicRevocationPageDto,
  PublicRevocationsQuery,
  ViolationItemDto,
  ViolationPageDto,
  ViolationQueueQuery,
} from './access-views.dto';
import { ACCESS_VIEWS, AccessViewsReader, Scoped } from './access-views.reader';

const SCOPE_NOTE =
  'Platform admins, supervisors and compliance officers see every one; a body officer only those on its own ' +
  'organisation’s datasets (another `organizationId`: 403 `NotYourOrganization`)';
const PAGING_NOTE = 'Pass `next` back as `cursor` for the next page.';

/** One item, or 404 when it does not exist or is not the caller's to see (the same answer, so nothing is revealed). */
function visible<T>(found: Scoped<T> | undefined, scope: AccessScope, code: string, what: string): T {
  if (found === undefined || !inScope(scope, found)) throw Problem.notFound(code, what);
  return found.item;
}

/** The applications queue (GET beside the commands of the applications controller on the same path). */
@ApiTags('applications')
@ApiBearerAuth()
@Controller('v1/applications')
export class ApplicationViewsController {
  constructor(
    private readonly reader: AccessViewsReader,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The applications queue for conditional data, with review deadlines',
    description:
      'Applications under review first, earliest application_review deadline first (so the overdue lead), then those ' +
      'waiting for the applicant’s supplement (no clock runs), then decided, signed or withdrawn ones; ties by id. ' +
      'The deadline is counted under the rulebook version the submission (or the last supplement) was recorded ' +
      `under, on the Asia/Shanghai working-day calendar; \`overdue\` at the time of the request. ${SCOPE_NOTE}; a ` +
      'data user only its own applications. No personal data: the applicant’s details stay sealed in the journal. ' +
      `${PAGING_NOTE} ${MIN_POSITION_NOTE}`,
  })
  @ApiOkResponse({ type: ApplicationPageDto })
  async list(
    @Query() query: ApplicationQueueQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<ApplicationPageDto> {
    const scope = listScopeOf(accessScopeOf(principal), query.organizationId);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return this.reader.applications(
      { status: query.status, datasetId: query.datasetId, overdue: query.overdue },
      scope,
      { limit: query.limit ?? DEFAULT_ACCESS_PAGE, cursor: query.cursor },
      new Date(),
    );
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'The application (`application-<id>`).' })
  @ApiOperation({
    summary: 'One application, as in the queue',
    description:
      `Readers as for the queue. An application outside the caller’s scope is 404 \`ApplicationNotFound\`, as an ` +
      `unknown one. ${MIN_POSITION_NOTE}`,
  })
  @ApiOkResponse({ type: ApplicationItemDto })
  async read(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: MinPositionQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<ApplicationItemDto> {
    const scope = accessScopeOf(principal);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return visible(
      await this.reader.application(id, new Date()),
      scope,
      'ApplicationNotFound',
      `no application ${id}`,
    );
  }
}

/** The grants registry (GET beside the commands of the grants controller on the same path). */
@ApiTags('grants')
@ApiBearerAuth()
@Controller('v1/grants')
export class GrantViewsController {
  constructor(
    private readonly reader: AccessViewsReader,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'The grants registry: who may use which conditional data, until when, and the next usage report due',
    description:
      'Every grant opened by a signed data utilisation agreement, by id, with its status (active, suspended, revoked, ' +
      'expired) and the next usage report due (one reportingInterval after validFrom or after the end of the latest ' +
      `period reported on). ${SCOPE_NOTE}; a data user only its own grants (another \`grantee\`: an empty list). ` +
      `${PAGING_NOTE} ${MIN_POSITION_NOTE}`,
  })
  @ApiOkResponse({ type: GrantPageDto })
  async list(
    @Query() query: GrantRegistryQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<GrantPageDto> {
    const scope = listScopeOf(accessScopeOf(principal), query.organizationId);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return this.reader.grants(
      { status: query.status, datasetId: query.datasetId, grantee: query.grantee },
      scope,
      { limit: query.limit ?? DEFAULT_ACCESS_PAGE, cursor: query.cursor },
      new Date(),
    );
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'The grant (`grant-<id>`).' })
  @ApiOperation({
    summary: 'One grant, as in the registry',
    description:
      `Readers as for the registry. A grant outside the caller’s scope is 404 \`GrantNotFound\`, as an unknown one. ` +
      MIN_POSITION_NOTE,
  })
  @ApiOkResponse({ type: GrantItemDto })
  async read(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: MinPositionQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<GrantItemDto> {
    const scope = accessScopeOf(principal);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return visible(await this.reader.grant(id, new Date()), scope, 'GrantNotFound', `no grant ${id}`);
  }
}

/** The violation cases (GET beside the commands of the violations controller on the same path). */
@ApiTags('violations')
@ApiBearerAuth()
@Controller('v1/violations')
export class ViolationViewsController {
  constructor(
    private readonly reader: AccessViewsReader,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The violation cases',
    description:
      'Open cases (reported, investigating) first, then confirmed or dismissed ones, each oldest report first; ties by ' +
      'id. The rulebook sets no deadline for violation cases: no `dueAt`, never `overdue`. The dataset and principal ' +
      `are as reported, else those of the grant the case names. ${SCOPE_NOTE}; data users: 403. No description, ` +
      `findings or explanation (free text that may name people). ${PAGING_NOTE} ${MIN_POSITION_NOTE}`,
  })
  @ApiOkResponse({ type: ViolationPageDto })
  async list(
    @Query() query: ViolationQueueQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<ViolationPageDto> {
    const scope = listScopeOf(accessScopeOf(principal), query.organizationId);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return this.reader.violations(
      { status: query.status, source: query.source, datasetId: query.datasetId },
      scope,
      { limit: query.limit ?? DEFAULT_ACCESS_PAGE, cursor: query.cursor },
    );
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'The violation case (`violation-<id>`).' })
  @ApiOperation({
    summary: 'One violation case',
    description:
      'Readers as for the list. A case outside the caller’s scope (for a body officer: one on another body’s dataset, ' +
      `or on no known dataset) is 404 \`ViolationNotFound\`, as an unknown one. ${MIN_POSITION_NOTE}`,
  })
  @ApiOkResponse({ type: ViolationItemDto })
  async read(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: MinPositionQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<ViolationItemDto> {
    const scope = accessScopeOf(principal);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return visible(await this.reader.violation(id), scope, 'ViolationNotFound', `no violation case ${id}`);
  }
}

/** Suspected violations the ledger's detection recorded (SuspectedViolationDetected in `detection-<datasetId>`). */
@ApiTags('violations')
@ApiBearerAuth()
@Controller('v1/detections')
export class DetectionViewsController {
  constructor(
    private readonly reader: AccessViewsReader,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Suspected violations: accesses to conditional data that no active grant covers',
    description:
      'Newest first. Each names the DataAccessed event, the principal, the grant it named (if any), why it looked like ' +
      `a violation, and the violation case raised from it (if any). A suspicion, not a finding. ${SCOPE_NOTE}; data ` +
      `users: 403. ${PAGING_NOTE} ${MIN_POSITION_NOTE}`,
  })
  @ApiOkResponse({ type: DetectionPageDto })
  async list(
    @Query() query: DetectionListQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<DetectionPageDto> {
    const scope = listScopeOf(accessScopeOf(principal), query.organizationId);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return this.reader.detections({ datasetId: query.datasetId, principal: query.principal }, scope, {
      limit: query.limit ?? DEFAULT_ACCESS_PAGE,
      cursor: query.cursor,
    });
  }
}

/** Revocation notices the public may read (violations "recorded and may be made public"). */
@ApiTags('public')
@Controller('v1/public/revocations')
export class PublicRevocationsController {
  constructor(
    private readonly reader: AccessViewsReader,
    private readonly readiness: ViewReadiness,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Public notices of closed data access (关闭数据获取权限)',
    description:
      'No key needed. Every revocation recorded with `publicize: true`, newest first: the grant, the dataset and its ' +
      'title, the body, when and why, and the violation case and its sanction when a confirmed violation caused it. ' +
      `Never the grantee nor any personal data; revocations not made public are not listed. ${PAGING_NOTE} ` +
      MIN_POSITION_NOTE,
  })
  @ApiOkResponse({ type: PublicRevocationPageDto })
  async list(@Query() query: PublicRevocationsQuery): Promise<PublicRevocationPageDto> {
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    return this.reader.publicRevocations(
      { datasetId: query.datasetId, organizationId: query.organizationId },
      { limit: query.limit ?? DEFAULT_ACCESS_PAGE, cursor: query.cursor },
    );
  }
}
