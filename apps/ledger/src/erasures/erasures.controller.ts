import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mentionsContact } from '@ledger/runtime';
import { CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { commandResponse } from '../http/command-response';
import { Problem } from '../http/problem';
import { ErasePersonalDataDto, ErasureResponseDto } from './erase-personal-data.dto';
import { ErasePersonalDataCommand, ErasureOutcome } from './erase-personal-data.handler';

@ApiTags('erasures')
@ApiBearerAuth()
@Controller('v1/erasures')
export class ErasuresController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: "Erase a person's personal data everywhere (PersonalDataErased)",
    description:
      'Deletes the keys the personal data of a contact, or filed by a principal, was sealed under, and any ' +
      'plaintext a view kept; the journal keeps the envelopes, which nothing can open any more, and records ' +
      'PersonalDataErased in stream erasure-<id>. 404 NoPersonalDataFound when nothing matches (nothing is written).',
  })
  @ApiCreatedResponse({ type: ErasureResponseDto })
  async erase(
    @Body() body: ErasePersonalDataDto,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ErasureResponseDto> {
    if (body.contact === undefined && body.principalId === undefined) {
      throw Problem.badRequest('ValidationFailed', 'name a contact, a principal, or both', [
        { field: '/contact', message: 'contact or principalId is required' },
      ]);
    }
    if (body.contact !== undefined && mentionsContact(body.reason, body.contact)) {
      throw Problem.badRequest(
        'ReasonNamesContact',
        'the reason is recorded in the journal for good, so it must not repeat the contact being erased',
        [{ field: '/reason', message: 'must not contain the contact' }],
      );
    }
    const id = randomUUID();
    const { result, erased }: ErasureOutcome = await this.commandBus.execute(
      new ErasePersonalDataCommand(id, body.contact, body.principalId, body.reason, principal, request.id),
    );
    return { ...commandResponse(reply, id, result), erased };
  }
}
