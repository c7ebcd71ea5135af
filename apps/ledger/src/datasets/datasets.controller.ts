import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentVersionOf, DatasetCommand, datasetDecider } from '@ledger/domain';
import { CommandLoop, CommandResult } from '@ledger/runtime';
import { actorOf, CurrentPrincipal, Roles } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { AggregateIdPipe, definedOnly } from '../http/aggregate-id.pipe';
import { commandResponse, CommandResponseDto, parseIfMatch } from '../http/command-response';
import { Problem } from '../http/problem';
import { datasetStreamId, RunDatasetCommand } from './dataset-commands.handler';
import {
  DatasetDto,
  ReasonDto,
  ReclassifyDatasetDto,
  RegisterDatasetDto,
  ReleaseDatasetDto,
  SuspendDatasetDto,
} from './dataset.dto';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description:
    'The quoted stream version from an earlier ETag: refused with 412 if the dataset has moved on.',
};

type DatasetCommandWithoutMetadata = DatasetCommand extends infer C
  ? C extends DatasetCommand
    ? Omit<C, 'metadata'>
    : never
  : never;

/** The open list (开放清单): a body officer registers, classifies, releases, suspends, restores and withdraws its own datasets. */
@ApiTags('datasets')
@ApiBearerAuth()
@Controller('v1/datasets')
export class DatasetsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly loop: CommandLoop,
  ) {}

  @Post()
  @Roles('body_officer')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a dataset on its body’s open list, classified (DatasetRegistered)' })
  @ApiCreatedResponse({ type: CommandResponseDto })
  async register(
    @Body() body: RegisterDatasetDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const { id = randomUUID(), ...data } = body;
    const response = await this.run(
      id,
      { type: 'RegisterDataset', data: definedOnly({ ...data }) },
      principal,
      request,
      reply,
    );
    // A retried registration (same id, same content) recorded nothing: 200, not 201.
    if (response.events.length === 0) reply.status(200);
    return response;
  }

  @Post(':id/reclassify')
  @Roles('body_officer')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      'Change the classification (DatasetReclassified); leaving non_open needs a desensitisation or consent reference',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  reclassify(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ReclassifyDatasetDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(
      id,
      { type: 'ReclassifyDataset', data: definedOnly({ ...body }) },
      principal,
      request,
      reply,
      ifMatch,
    );
  }

  @Post(':id/releases')
  @Roles('body_officer')
  @HttpCode(201)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      'Release (open) a new version with the file’s checksum (DatasetReleased); versions strictly increase',
  })
  @ApiCreatedResponse({ type: CommandResponseDto })
  release(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ReleaseDatasetDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const { maskingRules = [], ...rest } = body;
    const data = definedOnly({
      ...rest,
      maskingRules: maskingRules.map(({ field, method }) => ({ field, method })),
    });
    return this.run(id, { type: 'ReleaseDataset', data }, principal, request, reply, ifMatch);
  }

  @Post(':id/suspend')
  @Roles('body_officer')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Suspend opening (DatasetSuspended)' })
  @ApiOkResponse({ type: CommandResponseDto })
  suspend(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: SuspendDatasetDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(
      id,
      { type: 'SuspendDataset', data: definedOnly({ ...body }) },
      principal,
      request,
      reply,
      ifMatch,
    );
  }

  @Post(':id/restore')
  @Roles('body_officer')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOperation({
    summary:
      'Restore opening (DatasetRestored); a suspension caused by an objection is lifted by resolving the objection',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  restore(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ReasonDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(
      id,
      { type: 'RestoreDataset', data: { reason: body.reason } },
      principal,
      request,
      reply,
      ifMatch,
    );
  }

  @Post(':id/withdraw')
  @Roles('body_officer')
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Withdraw the dataset for good (DatasetWithdrawn)' })
  @ApiOkResponse({ type: CommandResponseDto })
  withdraw(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ReasonDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(
      id,
      { type: 'WithdrawDataset', data: { reason: body.reason } },
      principal,
      request,
      reply,
      ifMatch,
    );
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'A dataset’s current state, folded from its stream with the deciders’ own evolve (ETag: its stream version)',
  })
  @ApiOkResponse({ type: DatasetDto })
  async read(
    @Param('id', AggregateIdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DatasetDto> {
    const { state, version, position } = await this.loop.load(datasetDecider, datasetStreamId(id));
    if (state.status === 'unregistered' || version === null || position === null) {
      throw Problem.notFound('DatasetNotFound', `no dataset ${id} is on the open list`);
    }
    reply.header('etag', `"${version}"`);
    return {
      id,
      title: state.title,
      organizationId: state.organizationId,
      classification: state.classification,
      status: state.status,
      currentVersion: currentVersionOf(state),
      releases: state.releases,
      fields: state.fields,
      updateFrequency: state.updateFrequency,
      ...(state.suspension && { suspension: state.suspension }),
      version,
      position,
    };
  }

  private async run(
    datasetId: string,
    command: DatasetCommandWithoutMetadata,
    principal: AuthenticatedPrincipal,
    request: FastifyRequest,
    reply: FastifyReply,
    ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const metadata = { now: new Date(), actor: actorOf(principal) };
    const result = await this.commandBus.execute<RunDatasetCommand, CommandResult>(
      new RunDatasetCommand(
        datasetId,
        { ...command, metadata } as DatasetCommand,
        request.id,
        parseIfMatch(ifMatch),
      ),
    );
    return commandResponse(reply, datasetId, result);
  }
}
