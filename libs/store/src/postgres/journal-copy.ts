import { hash } from 'node:crypto';
import type { PlannedRow } from '../batch-plan';
import { encodeEntry } from '../entry-codec';

/**
 * The journal's rows in PostgreSQL's binary COPY format (COPY … FROM STDIN (FORMAT binary)): how a
 * group commit writes to PostgreSQL. Against INSERT … SELECT FROM unnest(arrays), the server parses
 * no array literals and decodes no hex or base64, and this side writes each value's bytes once into
 * one buffer instead of building a text per value for `pg` to escape and copy again: half the server's
 * time per row, and most of the garbage an append left behind.
 *
 * Each tuple holds the columns of COPY_ENTRIES, in its order (PostgreSQL's documentation, "COPY",
 * binary format): a 16-bit field count, then per field a 32-bit byte length (−1 for NULL) and the
 * value as its type's binary send function writes it — int8 and int4 big-endian, text as UTF-8,
 * timestamptz as microseconds since 2000-01-01 UTC, bytea raw.
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** The signature, then 32-bit flags (0: no OIDs) and the header extension's length (0). */
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]);
const TRAILER_BYTES = 2;
const FIELD_COUNT = 11;
/** Field count, eleven lengths, and the fixed-width values: int8, int4, timestamptz, two 32-byte hashes. */
const TUPLE_FIXED_BYTES = 2 + FIELD_COUNT * 4 + 8 + 4 + 8 + 32 + 32;
/** A UTF-16 code unit takes at most 3 UTF-8 bytes (a surrogate pair, two units, takes 4). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_TO_32 = 2 ** 32;
/** Chunks are cut from slabs this large, as Node's own Buffer pool does for small buffers. */
const SLAB_BYTES = 4 * 1024 * 1024;

/**
 * Encodes a group commit's rows chunk by chunk. Each row's leaf hash is computed from the entry's
 * bytes where they lie in the chunk, and completes the caller's answer (`appended.leafHash`) as
 * encodeRow does on the INSERT path.
 */
export class JournalCopyEncoder {
  private slab = Buffer.allocUnsafe(0);
  private used = 0;
  private recordedAtIso = '';
  private recordedAtMicros = 0;

  /** One chunk of the COPY data: the header before the first, the trailer after the last. */
  encode(rows: PlannedRow[], { first, last }: { first: boolean; last: boolean }): Buffer {
    const entries = rows.map((row) =>
      encodeEntry(row.event, row.globalPosition, row.streamVersion, row.recordedAt),
    );
    let bound = (first ? HEADER.length : 0) + (last ? TRAILER_BYTES : 0);
    rows.forEach((row, index) => {
      const { event } = row;
      const textUnits =
        event.id.length +
        event.streamId.length +
        event.type.length +
        event.actorId.length +
        (event.actorOrganizationId?.length ?? 0) +
        entries[index].length;
      bound += TUPLE_FIXED_BYTES + MAX_UTF8_BYTES_PER_UNIT * textUnits;
    });
    const buffer = this.take(bound);
    let at = 0;
    if (first) at += HEADER.copy(buffer, at);
    rows.forEach((row, index) => {
      const { event } = row;
      at = buffer.writeInt16BE(FIELD_COUNT, at);
      at = writeInt8(buffer, at, row.globalPosition);
      at = writeText(buffer, at, event.id);
      at = writeText(buffer, at, event.streamId);
      at = buffer.writeInt32BE(4, at);
      at = buffer.writeInt32BE(row.streamVersion, at);
      at = writeText(buffer, at, event.type);
      at = writeInt8(buffer, at, this.microsSincePostgresEpoch(row.recordedAt));
      at = writeText(buffer, at, event.actorId);
      // NULL for an absent organisation, and for a null one a caller's metadata may carry (as INSERT stores it).
      at =
        event.actorOrganizationId == null
          ? buffer.writeInt32BE(-1, at)
          : writeText(buffer, at, event.actorOrganizationId);
      at = this.writeEntryAndLeafHash(buffer, at, row, entries[index]);
      at = buffer.writeInt32BE(32, at);
      at += buffer.write(event.fingerprint, at, 'hex');
    });
    if (last) at = buffer.writeInt16BE(-1, at);
    this.used += at;
    return buffer.subarray(0, at);
  }

  /**
   * The entry's bytes, then its leaf hash SHA-256(0x00 ‖ bytes), computed in place: the byte before
   * the entry is the last of its length field, set to 0x00 for the hash and only then to the length.
   */
  private writeEntryAndLeafHash(buffer: Buffer, at: number, row: PlannedRow, entry: string): number {
    buffer[at + 3] = 0;
    const bytes = buffer.write(entry, at + 4);
    const leafHash = hash('sha256', buffer.subarray(at + 3, at + 4 + bytes), 'base64');
    row.appended.leafHash = leafHash;
    buffer.writeInt32BE(bytes, at);
    at = buffer.writeInt32BE(32, at + 4 + bytes);
    return at + buffer.write(leafHash, at, 'base64');
  }

  /** A group commit's rows share one recorded time: converted once. */
  private microsSincePostgresEpoch(recordedAt: string): number {
    if (recordedAt !== this.recordedAtIso) {
      this.recordedAtIso = recordedAt;
      this.recordedAtMicros = (Date.parse(recordedAt) - POSTGRES_EPOCH_MS) * 1000;
    }
    return this.recordedAtMicros;
  }

  private take(bytes: number): Buffer {
    // Chunks stay in the socket's queue after they are handed over: a slab is never written twice.
    this.used = (this.used + 7) & ~7;
    if (this.slab.length - this.used < bytes) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, bytes));
      this.used = 0;
    }
    return this.slab.subarray(this.used);
  }
}

/** A safe integer as a big-endian int8 field (two's complement: negative times are before 2000). */
function writeInt8(buffer: Buffer, at: number, value: number): number {
  const high = Math.floor(value / TWO_TO_32);
  at = buffer.writeInt32BE(8, at);
  at = buffer.writeInt32BE(high, at);
  return buffer.writeUInt32BE(value - high * TWO_TO_32, at);
}

function writeText(buffer: Buffer, at: number, text: string): number {
  const bytes = buffer.write(text, at + 4);
  buffer.writeInt32BE(bytes, at);
  return at + 4 + bytes;
}
