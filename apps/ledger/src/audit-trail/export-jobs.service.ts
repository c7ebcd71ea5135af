import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { EVENT_STORE, LEDGER_CONFIG, LedgerConfig, LOGGER, Logger } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import type { AuditTrailQuery } from './audit-trail.query';
import { AuditTrailService } from './audit-trail.service';

export type ExportStatus = 'running' | 'completed' | 'failed';

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

const EXTENSIONS = { ndjson: 'ndjson', csv: 'csv' } as const;

/**
 * Long exports (POST /v1/exports): the same export as GET /v1/audit-trail, written to a file in the
 * data directory in the background, with progress to poll and the file to download when done. A
 * file is written under a temporary name and renamed when complete, so a file that exists is whole;
 * an export cut short by a restart shows as failed (its AuditTrailExported record remains).
 */
@Injectable()
export class ExportJobs implements BeforeApplicationShutdown {
  private readonly jobs = new Map<string, ExportJobView>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  readonly directory: string;

  constructor(
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly auditTrail: AuditTrailService,
  ) {
    this.directory =
      config.dataDir === 'memory://'
        ? mkdtempSync(join(tmpdir(), 'open-data-ledger-exports-'))
        : join(config.dataDir, 'exports');
  }

  async submit(
    query: AuditTrailQuery,
    by: AuthenticatedPrincipal,
    correlationId: string,
  ): Promise<ExportJobView> {
    const started = await this.auditTrail.start(query, by, correlationId);
    const { exportId: id, range, checkpoint } = started.header;
    const job: ExportJobView = {
      id,
      status: 'running',
      format: started.format,
      progress: { done: 0, total: range.to - range.from },
      range,
      checkpointSize: checkpoint.treeSize,
    };
    this.jobs.set(id, job);
    mkdirSync(this.directory, { recursive: true });
    const final = this.pathOf(id, started.format);
    const partial = `${final}.part`;
    const abort = new AbortController();
    const done = pipeline(
      Readable.from(
        started.chunks((progress) => (job.progress = progress)),
        { highWaterMark: 2 },
      ),
      createWriteStream(partial, { mode: 0o600 }),
      { signal: abort.signal },
    )
      .then(() => {
        renameSync(partial, final);
        job.status = 'completed';
        job.file = `/v1/exports/${id}/file`;
      })
      .catch((error: Error) => {
        rmSync(partial, { force: true });
        job.status = 'failed';
        job.error = abort.signal.aborted
          ? 'the ledger was shut down during the export; start it again'
          : error.message;
        this.logger.error({ err: error, exportId: id }, `export ${id} failed: ${error.message}`);
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, { abort, done });
    return { ...job };
  }

  /** The job's state; after a restart, rebuilt from the file (completed) or the journal's record (failed). */
  async status(id: string): Promise<ExportJobView | undefined> {
    const known = this.jobs.get(id);
    if (known) return { ...known };
    for (const format of ['ndjson', 'csv'] as const) {
      if (existsSync(this.pathOf(id, format))) {
        return { id, status: 'completed', format, file: `/v1/exports/${id}/file` };
      }
    }
    const record = await this.store.readStream(streamIdOf(STREAM_CATEGORIES.audit, id), { limit: 1 });
    if (record.version === null) return undefined;
    const format = (JSON.parse(record.entries[0].canonical) as { data: { format: 'ndjson' | 'csv' } }).data
      .format;
    return {
      id,
      status: 'failed',
      format,
      error: 'the export was interrupted (the ledger restarted); start it again',
    };
  }

  /** A completed export's file, as a stream with its size. */
  file(id: string, format: 'ndjson' | 'csv'): { stream: Readable; size: number } {
    const path = this.pathOf(id, format);
    return { stream: createReadStream(path), size: statSync(path).size };
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const job of this.running.values()) job.abort.abort();
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  private pathOf(id: string, format: 'ndjson' | 'csv'): string {
    return join(this.directory, `audit-trail-${id}.${EXTENSIONS[format]}`);
  }
}
