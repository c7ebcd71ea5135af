import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../access/access.decorators';
import { AuthenticatedPrincipal, PrincipalDirectory } from '../access/principal-directory';
import { commandResponse, CommandResponseDto } from '../http/command-response';
import { Page, pageById, PageQuery } from '../http/pagination';
import { Problem } from '../http/problem';
import { OrganizationDto, OrganizationPageDto, RegisterOrganizationDto } from './register-organization.dto';
import { RegisterOrganizationCommand } from './register-organization.handler';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('v1/organizations')
export class OrganizationsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly directory: PrincipalDirectory,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an organisation (a data-opening body, a data user, the platform)' })
  @ApiCreatedResponse({ type: CommandResponseDto })
  async register(
    @Body() body: RegisterOrganizationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const id = body.id ?? randomUUID();
    const result = await this.commandBus.execute(
      new RegisterOrganizationCommand(id, body.name, principal, request.id),
    );
    return commandResponse(reply, id, result);
  }

  @Get()
  @ApiOperation({ summary: 'List organisations' })
  @ApiOkResponse({ type: OrganizationPageDto })
  list(@Query() query: PageQuery): Page<OrganizationDto> {
    return pageById(this.directory.listOrganizations(), query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an organisation' })
  @ApiOkResponse({ type: OrganizationDto })
  read(@Param('id') id: string): OrganizationDto {
    const organization = this.directory.organization(id);
    if (!organization) throw Problem.notFound('OrganizationNotFound', `no organisation ${id} is registered`);
    return organization;
  }
}
