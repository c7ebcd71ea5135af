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
import { ObjectionAction, objectionStreamId, RunObjectionCommand } from './filing-commands.handler';
import { FileObjectionDto, FilingResponseDto, ResolveObjectionDto } from './filing.dto';

/**
 * Rights protection (权益保护): whoever believes opened data infringes their privacy or trade secret
 * notifies the dataset's body; the body may suspend at once, verifies, then withdraws, restores, or
 * reopens after processing — each outcome recorded with its effect on the dataset in one append.
 */
@ApiTags('objections')
@ApiBearerAuth()
@Controller('v1/objections')
export class ObjectionsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Object to opened data on privacy, trade-secret or other rights grounds (ObjectionFiled); no login needed',
    description:
      'The objector’s details and the evidence are sealed under the objector’s own key. `suspend: true` (only a body officer of the dataset’s organisation) also records DatasetSuspended {cause: objection} in the same append. A retry with the same id and content answers 200 and records nothing.',
  })
  @ApiCreatedResponse({ type: FilingResponseDto })
  async file(
    @Body() body: FileObjectionDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FilingResponseDto> {
    const { id = randomUUID(), objector, ...filing } = body;
    const action: ObjectionAction = {
      type: 'FileObjection',
      filing: definedOnly({ ...filing, objector: { name: objector.name, contact: objector.contact } }),
    };
    const response = await this.run(id, action, principal, request, reply);
    if (response.events.length === 0) reply.status(200);
    return { ...response, receipt: objectionStreamId(id) };
  }

  @Post(':id/start-verification')
  @ApiBody({ required: false, schema: { type: 'object', additionalProperties: false, example: {} } })
  @HttpCode(200)
  @ApiOperation({ summary: 'Start verifying the objection (ObjectionVerificationStarted)' })
  @ApiOkResponse({ type: CommandResponseDto })
  startVerification(
    @Param('id', AggregateIdPipe) id: string,
    @Body(EmptyBodyPipe) _body: object,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(id, { type: 'StartObjectionVerification' }, principal, request, reply, ifMatch);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Resolve: withdrawn (DatasetWithdrawn), restored (DatasetRestored) or reopened_after_processing (a new release with masking rules), in one append',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  resolve(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ResolveObjectionDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const resolution = definedOnly({
      outcome: body.outcome,
      explanation: body.explanation,
      release: body.release,
    });
    return this.run(id, { type: 'ResolveObjection', resolution }, principal, request, reply, ifMatch);
  }

  private async run(
    id: string,
    action: ObjectionAction,
    principal: AuthenticatedPrincipal | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const actor = actorOrAnonymous(principal);
    const result = await this.commandBus.execute<RunObjectionCommand, CommandResult>(
      new RunObjectionCommand(id, action, actor, request.id, parseIfMatch(ifMatch)),
    );
    return commandResponse(reply, id, result);
  }
}
