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
import { actorOrAnonymous, CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { AggregateIdPipe } from '../http/aggregate-id';
import { definedOnly, EmptyBodyPipe } from '../http/command-body';
import { commandResponse, CommandResponseDto, parseIfMatch } from '../http/command-response';
import { CorrectionAction, correctionStreamId, RunCorrectionCommand } from './filing-commands.handler';
import { FileCorrectionDto, FilingResponseDto, ResolveCorrectionDto } from './filing.dto';

/** Data correction (数据纠错): anyone reports an error, with or without a key; the dataset's body verifies and resolves. */
@ApiTags('corrections')
@ApiBearerAuth()
@Controller('v1/corrections')
export class CorrectionsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Report an error or omission in a released version (CorrectionRequested); no login needed',
    description:
      'The reporter’s details and the evidence are personal data: sealed under the reporter’s own key before they are recorded. The answer’s receipt shows the filing’s status at GET /v1/public/filings/{receipt}. A retry with the same id and content answers 200 and records nothing.',
  })
  @ApiCreatedResponse({ type: FilingResponseDto })
  async file(
    @Body() body: FileCorrectionDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FilingResponseDto> {
    const { id = randomUUID(), reporter, ...filing } = body;
    const action: CorrectionAction = {
      type: 'RequestCorrection',
      filing: definedOnly({
        ...filing,
        ...(reporter && { reporter: { name: reporter.name, contact: reporter.contact } }),
      }),
    };
    const response = await this.run(id, action, principal, request, reply);
    if (response.events.length === 0) reply.status(200);
    return { ...response, receipt: correctionStreamId(id) };
  }

  @Post(':id/start-verification')
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, example: {} } })
  @HttpCode(200)
  @ApiOperation({ summary: 'Start verifying the correction (CorrectionVerificationStarted)' })
  @ApiOkResponse({ type: CommandResponseDto })
  startVerification(
    @Param('id', AggregateIdPipe) id: string,
    @Body(EmptyBodyPipe) _body: object,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(id, { type: 'StartCorrectionVerification' }, principal, request, reply, ifMatch);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Resolve: corrected (naming the release that carries the correction) or no_error_found, with an explanation',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  resolve(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ResolveCorrectionDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const resolution = definedOnly({
      outcome: body.outcome,
      releaseVersion: body.releaseVersion,
      explanation: body.explanation,
    });
    return this.run(id, { type: 'ResolveCorrection', resolution }, principal, request, reply, ifMatch);
  }

  private async run(
    id: string,
    action: CorrectionAction,
    principal: AuthenticatedPrincipal | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const actor = actorOrAnonymous(principal);
    const result = await this.commandBus.execute<RunCorrectionCommand, CommandResult>(
      new RunCorrectionCommand(id, action, actor, request.id, parseIfMatch(ifMatch)),
    );
    return commandResponse(reply, id, result);
  }
}
