import { createReadStream } from 'node:fs';

/** The longest line read: an entry is at most the API's 1 MiB body, so anything far longer is not an export line. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** The lines that a chunk of the file completed, and how many bytes of the file have been read so far. */
export interface LineBatch {
  lines: string[];
  bytesRead: number;
}

/** A line longer than MAX_LINE_BYTES; it follows the lines already yielded. */
export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
}

/**
 * Reads a file's lines in order as byte text: each character is one byte of the file (Latin-1), so
 * UTF-8 comes through undecoded. Decoding UTF-8 costs more than parsing and hashing a line; JSON's
 * syntax is ASCII and the leaf hash is over the bytes, so the verifier decodes only what it shows
 * (see canonicalJsonOfByteText). It holds no more than one chunk and one unfinished line, so a file
 * of any size is read in constant memory. Lines are yielded a chunk's worth at a time: handing them
 * over one by one through an async iterator would cost more than checking them. A final `\r` (CRLF
 * files) is left on the line; the last line is yielded even without a final newline.
 */
export async function* readLines(path: string, chunkBytes = 1024 * 1024): AsyncGenerator<LineBatch> {
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  let pending = '';
  let bytesRead = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    const lines = chunk.toString('latin1').split('\n');
    lines[0] = pending + lines[0];
    pending = lines.pop() as string;
    if (pending.length > MAX_LINE_BYTES) {
      stream.destroy();
      throw new LineTooLongError(`a line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB`);
    }
    yield { lines, bytesRead };
  }
  if (pending !== '') yield { lines: [pending], bytesRead };
}

/** The text of a line read as byte text, decoded from UTF-8. */
export function decodeLine(byteText: string): string {
  return Buffer.from(byteText, 'latin1').toString('utf8');
}
