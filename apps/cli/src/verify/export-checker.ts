import { ExportHeader } from './export-header';
import { canonicalJsonOfByteText } from './jcs';
import { hasExactly, isIndex, isObject } from './json-shapes';
import { decodeHash, InclusionVerifier, leafHashOfByteText } from './merkle-proofs';
import { Rejection, tampered } from './verification-result';

/** How many positions and matching entries a completely checked export held. */
export interface ExportTally {
  positions: number;
  matched: number;
}

const NOT_AS_WRITTEN =
  'the line is not written as the ledger writes it (spacing, escapes, order or repetition of its fields was changed)';

/**
 * Checks the lines after the header, one at a time and in order, keeping nothing per line: the
 * positions run from the range's start without gap or repeat, each line is written exactly as the
 * ledger writes it, each entry hashes to its leaf hash, each inclusion proof leads to the
 * checkpoint's root, and a closing line with the right counts ends the file. Throws a Rejection at
 * the first line that fails.
 *
 * Lines come as byte text (one character per byte of the file, see readLines).
 */
export class ExportChecker {
  private next: number;
  private matched = 0;
  private closed = false;
  private lineNumber = 1;
  private readonly proofs: InclusionVerifier;

  constructor(private readonly header: ExportHeader) {
    this.next = header.from;
    this.proofs = new InclusionVerifier(header.checkpoint.size, header.checkpoint.root);
  }

  /** Checks the file's line `lineNumber` (1-based; the header is line 1). */
  check(text: string, lineNumber: number): void {
    this.lineNumber = lineNumber;
    if (this.closed) throw this.fail('there is more after the closing line: lines were added to the export');
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      throw this.fail('the line is not valid JSON: the file is damaged or was cut short');
    }
    if (!isObject(line)) throw this.fail('the line is not a JSON object');

