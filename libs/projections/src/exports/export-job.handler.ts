import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuditTrailFilterV1 } from '@ledger/events';
import type { JobContext, JobHandler } from '@ledger/runtime';
import {
  AuditTrailFilter,
  AuditTrailHeader,
  auditTrailCsv,
  auditTrailNdjson,
  SqlQueryable,
  TransparencyLog,
} from '@ledger/store';
import { EXPORT_ATTEMPTS, EXPORT_PROGRESS_EVERY, ExportJob, exportFileName, readExport } from './export-jobs';
import { FAIL_EXPORT, FINISH_EXPORT, RECORD_EXPORT_PROGRESS, START_EXPORT } from './exports.sql';

export interface ExportJobDependencies {
  db: SqlQueryable;
  log: TransparencyLog;
  /** Where the files go: `<LEDGER_DATA_DIR>/exports`. */
  directory: string;
  /** Aborted when the process shuts down: the run stops, the row goes back to queued, the outbox runs it again. */
  signal?: AbortSignal;
  /** The row's progress is written once this many more positions are in the file (default 2,000). */
  progressEvery?: number;
  /** Tries in all, counted on the row (default 3). */
  attempts?: number;
  clock?: () => Date;
}

/** Nothing a retry would change (the checkpoint the export was decided under is gone). */
class ExportCannotRunError extends Error {
  override readonly name = 'ExportCannotRunError';
}

/**
 * The handler of the exports queue: writes the export decided at request time (its range, checkpoint,
 * filter, time and actor are in the row, so every run writes the same bytes) to `<id>.<format>.part`,
 * truncated at the start of every run, records progress every `progressEvery` positions, and renames the
 * file when it is whole — a file under its final name is complete. Idempotent: a row already done or
 * failed is left alone; a run after a crash starts the file again. A failing run is retried by the
 * runner until the row counts `attempts` tries, then the row says failed and the job completes.
 */
export function exportJobHandler(dependencies: ExportJobDependencies): JobHandler<ExportJob> {
  const { db, log, directory, signal } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());
  const every = dependencies.progressEvery ?? EXPORT_PROGRESS_EVERY;
  const maxAttempts = dependencies.attempts ?? EXPORT_ATTEMPTS;
  return async (job: ExportJob, _context: JobContext) => {
    const record = await readExport(db, job.exportId);
    if (!record || record.status === 'done' || record.status === 'failed') return;
    if (signal?.aborted) throw new Error('the ledger is shutting down');
    const [started] = await db.query<{ attempts: number }>(START_EXPORT, [record.id, clock().toISOString()]);
    if (!started) return;
    const { request } = record;
    const fileName = exportFileName(record.id, request.format);
    const final = join(directory, fileName);
    const partial = `${final}.part`;
    try {
      const checkpoint = await log.checkpoint(request.checkpointSize);
      if (!checkpoint) {
        throw new ExportCannotRunError(`no checkpoint of size ${request.checkpointSize} is kept`);
      }
      const header: AuditTrailHeader = {
        exportId: record.id,
        checkpoint,
        range: request.range,
        filter: request.filter as Record<string, unknown>,
        exportedAt: new Date(request.exportedAt),
        exportedBy: record.requestedBy,
        trustedSize: request.trustedSize,
      };
      const write = request.format === 'csv' ? auditTrailCsv : auditTrailNdjson;
      const progress = { done: 0, recorded: 0 };
      const chunks = write(db, log, header, filterOf(request.filter), (p) => (progress.done = p.done));
      async function* recordingProgress(): AsyncGenerator<string> {
        for await (const chunk of chunks) {
          yield chunk;
          if (progress.done - progress.recorded >= every) {
            progress.recorded = progress.done;
            await db.query(RECORD_EXPORT_PROGRESS, [record!.id, progress.done, clock().toISOString()]);
          }
        }
      }
      mkdirSync(directory, { recursive: true });
      await pipeline(
        Readable.from(recordingProgress(), { highWaterMark: 2 }),
        createWriteStream(partial, { mode: 0o600, flags: 'w' }),
        ...(signal ? [{ signal }] : []),
      );
      renameSync(partial, final);
      await db.query(FINISH_EXPORT, [record.id, fileName, statSync(final).size, clock().toISOString()]);
    } catch (error) {
      rmSync(partial, { force: true });
      const message = (error as Error).message.slice(0, 1_000);
      if (signal?.aborted) {
        await db.query(FAIL_EXPORT, [
          record.id,
          'queued',
          'the ledger was shut down during the export; it starts again with the ledger',
          clock().toISOString(),
        ]);
        throw error;
      }
      const givingUp = error instanceof ExportCannotRunError || started.attempts >= maxAttempts;
      await db.query(FAIL_EXPORT, [
        record.id,
        givingUp ? 'failed' : 'queued',
        message,
        clock().toISOString(),
      ]);
      // The last try failing completes the job (the row says failed), so the outbox hands it over no more.
      if (!givingUp) throw error;
    }
  };
}

/** The store's filter from the one recorded (the range is already decided; this selects what is shown in full). */
function filterOf(filter: AuditTrailFilterV1): AuditTrailFilter {
  return {
    from: filter.from === undefined ? undefined : new Date(filter.from),
    to: filter.to === undefined ? undefined : new Date(filter.to),
    fromPosition: filter.fromPosition,
    toPosition: filter.toPosition,
    streamId: filter.streamId,
    type: filter.type,
    actorId: filter.actorId,
    organizationId: filter.organizationId,
  };
}
