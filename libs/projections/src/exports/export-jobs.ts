import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditTrailFilterV1 } from '@ledger/events';
import { insertOutboxJob, jobIdOf, LedgerConfig } from '@ledger/runtime';
import type { SqlDatabase, SqlQueryable } from '@ledger/store';
import { INSERT_EXPORT, SELECT_EXPORT } from './exports.sql';

/** The queue long exports run on. */
export const EXPORTS_QUEUE = 'exports';
/** Tries per export (a run cut short by a shutdown is not one), and the wait before the first retry. */
export const EXPORT_ATTEMPTS = 3;
export const EXPORT_BACKOFF_MS = 5_000;
/** The row's progress is written after every page once this many more positions are in the file. */
export const EXPORT_PROGRESS_EVERY = 2_000;

export type ExportFormat = 'ndjson' | 'csv';
export type ExportRowStatus = 'queued' | 'running' | 'done' | 'failed';

/** What POST /v1/exports decided, all the handler needs to write the file again byte for byte. */
export interface ExportRequest {
  filter: AuditTrailFilterV1;
  format: ExportFormat;
  range: { from: number; to: number };
  checkpointSize: number;
  trustedSize?: number;
  /** ISO 8601: the header's exportedAt. */
  exportedAt: string;
}

export interface ExportActor {
  id: string;
  role: string;
  organizationId?: string;
}

/** The payload of a job on the exports queue. */
export interface ExportJob {
  exportId: string;
}

export interface ExportRecord {
  id: string;
  requestedBy: ExportActor;
  request: ExportRequest;
  status: ExportRowStatus;
  progress: { done: number; total: number };
  fileName: string | null;
  fileSize: number | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export function exportJobId(exportId: string): string {
  return jobIdOf('export', exportId);
}

export function exportFileName(exportId: string, format: ExportFormat): string {
  return `audit-trail-${exportId}.${format}`;
}

let memoryDirectory: string | undefined;

/**
 * Where export files live: `<LEDGER_DATA_DIR>/exports`. An in-memory journal has no data directory:
 * one temporary directory per process then (the API and the worker are one process in that mode).
 * A split deployment (several API instances, a separate worker) must share this directory.
 */
export function exportsDirectoryOf(config: Pick<LedgerConfig, 'dataDir'>): string {
  if (config.dataDir !== 'memory://') return join(config.dataDir, 'exports');
  memoryDirectory ??= mkdtempSync(join(tmpdir(), 'open-data-ledger-exports-'));
  return memoryDirectory;
}

/** Writes the export row and its job-outbox row in one transaction; the same id twice is one export. */
export async function enqueueExport(
  db: SqlDatabase,
  exportId: string,
  requestedBy: ExportActor,
  request: ExportRequest,
  now: Date = new Date(),
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(INSERT_EXPORT, [
      exportId,
      JSON.stringify(requestedBy),
      JSON.stringify(request),
      request.range.to - request.range.from,
    ]);
    await insertOutboxJob<ExportJob>(tx, {
      jobId: exportJobId(exportId),
      queue: EXPORTS_QUEUE,
      payload: { exportId },
      runAt: now,
    });
  });
}

interface ExportRow {
  id: string;
  requested_by: ExportActor | string;
  request: ExportRequest | string;
  status: ExportRowStatus;
  progress_done: string | number;
  progress_total: string | number;
  file_name: string | null;
  file_size: string | number | null;
  error: string | null;
  attempts: number;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

export async function readExport(db: SqlQueryable, exportId: string): Promise<ExportRecord | undefined> {
  const [row] = await db.query<ExportRow>(SELECT_EXPORT, [exportId]);
  if (!row) return undefined;
  const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    id: row.id,
    requestedBy: json(row.requested_by),
    request: json(row.request),
    status: row.status,
    progress: { done: Number(row.progress_done), total: Number(row.progress_total) },
    fileName: row.file_name,
    fileSize: row.file_size === null ? null : Number(row.file_size),
    error: row.error,
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
  };
}
