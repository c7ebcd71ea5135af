import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isValidStreamId } from '@ledger/events';
import { EVENT_STORE } from '@ledger/runtime';
import type { AppendedEvent, AppendResult, EventStore, StoredEntry } from '@ledger/store';
import { CurrentPrincipal } from '../access/access.decorators';
import { CaseIndex } from '../access/case-index';
import { canReadStream, readableScope } from '../access/journal-access';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import { BATCH, readCloudEvents, STRUCTURED } from './cloud-events';
import { JournalTailService } from './journal-tail.service';
import { PublishEvents } from './publish-events.handler';
import { MAX_PAGE, ReadEventsQuery, ReadStreamQuery } from './read-events.query';

@ApiTags('journal')
@ApiBearerAuth()
@Controller('v1')
export class JournalController {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tails: JournalTailService,
    private readonly cases: CaseIndex,
  ) {}

  @Post('events')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Publish CloudEvents (structured, batch or binary mode)',
    description:
      'Structured: Content-Type application/cloudevents+json. Batch: application/cloudevents-batch+json, an array recorded atomically. ' +
      'Binary: ce-specversion, ce-id, ce-source, ce-type, ce-subject, ce-time, ce-expectedversion headers (percent-decoded), body = data as application/json. ' +
      '`subject` is the stream id, `id` the event id and idempotency key, `time` the occurrence time, extension `expectedversion` a version, no_stream, stream_exists or any. ' +
      'Answers 201 when anything was recorded, 200 with the same body when every event had been recorded before.',
  })
  @ApiConsumes(STRUCTURED, BATCH, 'application/json')
  @ApiBody({
    schema: {
      example: {
        specversion: '1.0',
        id: '7c2b…',
        source: 'urn:gateway:download',
        type: 'DataAccessed',
        subject: 'usage-ds-1',
        time: '2026-11-29T08:00:00Z',
        data: { datasetId: 'ds-1', principal: 'user-1', channel: 'download', recordCount: 120 },
      },
    },
  })
  @ApiOkResponse({ description: 'Every event had been recorded before (a retry); nothing was written.' })
  async publish(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
    @CurrentPrincipal() publisher: AuthenticatedPrincipal,
  ): Promise<{ events: Omit<AppendedEvent, 'type'>[] }> {
    const events = readCloudEvents(
      request.headers['content-type'],
      request.headers,
      request.raw.rawHeaders,
      body,
    );
    const result: AppendResult = await this.commandBus.execute(
      new PublishEvents(events, publisher, request.id, new Date()),
    );
    if (result.alreadyRecorded) reply.status(200);
    return {
      events: result.events.map(({ id, streamId, streamVersion, globalPosition, leafHash }) => ({
        id,
        streamId,
        streamVersion,
        globalPosition,
        leafHash,
      })),
    };
  }

  @Get('events')
  @ApiOperation({
    summary: 'Read the journal in order, or follow it live',
    description:
      'Answers {"events":[entry…],"next":<position to ask for next>}. With Accept: text/event-stream, a live tail: ' +
      'SSE id = global position, resumable with Last-Event-ID; without `from` it starts at the head. ' +
      'Platform admins, supervisors and compliance officers read everything; others see the streams they may read.',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'SSE only: resume after this position.' })
  async readAll(
    @Query() query: ReadEventsQuery,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    // Not passthrough: a live tail hijacks the reply, and Nest must not send anything after it ends.
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<void> {
    if (query.streamId !== undefined && !(await canReadStream(principal, query.streamId, this.cases))) {
      throw Problem.forbidden(`a ${principal.role} may not read ${query.streamId}`);
    }
    const scope = readableScope(principal);
    if (accept?.includes('text/event-stream')) {
      const resumeAfter = parseLastEventId(lastEventId);
      const fromPosition =
        resumeAfter !== undefined ? resumeAfter + 1 : (query.from ?? (await this.store.head()) + 1);
      // A hijacked reply is written on Node's response, which Fastify leaves alone: the headers set
      // on the reply so far (the security headers of every answer) must go onto it by hand.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
      reply.hijack();
      await this.tails.stream(reply.raw, {
        fromPosition,
        types: query.type,
        include: readableStreams(principal, query.streamId, this.cases),
      });
      return;
    }
    const limit = query.limit ?? 100;
    const from = query.from ?? 0;
    const head = await this.store.head();
    // The store reads the cases from the index: it must know every case opened up to the page's end.
    if (scope?.casesReadableBy) await this.cases.coverThrough(head);
    const entries = await this.store.readAll({
      fromPosition: from,
      toPosition: head,
      limit,
      types: query.type,
      streamId: query.streamId,
      scope,
    });
    // A short page means everything up to the head was scanned: continue after the head, not after the last match.
    const next =
      entries.length === limit ? entries[entries.length - 1].globalPosition + 1 : Math.max(from, head + 1);
    await reply
      .type('application/json; charset=utf-8')
      .send(`{"events":[${joinCanonical(entries)}],"next":${next}}`);
  }

  @Get('streams/:streamId/events')
  @ApiOperation({
    summary: "Read one stream's events in order",
    description:
      'Answers {"streamId","version","events":[entry…]}; `version` is the stream\'s current version.',
  })
  async readStream(
    @Param('streamId') streamId: string,
    @Query() query: ReadStreamQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<string> {
    if (!isValidStreamId(streamId))
      throw Problem.badRequest('InvalidStreamId', 'a stream id looks like <category>-<id>');
    if (!(await canReadStream(principal, streamId, this.cases)))
      throw Problem.forbidden(`a ${principal.role} may not read ${streamId}`);
    const slice = await this.store.readStream(streamId, {
      fromVersion: query.fromVersion,
      limit: query.limit ?? MAX_PAGE,
    });
    if (slice.version === null)
      throw Problem.notFound('StreamNotFound', `the journal has no stream ${streamId}`);
    reply.type('application/json; charset=utf-8');
    return `{"streamId":${JSON.stringify(streamId)},"version":${slice.version},"events":[${joinCanonical(slice.entries)}]}`;
  }
}

/** How many decisions a live tail remembers, one per stream: a tail follows the whole journal. */
const REMEMBERED_STREAMS_PER_TAIL = 1_000;

/**
 * A live tail's filter: the asked stream, if any, and the streams the principal may read, each asked
 * once (a stream's first event decides whether it is a case the reader may read) while remembered.
 */
function readableStreams(
  principal: AuthenticatedPrincipal,
  onlyStreamId: string | undefined,
  cases: CaseIndex,
): (entry: StoredEntry) => Promise<boolean> {
  const decided = new Map<string, boolean>();
  return async (entry) => {
    if (onlyStreamId !== undefined && entry.streamId !== onlyStreamId) return false;
    const known = decided.get(entry.streamId);
    if (known !== undefined) return known;
    const readable = await canReadStream(principal, entry.streamId, cases);
    if (decided.size >= REMEMBERED_STREAMS_PER_TAIL) decided.delete(decided.keys().next().value as string);
    decided.set(entry.streamId, readable);
    return readable;
  };
}

/** Entries go out as the exact text that was hashed, never re-serialised. */
function joinCanonical(entries: StoredEntry[]): string {
  return entries.map((entry) => entry.canonical).join(',');
}

function parseLastEventId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9]\d{0,15})$/.test(value.trim())) {
    throw Problem.badRequest(
      'InvalidLastEventId',
      'Last-Event-ID must be the global position of the last event received',
    );
  }
  return Number(value.trim());
}
