import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { auditExportDecider } from '@ledger/domain';
import { AuditTrailFilterV1, STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, JOURNAL, TRANSPARENCY_LOG } from '@ledger/runtime';
import {
  AuditTrailFilter,
  AuditTrailHeader,
  auditTrailCsv,
  auditTrailNdjson,
  ExportProgress,
  exportRange,
  Journal,
  TransparencyLog,
} from '@ledger/store';
import { actorOf } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import { LogSequencerService } from '../transparency-log/log-sequencer.service';
import type { AuditTrailQuery } from './audit-trail.query';

export interface StartedExport {
  header: AuditTrailHeader;
  format: 'ndjson' | 'csv';
  /** The export's text, chunk by chunk, read from the database as it is consumed. */
  chunks: (onProgress?: (progress: ExportProgress) => void) => AsyncGenerator<string>;
}

/**
 * Starts an audit-trail export: signs a checkpoint of everything appended so far, turns the filter's
 * bounds into a range under it, records AuditTrailExported (before any entry leaves the ledger),
 * and hands back the export as a stream of chunks.
 */
@Injectable()
export class AuditTrailService {
  constructor(
    @Inject(JOURNAL) private readonly journal: Journal,
    @Inject(TRANSPARENCY_LOG) private readonly log: TransparencyLog,
    private readonly sequencer: LogSequencerService,
    private readonly loop: CommandLoop,
  ) {}

  async start(
    query: AuditTrailQuery,
    by: AuthenticatedPrincipal,
    correlationId: string,
  ): Promise<StartedExport> {
    const filter = filterOf(query);
    if (filter.from && filter.to && filter.from > filter.to) {
      throw Problem.badRequest('InvalidExportRange', 'from must not be later than to');
    }
    if (
      query.fromPosition !== undefined &&
      query.toPosition !== undefined &&
      query.fromPosition > query.toPosition
    ) {
      throw Problem.badRequest('InvalidExportRange', 'fromPosition must not exceed toPosition');
    }
    const { checkpoint } = await this.sequencer.publishNow();
    if (query.trustedSize !== undefined && query.trustedSize > checkpoint.treeSize) {
      throw Problem.badRequest(
        'TrustedSizeBeyondLog',
        `trustedSize ${query.trustedSize} is beyond the log's latest checkpoint (size ${checkpoint.treeSize})`,
      );
    }
    const range = await exportRange(this.journal.database, filter, checkpoint.treeSize);
    const exportId = randomUUID();
    const format = query.format ?? 'ndjson';
    const echoedFilter = echoOf(query);
    const now = new Date();
    await this.loop.handle({
      decider: auditExportDecider,
      streamId: streamIdOf(STREAM_CATEGORIES.audit, exportId),
      command: {
        type: 'RecordAuditTrailExport',
        data: {
          format,
          filter: echoedFilter,
          range,
          checkpointSize: checkpoint.treeSize,
          ...(query.trustedSize !== undefined && { trustedSize: query.trustedSize }),
        },
        metadata: { now, actor: actorOf(by) },
      },
      correlation: { correlationId },
    });
    const header: AuditTrailHeader = {
      exportId,
      checkpoint,
      range,
      filter: echoedFilter as Record<string, unknown>,
      exportedAt: now,
      exportedBy: actorOf(by),
      trustedSize: query.trustedSize,
    };
    const write = format === 'csv' ? auditTrailCsv : auditTrailNdjson;
    return {
      header,
      format,
      chunks: (onProgress) => write(this.journal.database, this.log, header, filter, onProgress),
    };
  }
}

function filterOf(query: AuditTrailQuery): AuditTrailFilter {
  const time = (value: string | undefined, name: string): Date | undefined => {
    if (value === undefined) return undefined;
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw Problem.badRequest('InvalidTime', `${name} is not a real time`);
    return parsed;
  };
  return {
    from: time(query.from, 'from'),
    to: time(query.to, 'to'),
    fromPosition: query.fromPosition,
    toPosition: query.toPosition,
    streamId: query.streamId,
    type: query.type,
    actorId: query.actorId,
    organizationId: query.organizationId,
  };
}

/** The filter as recorded and echoed in the header: what the caller asked for, nothing it did not. */
function echoOf(query: AuditTrailQuery): AuditTrailFilterV1 {
  const echo: AuditTrailFilterV1 = {};
  if (query.from !== undefined) echo.from = query.from;
  if (query.to !== undefined) echo.to = query.to;
  if (query.fromPosition !== undefined) echo.fromPosition = query.fromPosition;
  if (query.toPosition !== undefined) echo.toPosition = query.toPosition;
  if (query.streamId !== undefined) echo.streamId = query.streamId;
  if (query.type !== undefined) echo.type = query.type;
  if (query.actorId !== undefined) echo.actorId = query.actorId;
  if (query.organizationId !== undefined) echo.organizationId = query.organizationId;
  return echo;
}
