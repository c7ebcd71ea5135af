import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { actorOf, CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { AggregateIdPipe } from '../http/aggregate-id';
import { CaseKind, PersonalDataDisclosureService } from './personal-data-disclosure.service';

export class PersonalDataDisclosureDto {
  @ApiProperty({ example: 'correction-5f0c…' }) caseStream!: string;
  @ApiProperty({
    description: 'Where this read is recorded (PersonalDataDisclosed): every plain-text read leaves a trace.',
    example: 'disclosure-9a1e…',
  })
  disclosureStream!: string;
  @ApiProperty({
    description:
      'Each sealed member that can still be opened, in plain text: reporter / objector / applicant ({name, contact}) and evidence.',
    example: { reporter: { name: '张三', contact: 'zhangsan@example.cn' }, evidence: 'photo of stop 1042' },
  })
  personalData!: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'Members whose keys were erased: nothing is left to show.' })
  erased!: string[];
}

const WHO =
  'Only officers of the organisation whose dataset the case is about (they answer the person), and for an application also the applicant. Supervisors, compliance officers and platform admins see the sealed envelopes only. The read is recorded as PersonalDataDisclosed before anything is shown.';

/** Plain-text personal data of a case, for who needs it to handle the case; every read recorded. */
@ApiTags('personal data')
@ApiBearerAuth()
@Controller('v1')
export class PersonalDataController {
  constructor(private readonly disclosures: PersonalDataDisclosureService) {}

  @Get('corrections/:id/personal-data')
  @ApiOperation({
    summary: 'The reporter’s details and the evidence of a correction, in plain text',
    description: WHO,
  })
  @ApiOkResponse({ type: PersonalDataDisclosureDto })
  correction(
    @Param('id', AggregateIdPipe) id: string,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
  ): Promise<PersonalDataDisclosureDto> {
    return this.disclose('correction', id, principal, request);
  }

  @Get('objections/:id/personal-data')
  @ApiOperation({
    summary: 'The objector’s details and the evidence of an objection, in plain text',
    description: WHO,
  })
  @ApiOkResponse({ type: PersonalDataDisclosureDto })
  objection(
    @Param('id', AggregateIdPipe) id: string,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
  ): Promise<PersonalDataDisclosureDto> {
    return this.disclose('objection', id, principal, request);
  }

  @Get('applications/:id/personal-data')
  @ApiOperation({ summary: 'The applicant’s details of an application, in plain text', description: WHO })
  @ApiOkResponse({ type: PersonalDataDisclosureDto })
  application(
    @Param('id', AggregateIdPipe) id: string,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
    @Req() request: FastifyRequest,
  ): Promise<PersonalDataDisclosureDto> {
    return this.disclose('application', id, principal, request);
  }

  private disclose(
    kind: CaseKind,
    id: string,
    principal: AuthenticatedPrincipal,
    request: FastifyRequest,
  ): Promise<PersonalDataDisclosureDto> {
    return this.disclosures.disclose(kind, id, actorOf(principal), request.id);
  }
}
