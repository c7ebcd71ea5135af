import type { SqlQueryable } from '../sql-database';
import { READ_EXPORT_PAGE, READ_RECORDED_AT } from './audit-trail.sql';
import type { StoredCheckpoint, TransparencyLog } from './transparency-log';

export const AUDIT_EXPORT_FORMAT = 'ledger-audit-export/1';

/** Which entries an export shows in full; every other position of the range is a leaf-hash stub. */
export interface AuditTrailFilter {
  /** Time bounds (recordedAt), from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
  /** Position bounds, fromPosition inclusive, toPosition exclusive. */
  fromPosition?: number;
  toPosition?: number;
  streamId?: string;
  type?: string[];
  actorId?: string;
  organizationId?: string;
}

export interface AuditTrailHeader {
  exportId: string;
  checkpoint: StoredCheckpoint;
  range: { from: number; to: number };
  /** The filter as the caller gave it, echoed in the header. */
  filter: Record<string, unknown>;
  exportedAt: Date;
  exportedBy: { id: string; role: string; organizationId?: string };
  trustedSize?: number;
}

export interface ExportProgress {
  done: number;
  total: number;
}

const PAGE_ROWS = 1024;
/**
 * Lines per chunk handed to the socket: about 100 KB, below V8's large-object size, so chunks die
 * young instead of piling up until a full collection (a 2 MB chunk per page made the process's
 * memory grow with the length of the export).
 */
const LINES_PER_CHUNK = 48;

/** The contiguous positions `[from, to)` a filter's time and position bounds select under a tree of `treeSize`. */
export async function exportRange(
  db: SqlQueryable,
  filter: AuditTrailFilter,
  treeSize: number,
): Promise<{ from: number; to: number }> {
  let from = Math.min(filter.fromPosition ?? 0, treeSize);
  let to = Math.min(filter.toPosition ?? treeSize, treeSize);
  if (filter.from) from = Math.max(from, await firstRecordedAtOrAfter(db, filter.from, from, to));
  if (filter.to) to = Math.min(to, await firstRecordedAtOrAfter(db, filter.to, from, to));
  return { from, to: Math.max(from, to) };
}