    if (Object.hasOwn(line, 'count')) return this.closing(line, text);
    if (this.next >= this.header.to) {
      throw this.fail(
        `the range [${this.header.from}, ${this.header.to}) is complete, but a further line follows where the closing line should be: a line was added or duplicated`,
      );
    }
    if (Object.hasOwn(line, 'entry')) this.entryLine(line, text);
    else if (Object.hasOwn(line, 'position')) this.stubLine(line, text);
    else throw this.fail('the line is neither an entry, a non-matching position, nor the closing line');
    this.next++;
  }

  /** Checks that the file ended where it should, after the closing line. */
  finish(lastLine: number): ExportTally {
    if (!this.closed) {
      this.lineNumber = lastLine + 1;
      const seen = this.next - this.header.from;
      const expected = this.header.to - this.header.from;
      throw this.fail(
        seen < expected
          ? `the file ends here, after ${seen} of the range's ${expected} positions and without its closing line: the export is truncated`
          : 'the file ends without its closing line: the export is truncated',
      );
    }
    return { positions: this.header.to - this.header.from, matched: this.matched };
  }

  private entryLine(line: Record<string, unknown>, text: string): void {
    const { entry, leafHash: claimed, proof } = line;
    if (!hasExactly(line, 'entry', 'leafHash', 'proof') || !isObject(entry) || !Array.isArray(proof)) {
      throw this.fail('the line is not {"entry","leafHash","proof"} with an entry object and a proof list');
    }
    if (!isIndex(entry.globalPosition)) throw this.fail('the entry has no "globalPosition"');
    this.checkPosition(entry.globalPosition);
    if (typeof claimed !== 'string') throw this.fail('the leaf hash is not a base64 SHA-256 hash');
    const canonical = canonicalJsonOfByteText(entry);
    // The same entry can be spelled with spaces, escapes, other member orders or repeated members,
    // and a reader other than this one could see a repeated member's other value: only the ledger's
    // own spelling is accepted, so what is proved is what anyone reads. This also makes the hashed
    // bytes exactly the line's own bytes.
    if (text !== `{"entry":${canonical},"leafHash":"${claimed}","proof":${proofText(proof)}}`) {
      throw this.fail(NOT_AS_WRITTEN);
    }
    const hash = leafHashOfByteText(canonical);
    if (hash.toString('base64') !== claimed) {
      throw this.fail(
        decodeHash(claimed) === undefined
          ? 'the leaf hash is not a base64 SHA-256 hash'
          : 'the leaf hash does not match the entry: the entry or its leaf hash was altered',
      );
    }
    this.checkProof(hash, proof, 'the entry is not the one the log holds at this position');
    this.matched++;
  }

  private stubLine(line: Record<string, unknown>, text: string): void {
    const { position: found, leafHash: claimed, proof } = line;
    if (!hasExactly(line, 'position', 'leafHash', 'proof') || !isIndex(found) || !Array.isArray(proof)) {
      throw this.fail('the line is not {"position","leafHash","proof"} with a position and a proof list');
    }
    this.checkPosition(found);
    const hash = decodeHash(claimed);
    if (hash === undefined) throw this.fail('the leaf hash is not a base64 SHA-256 hash');
    if (text !== `{"position":${found},"leafHash":"${claimed as string}","proof":${proofText(proof)}}`) {
      throw this.fail(NOT_AS_WRITTEN);
    }
    this.checkProof(hash, proof, 'the leaf hash is not the one the log holds at this position');
  }

  private closing(line: Record<string, unknown>, text: string): void {
    const { count, matched } = line;
    if (!hasExactly(line, 'count', 'matched') || !isIndex(count) || !isIndex(matched)) {
      throw this.fail('the closing line is not {"count","matched"} with two numbers');
    }
    if (this.next < this.header.to) {
      throw this.fail(
        `the closing line comes where position ${this.next} should: positions ${this.next} to ${this.header.to - 1} are missing`,
      );
    }
    const positions = this.header.to - this.header.from;
    if (count !== positions) {
      throw this.fail(`the closing line counts ${count} positions, but the range holds ${positions}`);
    }
    if (matched !== this.matched) {
      throw this.fail(
        `the closing line says ${matched} entries matched, but the export holds ${this.matched}`,
      );
    }
    if (text !== `{"count":${count},"matched":${matched}}`) throw this.fail(NOT_AS_WRITTEN);
    this.closed = true;
  }

  private checkPosition(found: number): void {
    const expected = this.next;
    if (found === expected) return;
    throw this.fail(
      found > expected
        ? `position ${expected} is missing: the line holds position ${found} (a line was removed or moved)`
        : `the line holds position ${found} where position ${expected} should be (a line was duplicated or moved)`,
    );
  }

  private checkProof(hash: Buffer, proof: unknown[], mismatch: string): void {
    const failure = this.proofs.verify(this.next, hash, proof as string[]);
    if (failure === undefined) return;
    const treeSize = this.header.checkpoint.size;
    switch (failure) {
      case 'index-beyond-tree':
        throw this.fail(`the position is beyond the checkpoint's ${treeSize} entries`);
      case 'malformed-leaf-hash':
        throw this.fail('the leaf hash is not a SHA-256 hash');
      case 'malformed-element':
        throw this.fail('an element of the inclusion proof is not a base64 SHA-256 hash');
      case 'wrong-length':
        throw this.fail(
          `the inclusion proof has the wrong number of elements for a tree of ${treeSize} entries`,
        );
      case 'root-mismatch':
        throw this.fail(
          `the inclusion proof does not lead to the checkpoint's root: ${mismatch}, or the proof was altered`,
        );
    }
  }

  /** A failure of the current line, naming the position it should hold while the range lasts. */
  private fail(reason: string): Rejection {
    return tampered(this.lineNumber, this.next < this.header.to ? this.next : undefined, reason);
  }
}

/**
 * The ledger's spelling of a proof: a JSON array of base64 strings, which need no escapes. Elements
 * that are not strings come out quoted here and unquoted in JSON, so they never match the line.
 */
function proofText(proof: readonly unknown[]): string {
  return proof.length === 0 ? '[]' : `["${proof.join('","')}"]`;
}
