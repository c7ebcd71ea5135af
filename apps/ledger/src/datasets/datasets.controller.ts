import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
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
import { DatasetCommand } from '@ledger/domain';
import { CommandResult } from '@ledger/runtime';
import { actorOf, CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { AggregateIdPipe } from '../http/aggregate-id';
import { definedOnly } from '../http/command-body';
import { commandResponse, CommandResponseDto, parseIfMatch } from '../http/command-response';
import { Problem } from '../http/problem';
import { RunDatasetCommand } from './dataset-commands.handler';
import {
  DatasetDiffDto,
  datasetDtoOf,
  DatasetQuery,
  DiffQuery,
  HistoryPageDto,
  HistoryQuery,
  parseAsOf,
} from './dataset-history.dto';
import { DatasetHistoryService } from './dataset-history.service';
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
    private readonly history: DatasetHistoryService,
  ) {}

  @Post()
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
      'A dataset’s state, now or as of a time or position, folded from its stream with the deciders’ own evolve',
    description:
      'Without `asOf`: the current state, with its stream version as ETag. With `asOf`: the state after the ' +
      'dataset’s last event at or before that time (compared with recordedAt) or journal position; 404 ' +
      '`DatasetNotFound` if it was not registered yet then. Read from the journal itself, so `minPosition` ' +
      'never waits; beyond the journal’s head it is 400 `PositionBeyondHead`, as is such an `asOf` position.',
  })
  @ApiOkResponse({ type: DatasetDto })
  async read(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: DatasetQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DatasetDto> {
    await this.history.ensureWritten(query.minPosition);
    if (query.asOf !== undefined) {
      const then = await this.history.asOf(id, parseAsOf(query.asOf));
      if (!then) {
        throw Problem.notFound(
          'DatasetNotFound',
          `dataset ${id} was not on the open list as of ${query.asOf}`,
        );
      }
      return datasetDtoOf(id, then);
    }
    const now = await this.history.current(id);
    if (!now) throw Problem.notFound('DatasetNotFound', `no dataset ${id} is on the open list`);
    reply.header('etag', `"${now.version}"`);
    return datasetDtoOf(id, now);
  }

  @Get(':id/history')
  @ApiOperation({
    summary: 'A dataset’s timeline: every event with its actor, legal basis, a summary and what it changed',
    description:
      'Oldest first, paged by stream version: pass `next` back as `cursor`. 404 `DatasetNotFound` for an unknown dataset.',
  })
  @ApiOkResponse({ type: HistoryPageDto })
  async timeline(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: HistoryQuery,
  ): Promise<HistoryPageDto> {
    await this.history.ensureWritten(query.minPosition);
    const page = await this.history.history(id, { cursor: query.cursor, limit: query.limit ?? 100 });
    if (!page) throw Problem.notFound('DatasetNotFound', `no dataset ${id} is on the open list`);
    return page;
  }

  @Get(':id/diff')
  @ApiOperation({
    summary: 'A dataset as of two journal positions, and which of its members changed in between',
    description:
      '`from` ≤ `to` ≤ the journal’s head, else 400. `from` is absent when the dataset was registered after it; ' +
      '404 `DatasetNotFound` when it was not registered as of `to` either.',
  })
  @ApiOkResponse({ type: DatasetDiffDto })
  async diff(@Param('id', AggregateIdPipe) id: string, @Query() query: DiffQuery): Promise<DatasetDiffDto> {
    if (query.from > query.to) {
      throw Problem.badRequest('ValidationFailed', 'the request does not fit this endpoint; see errors', [
        { field: '/from', message: `must be at most to (${query.to})` },
      ]);
    }
    await this.history.ensureWritten(query.minPosition);
    const diff = await this.history.diff(id, query.from, query.to);
    if (!diff) {
      throw Problem.notFound(
        'DatasetNotFound',
        `dataset ${id} was not on the open list as of position ${query.to}`,
      );
    }
    return {
      ...(diff.from && { from: datasetDtoOf(id, diff.from) }),
      to: datasetDtoOf(id, diff.to),
      changes: diff.changes,
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
