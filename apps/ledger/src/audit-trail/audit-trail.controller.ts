import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import { AuditTrailQuery } from './audit-trail.query';
import { AuditTrailService } from './audit-trail.service';
import { ExportJobs, ExportJobView } from './export-jobs.service';

const CONTENT_TYPES = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' };
/** Pages (about 2 MB each) read ahead of the client: enough to keep the socket busy, few enough to keep memory flat. */
const EXPORT_CHUNKS_IN_FLIGHT = 2;
const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const EXPORT_DESCRIPTION =
  'An export covers the contiguous positions [from, to) selected by the time and position bounds, under a checkpoint signed when it starts. ' +
  'NDJSON: a header {"format":"ledger-audit-export/1","range","checkpoint","verifierKey","filter","exportedAt","exportedBy","consistencyProof"?}, ' +
  'one line per position with its inclusion proof — {"entry","leafHash","proof"} for entries matching stream, type, actor and organisation, ' +
  '{"position","leafHash","proof"} for the others — and a trailer {"count","matched"}. Check it offline with `npx ledger verify <file> --key <verifierKey>`. ' +
  'CSV: one row per matching entry with its leaf hash, for spreadsheets. Each export is recorded as an AuditTrailExported event.';

/** Audit-trail exports for compliance officers (http-api.md, "Audit trail export"). */
@ApiTags('audit trail')
@ApiBearerAuth()
@Controller('v1')
export class AuditTrailController {
  constructor(
    private readonly auditTrail: AuditTrailService,
    private readonly jobs: ExportJobs,
  ) {}

  @Get('audit-trail')
  @ApiOperation({ summary: 'Stream an audit-trail export', description: EXPORT_DESCRIPTION })
  @ApiProduces('application/x-ndjson', 'text/csv')
  async stream(
    @Query() query: AuditTrailQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<void> {
    const started = await this.auditTrail.start(query, principal, request.id);
    // Fastify pipes the stream with backpressure: the next page is read only when the client takes the last.
    await reply
      .type(CONTENT_TYPES[started.format])
      .header(
        'content-disposition',
        `attachment; filename="audit-trail-${started.header.exportId}.${started.format}"`,
      )
      .header('x-export-id', started.header.exportId)
      .send(Readable.from(started.chunks(), { highWaterMark: EXPORT_CHUNKS_IN_FLIGHT }));
  }

  @Post('exports')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a long export in the background',
    description: `Takes the query of GET /v1/audit-trail as a JSON body; answers 202 with the job, then poll GET /v1/exports/{id}. ${EXPORT_DESCRIPTION}`,
  })
  @ApiAcceptedResponse({ description: 'The export was recorded and started.' })
  async submit(
    @Body() body: AuditTrailQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<ExportJobView> {
    const job = await this.jobs.submit(body, principal, request.id);
    reply.header('location', `/v1/exports/${job.id}`);
    return job;
  }

  @Get('exports/:id')
  @ApiParam({ name: 'id', description: 'The export id from POST /v1/exports.' })
  @ApiOperation({ summary: "A long export's status and progress" })
  async status(@Param('id') id: string): Promise<ExportJobView> {
    return this.known(id);
  }

  @Get('exports/:id/file')
  @ApiParam({ name: 'id', description: 'The export id from POST /v1/exports.' })
  @ApiOperation({ summary: "Download a completed export's file" })
  @ApiProduces('application/x-ndjson', 'text/csv')
  async file(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const job = await this.known(id);
    if (job.status !== 'completed') {
      throw new Problem(
        409,
        'ExportNotReady',
        `export ${id} is ${job.status}; poll GET /v1/exports/${id} until it is completed`,
      );
    }
    const { stream, size } = this.jobs.file(id, job.format);
    await reply
      .type(CONTENT_TYPES[job.format])
      .header('content-length', size)
      .header('content-disposition', `attachment; filename="audit-trail-${id}.${job.format}"`)
      .send(stream);
  }

  private async known(id: string): Promise<ExportJobView> {
    const job = EXPORT_ID.test(id) ? await this.jobs.status(id) : undefined;
    if (!job) throw Problem.notFound('ExportNotFound', `there is no export ${id}`);
    return job;
  }
}
