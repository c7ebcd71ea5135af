import type { Api } from '../../api/client';
import { equalBytes, fromBase64, leafHashOfEntry, rootFromInclusionProof, toBase64, toHex } from './rfc9162';
import { NoteError, NoteFailure, parseCheckpoint, parseVerifierKey, verifyCheckpoint } from './signed-note';

/** Why an entry was not verified, in the words the page shows. */
export type VerificationFailure =
  NoteFailure | 'leafHashMismatch' | 'wrongEntry' | 'proofForOtherLeaf' | 'malformedProof' | 'rootMismatch';

export interface VerificationDetails {
  position: number;
  /** The leaf hash computed here from the entry (base64). */
  leafHash?: string;
  treeSize?: number;
  /** The checkpoint's signed root (base64). */
  signedRoot?: string;
  /** The root the inclusion proof leads to (base64). */
  provenRoot?: string;
  proofLength?: number;
  keyName?: string;
  keyId?: string;
  entry?: unknown;
}

export type Verification =
  | ({ outcome: 'verified' } & VerificationDetails)
  | ({ outcome: 'failed'; reason: VerificationFailure; message: string } & VerificationDetails)
  /** The entry is newer than the latest signed checkpoint: nothing to prove it against yet. */
  | ({ outcome: 'pending' } & VerificationDetails);

interface EntryAnswer {
  entry: { globalPosition?: unknown } & Record<string, unknown>;
  leafHash: string;
}

interface InclusionAnswer {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

class Failure extends Error {
  constructor(
    readonly reason: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies the journal entry at `position` in this browser: the checkpoint's Ed25519 signature by the
 * ledger's published key, the entry's leaf hash recomputed from its canonical form, and its inclusion
 * proof up to the signed root. The ledger only supplies the material; every check is made here.
 * Requests the ledger refuses are thrown (ApiProblem) for the page to show.
 */
export async function verifyEvent(api: Api, position: number, signal?: AbortSignal): Promise<Verification> {
  const [key, note, answer] = await Promise.all([
    api.get<{ origin: string; verifierKey: string }>('/v1/log/key', { signal }),
    api.text('/v1/log/checkpoint', { signal }),
    api.get<EntryAnswer>(`/v1/log/entries/${position}`, { signal }),
  ]);
  const details: VerificationDetails = { position, entry: answer.entry };
  try {
    const verifierKey = await parseVerifierKey(key.verifierKey);
    details.keyName = verifierKey.name;
    details.keyId = toHex(verifierKey.keyId);
    const checkpoint = parseCheckpoint(note);
    details.treeSize = checkpoint.size;
    details.signedRoot = toBase64(checkpoint.rootHash);
    await verifyCheckpoint(checkpoint, verifierKey, key.origin);

    if (answer.entry.globalPosition !== position) {
      throw new Failure(
        'wrongEntry',
        `the ledger answered the entry at ${String(answer.entry.globalPosition)}`,
      );
    }
    const leaf = await leafHashOfEntry(answer.entry);
    details.leafHash = toBase64(leaf);
    if (details.leafHash !== answer.leafHash) {
      throw new Failure(
        'leafHashMismatch',
        `computed ${details.leafHash}, the ledger says ${answer.leafHash}`,
      );
    }
    if (position >= checkpoint.size) return { outcome: 'pending', ...details };

    const inclusion = await api.get<InclusionAnswer>('/v1/log/proofs/inclusion', {
      query: { position, treeSize: checkpoint.size },
      signal,
    });
    if (inclusion.leafIndex !== position || inclusion.treeSize !== checkpoint.size) {
      throw new Failure(
        'proofForOtherLeaf',
        `the proof is for leaf ${inclusion.leafIndex} of ${inclusion.treeSize}`,
      );
    }
    if (inclusion.leafHash !== details.leafHash) {
      throw new Failure('leafHashMismatch', `the proof is for the leaf ${inclusion.leafHash}`);
    }
    const proof = inclusion.proof.map(fromBase64);
    details.proofLength = proof.length;
    const root = proof.every((hash) => hash !== undefined)
      ? await rootFromInclusionProof(position, checkpoint.size, leaf, proof as Uint8Array[])
      : undefined;
    if (root === undefined) throw new Failure('malformedProof', 'the proof has the wrong shape');
    details.provenRoot = toBase64(root);
    if (!equalBytes(root, checkpoint.rootHash)) {
      throw new Failure('rootMismatch', `the proof leads to ${details.provenRoot}`);
    }
    return { outcome: 'verified', ...details };
  } catch (error) {
    if (error instanceof Failure || error instanceof NoteError) {
      return { outcome: 'failed', reason: error.reason, message: error.message, ...details };
    }
    throw error;
  }
}
