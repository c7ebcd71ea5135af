import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandResult } from '@ledger/runtime';
import { actorOf, CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { AggregateIdPipe } from '../http/aggregate-id';
import { definedOnly } from '../http/command-body';
import { commandResponse, CommandResponseDto, parseIfMatch } from '../http/command-response';
import { ReportUsageDto, GrantReasonDto, RevokeGrantDto } from './conditional-access.dto';
import { GrantAction, RunGrantCommand } from './grant-commands.handler';

/** Grants opened by signed agreements: usage reports by the grantee, suspension, reinstatement and revocation. */
@ApiTags('grants')
@ApiBearerAuth()
@Controller('v1/grants')
export class GrantsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/usage-reports')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Report on the use of the data for a period (UsageReported); the grantee only',
    description:
      'Refused on a revoked grant. An expired grant takes a final report for a period within its validity. Stops the usage-report clock until the next interval.',
  })
  @ApiCreatedResponse({ type: CommandResponseDto })
  async reportUsage(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ReportUsageDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const report = definedOnly({
      period: { from: body.period.from, until: body.period.until },
      summary: body.summary,
      outputs: body.outputs && [...body.outputs],
    });
    const response = await this.run(id, { type: 'ReportUsage', report }, principal, request, reply, ifMatch);
    if (response.events.length === 0) reply.status(200);
    return response;
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Suspend the grant pending a check (GrantSuspended)',
    description: 'Supervisors, and officers of the dataset’s organisation.',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  suspend(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: GrantReasonDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(id, { type: 'SuspendGrant', reason: body.reason }, principal, request, reply, ifMatch);
  }

  @Post(':id/reinstate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reinstate a suspended grant (GrantReinstated)',
    description: 'Supervisors, and officers of the dataset’s organisation.',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  reinstate(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: GrantReasonDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(id, { type: 'ReinstateGrant', reason: body.reason }, principal, request, reply, ifMatch);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close the access for good (AccessRevoked); supervisors only',
    description: 'With publicize: true the revocation is listed at GET /v1/public/revocations.',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  revoke(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: RevokeGrantDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const revocation = definedOnly({
      reason: body.reason,
      violationCaseId: body.violationCaseId,
      publicize: body.publicize,
    });
    return this.run(id, { type: 'RevokeGrant', revocation }, principal, request, reply, ifMatch);
  }

  private async run(
    id: string,
    action: GrantAction,
    principal: AuthenticatedPrincipal,
    request: FastifyRequest,
    reply: FastifyReply,
    ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const result = await this.commandBus.execute<RunGrantCommand, CommandResult>(
      new RunGrantCommand(id, action, actorOf(principal), request.id, parseIfMatch(ifMatch)),
    );
    return commandResponse(reply, id, result);
  }
}
