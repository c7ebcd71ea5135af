import { hasExactly, isIndex, isObject } from './json-shapes';
import { decodeHash, emptyTreeRoot } from './merkle-proofs';
import {
  checkCheckpointSignature,
  NoteFormatError,
  parseCheckpoint,
  SignedCheckpoint,
  VerifierKey,
} from './signed-note';
import { Rejection, tampered, unusable } from './verification-result';

/** The format this verifier reads, named on the export's first line. */
export const EXPORT_FORMAT = 'ledger-audit-export/1';

const HEADER_FIELDS = new Set([
  'format',
  'range',
  'checkpoint',
  'verifierKey',
  'filter',
  'exportedAt',
  'exportedBy',
  'consistencyProof',
]);
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What the rest of the verification needs from a header whose checkpoint is signed by the pinned key. */
export interface ExportHeader {
  /** First position of the range. */
  from: number;
  /** One past the last position of the range. */
  to: number;
  checkpoint: SignedCheckpoint;
  /** Present when the export was asked for with `trustedSize`: from that size to the checkpoint's. */
  consistencyProof?: { from: number; to: number; proof: Buffer[] };
}

/**
 * Reads and checks the header line: that it is an export of the format this verifier reads
 * (`unusable` otherwise), that its checkpoint is signed by `key` for `key`'s log, then that its
 * fields have their shapes and its range lies inside the checkpoint's tree (`tampered` otherwise).
 */
export function readHeader(text: string, key: VerifierKey): ExportHeader {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unusable('the first line is not JSON: this is not a ledger audit export', 1);
  }
  if (!isObject(value) || typeof value.format !== 'string') {
    throw unusable('the first line is not the header of a ledger audit export', 1);
  }
  if (value.format !== EXPORT_FORMAT) {
    throw unusable(
      `the export is in the format ${JSON.stringify(value.format)}; this verifier reads ${EXPORT_FORMAT}`,
      1,
    );
  }
  const checkpoint = signedCheckpoint(value.checkpoint, key);
  const { from, to } = range(value.range, checkpoint.size);
  checkDescription(value);
  return { from, to, checkpoint, consistencyProof: consistencyProof(value.consistencyProof) };
}

function signedCheckpoint(note: unknown, key: VerifierKey): SignedCheckpoint {
  if (typeof note !== 'string') throw headerFailure('the header carries no signed checkpoint');
  let checkpoint: SignedCheckpoint;
  try {
    checkpoint = parseCheckpoint(note);
  } catch (error) {
    if (error instanceof NoteFormatError) {
      throw headerFailure(`the header's checkpoint cannot be read: ${error.message}`);
    }
    throw error;
  }
  switch (checkCheckpointSignature(checkpoint, key)) {
    case 'other-origin':
      throw headerFailure(
        `the checkpoint is of the log ${JSON.stringify(checkpoint.origin)}, not of ${JSON.stringify(key.name)} whose key you trust`,
      );
    case 'not-signed-by-key':
      throw headerFailure(
        `the checkpoint is not signed by the key you trust (${key.name}+${key.keyId.toString('hex')})`,
      );
    case 'bad-signature':
      throw headerFailure('the signature on the checkpoint does not verify: the checkpoint was altered');
    case undefined:
      break;
  }
  if (checkpoint.size === 0 && !checkpoint.root.equals(emptyTreeRoot())) {
    throw headerFailure("the checkpoint is of an empty log but its root is not the empty tree's");
  }
  return checkpoint;
}

function range(value: unknown, treeSize: number): { from: number; to: number } {
  if (!isObject(value) || !hasExactly(value, 'from', 'to') || !isIndex(value.from) || !isIndex(value.to)) {
    throw headerFailure('the header\'s "range" is not {"from","to"} with two positions');
  }
  if (value.from > value.to) {
    throw headerFailure(`the header's range starts at ${value.from}, after its end ${value.to}`);
  }
  if (value.to > treeSize) {
    throw headerFailure(
      `the header's range ends at ${value.to}, beyond the checkpoint's ${treeSize} entries: those positions cannot be proved`,
    );
  }
  return { from: value.from, to: value.to };
}

/** The fields that describe the export rather than prove it: checked for shape only. */
function checkDescription(value: Record<string, unknown>): void {
  const unexpected = Object.keys(value).find((name) => !HEADER_FIELDS.has(name));
  if (unexpected !== undefined) {
    throw headerFailure(`the header holds an unexpected field ${JSON.stringify(unexpected)}`);
  }
  if (typeof value.verifierKey !== 'string') {
    throw headerFailure('the header\'s "verifierKey" is not a string');
  }
  if (!isObject(value.filter)) throw headerFailure('the header\'s "filter" is not an object');
  if (typeof value.exportedAt !== 'string' || !RFC_3339.test(value.exportedAt)) {
    throw headerFailure('the header\'s "exportedAt" is not an RFC 3339 time');
  }
  const by = value.exportedBy;
  if (
    !isObject(by) ||
    typeof by.id !== 'string' ||
    typeof by.role !== 'string' ||
    !(by.organizationId === undefined || typeof by.organizationId === 'string') ||
    Object.keys(by).some((name) => !['id', 'role', 'organizationId'].includes(name))
  ) {
    throw headerFailure('the header\'s "exportedBy" is not {"id","role","organizationId"?}');
  }
}

function consistencyProof(value: unknown): ExportHeader['consistencyProof'] {
  if (value === undefined) return undefined;
  if (
    !isObject(value) ||
    !hasExactly(value, 'from', 'to', 'proof') ||
    !isIndex(value.from) ||
    !isIndex(value.to) ||
    !Array.isArray(value.proof)
  ) {
    throw headerFailure('the header\'s "consistencyProof" is not {"from","to","proof":[…]}');
  }
  const proof = value.proof.map(decodeHash);
  const malformed = proof.findIndex((element) => element === undefined);
  if (malformed >= 0) {
    throw headerFailure(
      `element ${malformed} of the header's consistency proof is not a base64 SHA-256 hash`,
    );
  }
  return { from: value.from, to: value.to, proof: proof as Buffer[] };
}

function headerFailure(reason: string): Rejection {
  return tampered(1, undefined, reason);
}
