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
import { ApplicationAction, RunApplicationCommand } from './application-commands.handler';
import {
  ApproveApplicationDto,
  RejectApplicationDto,
  RequestSupplementDto,
  SubmitApplicationDto,
  SupplementApplicationDto,
} from './conditional-access.dto';

const EMPTY_BODY = { required: false, schema: { type: 'object', additionalProperties: false, example: {} } };

/**
 * Conditional access by application (有条件开放): a data user applies, the dataset's body reviews
 * and approves with a data utilisation agreement, and the applicant's signature opens the grant.
 */
@ApiTags('applications')
@ApiBearerAuth()
@Controller('v1/applications')
export class ApplicationsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Apply for a conditional dataset (ApplicationSubmitted); data users only',
    description:
      'The dataset must be conditional and open; the requested fields must be the dataset’s. The caller owns the application: only it supplements, withdraws and signs. The applicant’s details are sealed as personal data. A retry with the same id and content answers 200 and records nothing.',
  })
  @ApiCreatedResponse({ type: CommandResponseDto })
  async submit(
    @Body() body: SubmitApplicationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponseDto> {
    const { id = randomUUID(), applicant, requestedPeriod, requestedFields, ...submission } = body;
    const action: ApplicationAction = {
      type: 'SubmitApplication',
      submission: definedOnly({
        ...submission,
        requestedFields: [...requestedFields],
        requestedPeriod: { from: requestedPeriod.from, until: requestedPeriod.until },
        applicant: applicant && { name: applicant.name, contact: applicant.contact },
      }),
    };
    const response = await this.run(id, action, principal, request, reply);
    if (response.events.length === 0) reply.status(200);
    return response;
  }

  @Post(':id/request-supplement')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ask the applicant for more (ApplicationSupplementRequested); stops the review clock',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  requestSupplement(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: RequestSupplementDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const action: ApplicationAction = { type: 'RequestApplicationSupplement', questions: body.questions };
    return this.run(id, action, principal, request, reply, ifMatch);
  }

  @Post(':id/supplement')
  @HttpCode(200)
  @ApiOperation({ summary: 'Answer the reviewer (ApplicationSupplemented); restarts the review clock' })
  @ApiOkResponse({ type: CommandResponseDto })
  supplement(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: SupplementApplicationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const action: ApplicationAction = { type: 'SupplementApplication', answers: body.answers };
    return this.run(id, action, principal, request, reply, ifMatch);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve with the data utilisation agreement’s terms (ApplicationApproved)',
    description:
      'Officers of the dataset’s organisation only. The agreement’s fields are a subset of those requested; validUntil lies in the future.',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  approve(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: ApproveApplicationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const { scope, fields, validFrom, validUntil, obligations, reportingInterval } = body.agreement;
    const action: ApplicationAction = {
      type: 'ApproveApplication',
      agreement: { scope, fields: [...fields], validFrom, validUntil, obligations, reportingInterval },
    };
    return this.run(id, action, principal, request, reply, ifMatch);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject, naming the reasons (ApplicationRejected)' })
  @ApiOkResponse({ type: CommandResponseDto })
  reject(
    @Param('id', AggregateIdPipe) id: string,
    @Body() body: RejectApplicationDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const action: ApplicationAction = {
      type: 'RejectApplication',
      rejection: { reasonCodes: [...body.reasonCodes], explanation: body.explanation },
    };
    return this.run(id, action, principal, request, reply, ifMatch);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiBody(EMPTY_BODY)
  @ApiOperation({ summary: 'Withdraw the application before signing (ApplicationWithdrawn)' })
  @ApiOkResponse({ type: CommandResponseDto })
  withdraw(
    @Param('id', AggregateIdPipe) id: string,
    @Body(EmptyBodyPipe) _body: object,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(id, { type: 'WithdrawApplication' }, principal, request, reply, ifMatch);
  }

  @Post(':id/sign-agreement')
  @HttpCode(200)
  @ApiBody(EMPTY_BODY)
  @ApiOperation({
    summary: 'Sign the approved agreement (AgreementSigned): opens the grant in the same append',
    description:
      'The answer’s events include AccessGranted in stream grant-<grantId>; the grant’s id is the application’s id.',
  })
  @ApiOkResponse({ type: CommandResponseDto })
  signAgreement(
    @Param('id', AggregateIdPipe) id: string,
    @Body(EmptyBodyPipe) _body: object,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CommandResponseDto> {
    return this.run(id, { type: 'SignAgreement' }, principal, request, reply, ifMatch);
  }

  private async run(
    id: string,
    action: ApplicationAction,
    principal: AuthenticatedPrincipal,
    request: FastifyRequest,
    reply: FastifyReply,
    ifMatch?: string,
  ): Promise<CommandResponseDto> {
    const result = await this.commandBus.execute<RunApplicationCommand, CommandResult>(
      new RunApplicationCommand(id, action, actorOf(principal), request.id, parseIfMatch(ifMatch)),
    );
    return commandResponse(reply, id, result);
  }
}
