import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authority } from '@ledger/domain';
import { actorOf, CurrentPrincipal } from '../access/access.decorators';
import { AuthenticatedPrincipal, PrincipalDirectory } from '../access/principal-directory';
import { commandResponse, CommandResponseDto, parseIfMatch } from '../http/command-response';
import { Page, pageById, PageQuery } from '../http/pagination';
import { Problem } from '../http/problem';
import {
  AuthorityDto,
  ChangeRoleDto,
  CreatePrincipalDto,
  IssuedKeyResponseDto,
  IssueKeyDto,
  PrincipalDto,
  PrincipalPageDto,
  RevokeKeyQuery,
} from './principal.dto';
import { PrincipalCommandResult, RunPrincipalCommand } from './principal-commands.handler';

@ApiTags('principals')
@ApiBearerAuth()
@Controller('v1/principals')
export class PrincipalsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly directory: PrincipalDirectory,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a principal with a role, and issue its first API key (shown once)' })
  @ApiCreatedResponse({ type: IssuedKeyResponseDto })
  async create(
    @Body() body: CreatePrincipalDto,
    @CurrentPrincipal() caller: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssuedKeyResponseDto> {
    const id = randomUUID();
    const result = await this.run(
      new RunPrincipalCommand(
        id,
        { type: 'CreatePrincipal', name: body.name, authority: authorityOf(body) },
        actorOf(caller),
        request.id,
      ),
    );
    return withIssuedKey(commandResponse(reply, id, result), result);
  }

  @Get()
  @ApiOperation({ summary: 'List principals and the state of their keys (never the keys themselves)' })
  @ApiOkResponse({ type: PrincipalPageDto })
  list(@Query() query: PageQuery): Page<PrincipalDto> {
    return pageById(this.directory.listPrincipals(), query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a principal (platform admins, or the principal itself)' })
  @ApiOkResponse({ type: PrincipalDto })
  read(@Param('id') id: string, @CurrentPrincipal() caller: AuthenticatedPrincipal): PrincipalDto {
    assertAdminOrSelf(caller, id);
    return this.existing(id);
  }

  @Post(':id/role')
  @HttpCode(200)
  @ApiOperation({ summary: "Change a principal's role, organisation or publishing scope" })
  @ApiOkResponse({ type: CommandResponseDto })
  async changeRole(
    @Param('id') id: string,
    @Body() body: ChangeRoleDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() caller: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const result = await this.run(
      new RunPrincipalCommand(
        id,
        { type: 'ChangePrincipalRole', authority: authorityOf(body) },
        actorOf(caller),
        request.id,
        parseIfMatch(ifMatch),
      ),
    );
    return commandResponse(reply, id, result);
  }

  @Post(':id/keys')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue a new API key (shown once); with "replaces", revoke an old one in the same step',
    description: 'Platform admins for anyone; any principal for itself.',
  })
  @ApiCreatedResponse({ type: IssuedKeyResponseDto })
  async issueKey(
    @Param('id') id: string,
    @Body() body: IssueKeyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() caller: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssuedKeyResponseDto> {
    assertAdminOrSelf(caller, id);
    const result = await this.run(
      new RunPrincipalCommand(
        id,
        { type: 'IssueApiKey', replaces: body.replaces },
        actorOf(caller),
        request.id,
        parseIfMatch(ifMatch),
      ),
    );
    return withIssuedKey(commandResponse(reply, id, result), result);
  }

  @Delete(':id/keys/:keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (platform admins for anyone; any principal for itself)' })
  @ApiOkResponse({ type: CommandResponseDto })
  async revokeKey(
    @Param('id') id: string,
    @Param('keyId') keyId: string,
    @Query() query: RevokeKeyQuery,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() caller: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    assertAdminOrSelf(caller, id);
    const reason = query.reason ?? `revoked by ${caller.id}`;
    const result = await this.run(
      new RunPrincipalCommand(
        id,
        { type: 'RevokeApiKey', keyId, reason },
        actorOf(caller),
        request.id,
        parseIfMatch(ifMatch),
      ),
    );
    return commandResponse(reply, id, result);
  }

  private run(command: RunPrincipalCommand): Promise<PrincipalCommandResult> {
    return this.commandBus.execute(command);
  }

  private existing(id: string): PrincipalDto {
    const principal = this.directory.principal(id);
    if (!principal) throw Problem.notFound('PrincipalNotFound', `no principal ${id}`);
    return principal;
  }
}

function authorityOf(body: AuthorityDto): Authority {
  return {
    role: body.role,
    ...(body.organizationId !== undefined && { organizationId: body.organizationId }),
    ...(body.publish !== undefined && {
      publish: { types: body.publish.types, sources: body.publish.sources },
    }),
  };
}

function withIssuedKey(response: CommandResponseDto, result: PrincipalCommandResult): IssuedKeyResponseDto {
  const issued = result.issued as { keyId: string; token: string };
  return { ...response, keyId: issued.keyId, token: issued.token };
}

function assertAdminOrSelf(caller: AuthenticatedPrincipal, principalId: string): void {
  if (caller.role !== 'platform_admin' && caller.id !== principalId) {
    throw Problem.forbidden('only a platform admin, or the principal itself, may do this');
  }
}
