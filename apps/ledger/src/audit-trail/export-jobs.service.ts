import { Inject, Injectable } from '@nestjs/common';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  enqueueExport,
  exportFileName,
  ExportRecord,
  ExportRowStatus,
  exportsDirectoryOf,
  readExport,
} from '@ledger/projections';
import { JOURNAL, LEDGER_CONFIG, LedgerConfig, OutboxDispatcher } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import type { AuditTrailQuery } from './audit-trail.query';
import { AuditTrailService } from './audit-trail.service';

/** As the API shows it: the row's `done` is `completed` (the shape the API had before exports were jobs). */
export type ExportStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ExportJobView {
  id: string;
  status: ExportStatus;
  format: 'ndjson' | 'csv';
  progress?: { done: number; total: number };
  range?: { from: number; to: number };
  checkpointSize?: number;
  /** Where to download the file once completed. */
  file?: string;
  error?: string;
}

const SHOWN: Record<ExportRowStatus, ExportStatus> = {
  queued: 'queued',
  running: 'running',
  done: 'completed',
  failed: 'failed',
};

/**
 * Long exports (POST /v1/exports) as jobs: the request decides the export (range, checkpoint, recorded
 * as AuditTrailExported) and writes a row in `ledger_views.exports` with its job-outbox row in one
 * transaction; the worker's `exports` handler (libs/projections/src/exports) writes the file into
 * `<LEDGER_DATA_DIR>/exports` and keeps the row's status and progress. Any API instance answers from
 * the row; the file is served from this instance's exports directory, which a split deployment shares.
 */
@Injectable()
export class ExportJobs {
  readonly directory: string;

  constructor(
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(JOURNAL) private readonly journal: Journal,
    private readonly outbox: OutboxDispatcher,
    private readonly auditTrail: AuditTrailService,
  ) {
    this.directory = exportsDirectoryOf(config);
  }

  async submit(
    query: AuditTrailQuery,
    by: AuthenticatedPrincipal,
    correlationId: string,
  ): Promise<ExportJobView> {
    const started = await this.auditTrail.start(query, by, correlationId);
    const { exportId: id, range, checkpoint, filter, exportedAt, exportedBy, trustedSize } = started.header;
    await enqueueExport(this.journal.database, id, exportedBy, {
      filter,
      format: started.format,
      range,
      checkpointSize: checkpoint.treeSize,
      ...(trustedSize !== undefined && { trustedSize }),
      exportedAt: exportedAt.toISOString(),
    });
    // With the worker in this process, hand the job over now rather than at the next poll.
    this.outbox.wake();
    return {
      id,
      status: 'queued',
      format: started.format,
      progress: { done: 0, total: range.to - range.from },
      range,
      checkpointSize: checkpoint.treeSize,
    };
  }

  /** The export's row, from any instance; a file without a row (written before exports were jobs) is completed. */
  async status(id: string): Promise<ExportJobView | undefined> {
    const record = await readExport(this.journal.database, id);
    if (record) return viewOf(record);
    for (const format of ['ndjson', 'csv'] as const) {
      if (existsSync(join(this.directory, exportFileName(id, format)))) {
        return { id, status: 'completed', format, file: `/v1/exports/${id}/file` };
      }
    }
    return undefined;
  }

  /** A completed export's file, as a stream with its size. */
  file(id: string, format: 'ndjson' | 'csv'): { stream: Readable; size: number } {
    const path = join(this.directory, exportFileName(id, format));
    if (!existsSync(path)) {
      throw new Problem(
        503,
        'ExportFileUnavailable',
        `export ${id} is completed but its file is not in this instance's exports directory; instances must share <LEDGER_DATA_DIR>/exports`,
      );
    }
    return { stream: createReadStream(path), size: statSync(path).size };
  }
}

function viewOf(record: ExportRecord): ExportJobView {
  const status = SHOWN[record.status];
  return {
    id: record.id,
    status,
    format: record.request.format,
    progress: record.progress,
    range: record.request.range,
    checkpointSize: record.request.checkpointSize,
    ...(status === 'completed' && { file: `/v1/exports/${record.id}/file` }),
    ...(record.error !== null && { error: record.error }),
  };
}
