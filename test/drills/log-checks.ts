import { decodeHash, verifyConsistency } from '../../apps/cli/src/verify/merkle-proofs';
import {
  checkCheckpointSignature,
  parseCheckpoint,
  parseVerifierKey,
  SignedCheckpoint,
  VerifierKey,
} from '../../apps/cli/src/verify/signed-note';
import { call, LedgerEndpoint } from './append-load';

/**
 * What a log's outside verifier does, for the drills: pin the verifier key, keep a checkpoint, and
 * later check that a newer checkpoint is signed by the same key and extends the kept one — with the
 * independent verifier's code (apps/cli/src/verify), not the server's.
 */

export interface KeptCheckpoint {
  note: string;
  checkpoint: SignedCheckpoint;
}

/** GET /v1/log/key, parsed. */
export async function pinVerifierKey(ledger: LedgerEndpoint): Promise<VerifierKey> {
  const answer = await call<{ verifierKey: string }>(ledger, 'GET', '/v1/log/key');
  if (answer.status !== 200) throw new Error(`GET /v1/log/key: ${answer.status}`);
  return parseVerifierKey(answer.body.verifierKey);
}

/** POST /v1/log/checkpoints (sign now) and GET /v1/log/checkpoint: the latest signed note. */
export async function signCheckpointNow(ledger: LedgerEndpoint): Promise<KeptCheckpoint> {
  const signed = await call(ledger, 'POST', '/v1/log/checkpoints');
  if (signed.status !== 201 && signed.status !== 200) {
    throw new Error(`POST /v1/log/checkpoints: ${signed.status} ${JSON.stringify(signed.body)}`);
  }
  return latestCheckpoint(ledger);
}

export async function latestCheckpoint(ledger: LedgerEndpoint): Promise<KeptCheckpoint> {
  const answer = await call<string>(ledger, 'GET', '/v1/log/checkpoint');
  if (answer.status !== 200) throw new Error(`GET /v1/log/checkpoint: ${answer.status}`);
  return { note: answer.body, checkpoint: parseCheckpoint(answer.body) };
}

/**
 * Whether `newer` is signed by `key` and GET /v1/log/proofs/consistency proves that it extends
 * `older` (itself signed by `key`). Returns what is wrong, or undefined when all holds.
 */
export async function checkConsistent(
  ledger: LedgerEndpoint,
  key: VerifierKey,
  older: KeptCheckpoint,
  newer: KeptCheckpoint,
): Promise<string | undefined> {
  for (const [name, kept] of [
    ['older', older],
    ['newer', newer],
  ] as const) {
    const failure = checkCheckpointSignature(kept.checkpoint, key);
    if (failure)
      return `the ${name} checkpoint (size ${kept.checkpoint.size}) is not signed by the pinned key: ${failure}`;
  }
  const from = older.checkpoint.size;
  const to = newer.checkpoint.size;
  if (from > to) return `the newer checkpoint (size ${to}) is smaller than the older (size ${from})`;
  if (from === 0) return undefined;
  const answer = await call<{ proof: string[] }>(
    ledger,
    'GET',
    `/v1/log/proofs/consistency?from=${from}&to=${to}`,
  );
  if (answer.status !== 200) return `GET /v1/log/proofs/consistency?from=${from}&to=${to}: ${answer.status}`;
  const proof = answer.body.proof.map((element) => decodeHash(element));
  if (proof.some((element) => element === undefined)) return 'the consistency proof holds a malformed hash';
  return verifyConsistency(from, to, proof as Buffer[], older.checkpoint.root, newer.checkpoint.root)
    ? undefined
    : `the consistency proof from ${from} to ${to} does not verify`;
}
