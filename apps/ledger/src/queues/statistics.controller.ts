import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../access/access.decorators';
import { AuthenticatedPrincipal, PrincipalDirectory } from '../access/principal-directory';
import { OrganizationEvaluationDto } from '../access-views/access-statistics.dto';
import { ACCESS_VIEWS, AccessViewsReader } from '../access-views/access-views.reader';
import { AggregateIdPipe } from '../http/aggregate-id';
import { Problem } from '../http/problem';
import { isRecordableInstant } from '../http/rfc3339';
import { ViewReadiness } from '../views/view-readiness';
import { CASE_QUEUES_VIEW, CaseQueueReader } from './case-queue.reader';
import { organizationInScope } from './case-queues.controller';
import { OrganizationStatisticsQuery } from './statistics.dto';
import { StatisticsReuse } from './statistics-reuse';

/** Evaluation figures per data-opening body (考核评价; domain.md, "Evaluation figures"). */
@ApiTags('statistics')
@ApiBearerAuth()
@Controller('v1/statistics/organizations')
export class StatisticsController {
  constructor(
    private readonly reader: CaseQueueReader,
    private readonly readiness: ViewReadiness,
    private readonly directory: PrincipalDirectory,
    private readonly access: AccessViewsReader,
    private readonly reuse: StatisticsReuse,
  ) {}

  @Get(':id')
  @ApiParam({ name: 'id', description: 'The organisation (data-opening body).' })
  @ApiOperation({
    summary: 'Evaluation figures of a data-opening body for a period',
    description:
      'For [from, to): corrections and objections filed and resolved (by outcome); time to decide (median, p90, share ' +
      'within the verification deadline) over the cases resolved in the period; time from objection to suspension ' +
      '(median, share by the close of the same working day) over the suspensions made in the period; the share of ' +
      'corrections resolved that produced a new release; the releases made in time for their dataset_update deadline. ' +
      '`openNow` and `overdueNow` are counted at `asOf`, whenever the cases were filed. Durations in seconds; shares ' +
      'from 0 to 1, null when there is nothing to divide. Conditional access (the access views): applications ' +
      'submitted, decided (approved / rejected, grant and reject rates, reason codes), withdrawn, time to decide ' +
      '(from submission, median, p90, share within the application_review deadline), open, waiting for a ' +
      'supplement and overdue now; grants opened, revoked (publicly, for a violation), expired, active, suspended ' +
      'and with a usage report overdue now; violation cases reported, confirmed (by sanction), dismissed, open now, ' +
      'and suspected violations detected by reason. Platform admins, supervisors and compliance officers: any body; ' +
      'a body officer: its own (else 403 `NotYourOrganization`). Unknown organisation: 404. With `minPosition` it answers once the view has ' +
      'applied that position (up to 5 s, then 503 `ViewNotCaughtUp`). One computation answers the same question ' +
      '(organisation, from, to) for LEDGER_STATISTICS_REUSE_MS (default 5 s; `asOf` says when it was computed), unless ' +
      '`minPosition` asks for a later position than it included.',
  })
  @ApiOkResponse({ type: OrganizationEvaluationDto })
  async read(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: OrganizationStatisticsQuery,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<OrganizationEvaluationDto> {
    organizationInScope(principal, id);
    const now = new Date();
    const to = query.to === undefined ? now : new Date(query.to);
    const from = query.from === undefined ? undefined : new Date(query.from);
    // Year 0000 or 10000 (after the offset) reached SQL, which cannot hold either: a 500.
    if (!isRecordableInstant(to.getTime()) || (from !== undefined && !isRecordableInstant(from.getTime()))) {
      throw Problem.badRequest('ValidationFailed', 'from and to must be times that exist', [
        {
          field: isRecordableInstant(to.getTime()) ? '/from' : '/to',
          message: 'is not a time that exists from the year 1000 to 9999',
        },
      ]);
    }
    if (from !== undefined && from.getTime() >= to.getTime()) {
      throw Problem.badRequest('InvalidPeriod', 'the period [from, to) must end after it begins', [
        { field: '/to', message: 'must be after from' },
      ]);
    }
    if (!this.directory.organization(id)) {
      await this.directory.catchUp();
      if (!this.directory.organization(id))
        throw Problem.notFound('OrganizationNotFound', `no organisation ${id} is registered`);
    }
    await this.readiness.ensure(CASE_QUEUES_VIEW, query.minPosition);
    await this.readiness.ensure(ACCESS_VIEWS, query.minPosition);
    const period = { from: from?.toISOString(), to: to.toISOString() };
    const question = JSON.stringify([id, query.from ?? null, query.to ?? null]);
    const bothViewsApplied = async () =>
      Math.min(await this.readiness.applied(CASE_QUEUES_VIEW), await this.readiness.applied(ACCESS_VIEWS));
    return this.reuse.figures(question, query.minPosition, bothViewsApplied, async () => {
      const [cases, access] = await Promise.all([
        this.reader.statistics(id, period, now),
        this.access.statistics(id, period, now),
      ]);
      return { ...cases, ...access };
    });
  }
}
