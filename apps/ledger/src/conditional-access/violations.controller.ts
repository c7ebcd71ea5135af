import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandResult } from '@ledger/runtime';
import { actorOf, CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { AggregateIdPipe } from '../http/aggregate-id';
import { definedOnly, EmptyBodyPipe } from '../http/command-body';
import { commandResponse, CommandResponseDto, parseIfMatch } from '../http/command-response';
import { ConfirmViolationDto, DismissViolationDto, ReportViolationDto } from './conditional-access.dto';
import { RunViolationCommand, ViolationAction } from './violation-commands.handler';

/** Violation cases (supervisors): illegal acquisition or use beyond the agreement closes the user's access. */
@ApiTags('violations')
@ApiBearerAuth()
@Controller('v1/violations')
export class ViolationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Open a violation case about a grant or a principal (ViolationReported)',
    description:
      'Give grantId or principal (one of the two). With accessEventId (from GET /v1/detections) the case is opened from a detection: its source is `detection`, and the access’s dataset and grant (or principal) are taken from the recorded access.',
  })
  @ApiCreatedResponse({ type: CommandResponseDto })
  async report(
    @Body() body: ReportViolationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const { id = randomUUID(), ...report } = body;
    const action: ViolationAction = { type: 'ReportViolation', report: definedOnly({ ...report }) };
    const response = await this.run(id, action, principal, request, reply);
    if (response.events.length === 0) reply.status(200);
    return response;
  }

  @Post(':id/open-investigation')
  @HttpCode(200)
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, example: {} } })
  @ApiOperation({ summary: 'Start investigating (ViolationInvestigationOpened)' })
  @ApiOkResponse({ type: CommandResponseDto })
  openInvestigation(
    @Param('id', AggregateIdPipe) id: string,
    @Body(EmptyBodyPipe) _body: object,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(id, { type: 'OpenViolationInvestigation' }, principal, request, reply, ifMatch);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm the violation (ViolationConfirmed): the case’s grant is revoked in the same append',
    description:
      'With a grant that is still active or suspended, AccessRevoked is recorded with the case; publicize lists it at GET /v1/public/revocations.',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  confirm(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ConfirmViolationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const confirmation = { sanction: body.sanction, findings: body.findings, publicize: body.publicize };
    return this.run(id, { type: 'ConfirmViolation', confirmation }, principal, request, reply, ifMatch);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dismiss the case, explaining why (ViolationDismissed)' })
  @ApiOkResponse({ type: CommandResponseDto })
  dismiss(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: DismissViolationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const action: ViolationAction = { type: 'DismissViolation', explanation: body.explanation };
    return this.run(id, action, principal, request, reply, ifMatch);
  }

  private async run(
    id: string,
    action: ViolationAction,
    principal: AuthenticatedPrincipal,
    request: FastifyRequest,
    reply: FastifyReply,
    ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const result = await this.commandBus.execute<RunViolationCommand, CommandResult>(
      new RunViolationCommand(id, action, actorOf(principal), request.id, parseIfMatch(ifMatch)),
    );
    return commandResponse(reply, id, result);
  }
}