/** The first position in [low, high) recorded at or after `time`, or `high`. */
async function firstRecordedAtOrAfter(
  db: SqlQueryable,
  time: Date,
  low: number,
  high: number,
): Promise<number> {
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const [row] = await db.query<{ recorded_at_ms: string | number }>(READ_RECORDED_AT, [middle]);
    if (Number(row.recorded_at_ms) >= time.getTime()) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The NDJSON export of http-api.md: a header, one line per position of the range with its inclusion
 * proof against the header's checkpoint (the entry in full when it matches, a stub otherwise), and a
 * trailer with the counts. Yields one chunk per page, so a consumer that stops reading stops the
 * database reads too (memory stays flat whatever the range).
 */
export async function* auditTrailNdjson(
  db: SqlQueryable,
  log: TransparencyLog,
  header: AuditTrailHeader,
  filter: AuditTrailFilter,
  onProgress?: (progress: ExportProgress) => void,
): AsyncGenerator<string> {
  const { checkpoint, range } = header;
  const consistencyProof =
    header.trustedSize !== undefined
      ? {
          from: header.trustedSize,
          to: checkpoint.treeSize,
          proof: (await log.consistencyProof(header.trustedSize, checkpoint.treeSize)).map((h) =>
            h.toString('base64'),
          ),
        }
      : undefined;
  yield `${JSON.stringify({
    format: AUDIT_EXPORT_FORMAT,
    range,
    checkpoint: checkpoint.note,
    verifierKey: checkpoint.verifierKey,
    filter: header.filter,
    exportedAt: header.exportedAt.toISOString(),
    exportedBy: header.exportedBy,
    ...(consistencyProof && { consistencyProof }),
  })}\n`;

  let matched = 0;
  for await (const page of exportPages(db, log, filter, range, checkpoint.treeSize)) {
    let chunk = '';
    for (const [index, row] of page.entries()) {
      const { proof } = row;
      if (row.entry !== null) {
        matched++;
        chunk += `{"entry":${row.entry},"leafHash":"${row.leafHash}","proof":${proof}}\n`;
      } else {
        chunk += `{"position":${row.position},"leafHash":"${row.leafHash}","proof":${proof}}\n`;
      }
      if ((index + 1) % LINES_PER_CHUNK === 0) {
        yield chunk;
        chunk = '';
      }
    }
    onProgress?.({ done: page[page.length - 1].position + 1 - range.from, total: range.to - range.from });
    if (chunk) yield chunk;
  }
  yield `${JSON.stringify({ count: range.to - range.from, matched })}\n`;
}

const CSV_COLUMNS = [
  'position',
  'leafHash',
  'recordedAt',
  'occurredAt',
  'type',
  'streamId',
  'streamVersion',
  'actorId',
  'actorRole',
  'organizationId',
  'eventId',
  'legalBasis',
  'data',
];

/**
 * The spreadsheet export: one row per matching entry, with its leaf hash and readable columns. It
 * carries no proofs; the NDJSON export is the one a verifier checks.
 */
export async function* auditTrailCsv(
  db: SqlQueryable,
  log: TransparencyLog,
  header: AuditTrailHeader,
  filter: AuditTrailFilter,
  onProgress?: (progress: ExportProgress) => void,
): AsyncGenerator<string> {
  const { range, checkpoint } = header;
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  let rows = 0;
  for await (const page of exportPages(db, log, filter, range, checkpoint.treeSize, false)) {
    let chunk = '';
    for (const row of page) {
      if (row.entry === null) continue;
      const entry = JSON.parse(row.entry) as {
        recordedAt: string;
        occurredAt?: string;
        type: string;
        streamId: string;
        streamVersion: number;
        id: string;
        data: unknown;
        metadata: {
          actor: { id: string; role: string; organizationId?: string };
          legalBasis: { article: string };
        };
      };
      chunk += `${[
        row.position,
        row.leafHash,
        entry.recordedAt,
        entry.occurredAt ?? '',
        entry.type,
        entry.streamId,
        entry.streamVersion,
        entry.metadata.actor.id,
        entry.metadata.actor.role,
        entry.metadata.actor.organizationId ?? '',
        entry.id,
        entry.metadata.legalBasis.article,
        JSON.stringify(entry.data),
      ]
        .map(csvField)
        .join(',')}\r\n`;
      if (++rows % LINES_PER_CHUNK === 0) {
        yield chunk;
        chunk = '';
      }
    }
    onProgress?.({ done: page[page.length - 1].position + 1 - range.from, total: range.to - range.from });
    if (chunk) yield chunk;
  }
}

/** RFC 4180 quoting, and a leading quote mark on text a spreadsheet would run as a formula. */
function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

interface ExportRow {
  position: number;
  leafHash: string;
  entry: string | null;
  /** The inclusion proof as a JSON array text of base64 hashes. */
  proof: string;
}

async function* exportPages(
  db: SqlQueryable,
  log: TransparencyLog,
  filter: AuditTrailFilter,
  range: { from: number; to: number },
  treeSize: number,
  withProofs = true,
): AsyncGenerator<ExportRow[]> {
  for (let next = range.from; next < range.to;) {
    const rows = await db.query<{
      global_position: string | number;
      leaf_hash: string;
      entry: string | null;
    }>(READ_EXPORT_PAGE, [
      next,
      range.to,
      filter.type ?? null,
      filter.streamId ?? null,
      filter.actorId ?? null,
      filter.organizationId ?? null,
      PAGE_ROWS,
    ]);
    if (rows.length === 0)
      throw new Error(`the journal has no entry at position ${next}, below its tree size`);
    const positions = rows.map((row) => Number(row.global_position));
    positions.forEach((position, offset) => {
      if (position !== next + offset)
        throw new Error(`the journal skips from ${next + offset - 1} to ${position}`);
    });
    const proofs = withProofs ? await log.inclusionProofTexts(next, next + rows.length, treeSize) : [];
    yield rows.map((row, offset) => ({
      position: positions[offset],
      leafHash: row.leaf_hash,
      entry: row.entry,
      proof: withProofs ? proofs[offset] : '[]',
    }));
    next += rows.length;
  }
}
