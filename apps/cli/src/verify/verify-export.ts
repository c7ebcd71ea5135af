import { readFile, stat } from 'node:fs/promises';
import { ExportChecker, ExportTally } from './export-checker';
import { ExportHeader, readHeader } from './export-header';
import { decodeLine, LineTooLongError, readLines } from './line-reader';
import { verifyConsistency } from './merkle-proofs';
import {
  checkCheckpointSignature,
  NoteFormatError,
  parseCheckpoint,
  parseKeyFile,
  parseVerifierKey,
  SignedCheckpoint,
  VerifierKey,
} from './signed-note';
import { failedResult, Rejection, tampered, unusable, VerificationResult } from './verification-result';

/** What `ledger verify` is given. */
export interface VerifyExportOptions {
  /** The NDJSON audit-trail export. */
  exportPath: string;
  /** The verifier key `<name>+<hex id>+<base64>`, or a file holding it or `GET /v1/log/key`'s answer. */
  key: string;
  /** A file holding an older signed checkpoint of the same log, which the export must extend. */
  trustedPath?: string;
  /** Called as the file is read, with the bytes read so far and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * Verifies an audit-trail export offline, trusting nothing but the verifier key: the checkpoint's
 * signature, the header, every line in order (positions, leaf hashes, inclusion proofs), the closing
 * line, and with `trustedPath` the consistency of the export's checkpoint with the trusted one. The
 * file is streamed, so memory stays flat whatever its size. Reports the first failed check.
 */
export async function verifyExport(options: VerifyExportOptions): Promise<VerificationResult> {
  try {
    const key = await loadKey(options.key);
    const trusted = options.trustedPath === undefined ? undefined : await loadTrusted(options.trustedPath);
    const totalBytes = await exportSize(options.exportPath);
    const { header, tally } = await checkLines(options.exportPath, key, totalBytes, options.onProgress);
    if (trusted !== undefined) checkConsistency(header, trusted, key);
    return okResult(header, tally, trusted);
  } catch (error) {
    if (error instanceof Rejection) return failedResult(error);
    throw error;
  }
}

async function loadKey(argument: string): Promise<VerifierKey> {
  let asKey: NoteFormatError;
  try {
    return parseVerifierKey(argument.trim());
  } catch (error) {
    if (!(error instanceof NoteFormatError)) throw error;
    asKey = error;
  }
  let content: string;
  try {
    content = await readFile(argument, 'utf8');
  } catch {
    throw unusable(`--key is neither a verifier key nor a readable key file (as a key: ${asKey.message})`);
  }
  try {
    return parseKeyFile(content);
  } catch (error) {
    if (error instanceof NoteFormatError) {
      throw unusable(`the key file ${argument} holds no verifier key: ${error.message}`);
    }
    throw error;
  }
}

async function loadTrusted(path: string): Promise<SignedCheckpoint> {
  let note: string;
  try {
    note = await readFile(path, 'utf8');
  } catch (error) {
    throw unusable(`the trusted checkpoint file ${path} cannot be read (${describe(error)})`);
  }
  let checkpoint: SignedCheckpoint;
  try {
    checkpoint = parseCheckpoint(note);
  } catch (error) {
    if (error instanceof NoteFormatError) {
      throw unusable(`the trusted checkpoint file ${path} is not a signed checkpoint: ${error.message}`);
    }
    throw error;
  }
  if (checkpoint.size === 0) {
    throw unusable(
      'the trusted checkpoint is of the empty log: it vouches for nothing, so nothing can be checked against it',
    );
  }
  return checkpoint;
}

async function exportSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unusable(`the export ${path} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof Rejection) throw error;
    throw unusable(`the export ${path} cannot be read (${describe(error)})`);
  }
}

async function checkLines(
  path: string,
  key: VerifierKey,
  totalBytes: number,
  onProgress: VerifyExportOptions['onProgress'],
): Promise<{ header: ExportHeader; tally: ExportTally }> {
  let header: ExportHeader | undefined;
  let checker: ExportChecker | undefined;
  let lineNumber = 0;
  try {
    for await (const { lines, bytesRead } of readLines(path)) {
      for (const raw of lines) {
        lineNumber++;
        const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (checker !== undefined) {
          checker.check(text, lineNumber);
        } else {
          header = readHeader(decodeLine(text), key);
          checker = new ExportChecker(header);
        }
      }
      onProgress?.(bytesRead, totalBytes);
    }
  } catch (error) {
    if (error instanceof Rejection) throw error;
    if (error instanceof LineTooLongError) {
      throw tampered(lineNumber + 1, undefined, `${error.message}: this is not an export line`);
    }
    if (isFileSystemError(error)) throw unusable(`the export ${path} cannot be read (${describe(error)})`);
    throw error;
  }
  if (header === undefined || checker === undefined) {
    throw unusable('the export is empty: it has no header line');
  }
  return { header, tally: checker.finish(lineNumber) };
}

/** Checks that the export's checkpoint extends the trusted one, by the header's consistency proof. */
function checkConsistency(header: ExportHeader, trusted: SignedCheckpoint, key: VerifierKey): void {
  switch (checkCheckpointSignature(trusted, key)) {
    case 'other-origin':
      throw tampered(
        undefined,
        undefined,
        `your trusted checkpoint is of the log ${JSON.stringify(trusted.origin)}, not of ${JSON.stringify(key.name)} whose key you trust`,
      );
    case 'not-signed-by-key':
      throw tampered(undefined, undefined, 'your trusted checkpoint is not signed by the key you trust');
    case 'bad-signature':
      throw tampered(
        undefined,
        undefined,
        'the signature on your trusted checkpoint does not verify: that file was altered',
      );
    case undefined:
      break;
  }
  const size = header.checkpoint.size;
  if (trusted.size > size) {
    throw tampered(
      1,
      undefined,
      `the export's checkpoint (size ${size}) is older than your trusted checkpoint (size ${trusted.size}): it cannot show that the log still holds what you trusted`,
    );
  }
  const proof = header.consistencyProof;
  if (proof === undefined) {
    throw tampered(
      1,
      undefined,
      `the header carries no consistency proof from your trusted size ${trusted.size}`,
    );
  }
  if (proof.from !== trusted.size || proof.to !== size) {
    throw tampered(
      1,
      undefined,
      `the header's consistency proof goes from size ${proof.from} to ${proof.to}, not from your trusted size ${trusted.size} to the checkpoint's ${size}`,
    );
  }
  if (!verifyConsistency(trusted.size, size, proof.proof, trusted.root, header.checkpoint.root)) {
    throw tampered(
      1,
      undefined,
      trusted.size === size
        ? `the export's checkpoint and your trusted checkpoint both have ${size} entries but different roots: the log's history was rewritten`
        : `the export's checkpoint (size ${size}) does not extend your trusted checkpoint (size ${trusted.size}): the log's history was rewritten, or the proof was altered`,
    );
  }
}

function okResult(
  header: ExportHeader,
  tally: ExportTally,
  trusted: SignedCheckpoint | undefined,
): VerificationResult {
  const { origin, size } = header.checkpoint;
  const consistent = trusted === undefined ? '' : `, consistent with trusted size ${trusted.size}`;
  return {
    ok: true,
    kind: 'ok',
    verdict:
      `OK: ${plural(tally.positions, 'position')} [${header.from}, ${header.to}), ` +
      `${plural(tally.matched, 'matched entry', 'matched entries')}, ` +
      `under checkpoint of size ${size} (origin ${origin})${consistent}`,
  };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// Duck-typed: errors thrown by Node's own modules are not always instances of this realm's Error.
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string'
  );
}

const FILE_SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function describe(error: unknown): string {
  if (isFileSystemError(error)) return FILE_SYSTEM_ERRORS[error.code ?? ''] ?? error.message;
  return String(error);
}
