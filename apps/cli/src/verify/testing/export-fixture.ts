import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test-only builder of audit-trail exports, written apart from the verifier so that the two cannot
 * share a mistake: its Merkle tree follows RFC 9162 §2.1's recursive definitions (MTH, PATH,
 * SUBPROOF) literally, its canonical JSON is its own, and it signs checkpoints the way the ledger does.
 */

export const EXPORT_FORMAT = 'ledger-audit-export/1';

function sha256(...parts: (Buffer | string)[]): Buffer {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return digest.digest();
}

/** RFC 8785 for the plain JSON the fixture makes: members sorted by UTF-16 code units. */
export function fixtureCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fixtureCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${fixtureCanonicalJson(object[name])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256(0x00 ‖ text). */
export function fixtureLeafHash(canonicalEntry: string): Buffer {
  return sha256(Buffer.from([0]), Buffer.from(canonicalEntry, 'utf8'));
}

function interior(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.from([1]), left, right);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * RFC 9162 §2.1.1–2.1.4 word for word over leaf hashes: MTH(D[start:end]), PATH(m, D[n]) and
 * PROOF(m, D[n]). Subtree hashes are remembered, which changes nothing but the time taken.
 */
export class RecursiveMerkleTree {
  private readonly memo = new Map<string, Buffer>();

  constructor(private readonly leaves: readonly Buffer[]) {}

  /** MTH(D[0:n]). */
  root(n = this.leaves.length): Buffer {
    return this.mth(0, n);
  }

  /** PATH(m, D[0:n]). */
  inclusionProof(m: number, n = this.leaves.length): Buffer[] {
    return this.path(m, 0, n);
  }

  /** PROOF(m, D[0:n]). */
  consistencyProof(m: number, n = this.leaves.length): Buffer[] {
    return this.subproof(m, 0, n, true);
  }

  private mth(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 0) return sha256();
    if (n === 1) return this.leaves[start];
    const key = `${start}:${end}`;
    let hash = this.memo.get(key);
    if (hash === undefined) {
      const k = largestPowerOfTwoBelow(n);
      hash = interior(this.mth(start, start + k), this.mth(start + k, end));
      this.memo.set(key, hash);
    }
    return hash;
  }

  private path(m: number, start: number, end: number): Buffer[] {
    const n = end - start;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k
      ? [...this.path(m, start, start + k), this.mth(start + k, end)]
      : [...this.path(m - k, start + k, end), this.mth(start, start + k)];
  }

  private subproof(m: number, start: number, end: number, completeSubtree: boolean): Buffer[] {
    const n = end - start;
    if (m === n) return completeSubtree ? [] : [this.mth(start, end)];
    const k = largestPowerOfTwoBelow(n);
    return m <= k
      ? [...this.subproof(m, start, start + k, completeSubtree), this.mth(start + k, end)]
      : [...this.subproof(m - k, start + k, end, false), this.mth(start, start + k)];
  }
}

/**
 * The same tree built bottom-up, level by level (an odd last node moves up unpaired), for trees of
 * millions of leaves: one Buffer per level, 32 bytes a node.
 */
export class LevelMerkleTree {
  private readonly levels: Buffer[];

  constructor(leafHashes: Buffer) {
    this.levels = [leafHashes];
    for (let level = leafHashes; level.length > 32;) {
      const count = level.length / 32;
      const next = Buffer.alloc(Math.ceil(count / 2) * 32);
      for (let i = 0; i + 1 < count; i += 2) {
        interior(level.subarray(i * 32, i * 32 + 32), level.subarray(i * 32 + 32, i * 32 + 64)).copy(
          next,
          (i / 2) * 32,
        );
      }
      if (count % 2 === 1) level.copy(next, next.length - 32, level.length - 32);
      this.levels.push(next);
      level = next;
    }
  }

  get size(): number {
    return this.levels[0].length / 32;
  }

  root(): Buffer {
    return this.size === 0 ? sha256() : Buffer.from(this.levels[this.levels.length - 1].subarray(0, 32));
  }

  /** PATH(m, D[0:size]). */
  inclusionProof(m: number): Buffer[] {
    const proof: Buffer[] = [];
    let index = m;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = index % 2 === 1 ? index - 1 : index + 1;
      if (sibling * 32 < level.length) proof.push(level.subarray(sibling * 32, sibling * 32 + 32));
      index = Math.floor(index / 2);
    }
    return proof;
  }
}

/** A log's Ed25519 signing key and the verifier key outsiders pin. */
export interface LogKey {
  name: string;
  privateKey: KeyObject;
  publicKey: Buffer;
  keyId: Buffer;
  verifierKey: string;
}

/** A fresh Ed25519 key for the log named `name`. */
export function generateLogKey(name = 'ledger.example.gov/audit-log'): LogKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const keyId = sha256(Buffer.from(`${name}\n`), Buffer.from([1]), raw).subarray(0, 4);
  const verifierKey = `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
  return { name, privateKey, publicKey: raw, keyId, verifierKey };
}

/** A C2SP signed note: `body`, a blank line, and one `— name base64(id ‖ signature)` line per key. */
export function signNote(body: string, ...keys: LogKey[]): string {
  const lines = keys.map((key) => {
    const signature = sign(null, Buffer.from(body, 'utf8'), key.privateKey);
    return `\u2014 ${key.name} ${Buffer.concat([key.keyId, signature]).toString('base64')}\n`;
  });
  return `${body}\n${lines.join('')}`;
}

/** A C2SP tlog-checkpoint body. */
export function checkpointBody(
  origin: string,
  size: number,
  root: Buffer,
  extensions: string[] = [],
): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n${extensions.map((line) => `${line}\n`).join('')}`;
}

const EVENT_TYPES = ['DatasetReleased', 'AccessRequested', 'AccessGranted', 'DataAccessed', 'ObjectionFiled'];
const ROLES = ['publisher', 'data_user', 'body_officer', 'data_user', 'public'];
const START = Date.parse('2026-11-02T08:00:00.000Z');

function fakeUuid(seed: string): string {
  const hex = sha256(seed).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A realistic ledger entry at `position`, the same every time for the same position. */
export function ledgerEntry(position: number): Record<string, unknown> {
  const kind = position % EVENT_TYPES.length;
  const dataset = position % 7;
  const actor: Record<string, string> =
    ROLES[kind] === 'public'
      ? { id: 'anonymous', role: 'public' }
      : { id: `person-${position % 13}`, organizationId: `org-${dataset % 3}`, role: ROLES[kind] };
  const recordedAt = new Date(START + position * 1500).toISOString();
  return {
    id: fakeUuid(`entry-${position}`),
    type: EVENT_TYPES[kind],
    streamId: `dataset-${dataset}`,
    streamVersion: Math.floor(position / 7),
    globalPosition: position,
    recordedAt,
    ...(kind === 3 ? { occurredAt: recordedAt } : {}),
    source: kind === 3 ? 'urn:gateway:city-data-portal' : 'urn:open-data-ledger:api',
    data: {
      datasetId: `dataset-${dataset}`,
      title: 'Luftqualität Zürich — Messwerte "PM2.5" 2026',
      version: `${1 + (position % 4)}.${position % 10}.0`,
      recordCount: 1200 + position,
      fields: ['station', 'measured_at', 'pm25', 'pm10', 'no2'],
      remarks: position % 2 === 0 ? 'first line\nsecond line' : '',
    },
    metadata: {
      actor,
      correlationId: fakeUuid(`correlation-${position}`),
      legalBasis: { rulebook: 'open-data-rulebook-2026.1', article: `art-${4 + kind}` },
    },
    schemaVersion: 1,
  };
}

/** A log of `size` entries: their canonical texts, leaf hashes and tree, and its key. */
export interface FixtureLog {
  key: LogKey;
  entries: Record<string, unknown>[];
  canonical: string[];
  leafHashes: Buffer[];
  tree: RecursiveMerkleTree;
  /** A checkpoint of the first `size` entries, signed by the log's key (or by `signers`). */
  checkpoint(size?: number, options?: { origin?: string; signers?: LogKey[] }): string;
}

/** A log of `size` realistic entries, signed by `key`; `rewrite` changes entries to make another history. */
export function createLog(
  size: number,
  options: { key?: LogKey; rewrite?: (entry: Record<string, unknown>) => Record<string, unknown> } = {},
): FixtureLog {
  const key = options.key ?? generateLogKey();
  const rewrite = options.rewrite ?? ((entry) => entry);
  const entries = Array.from({ length: size }, (_, position) => rewrite(ledgerEntry(position)));
  const canonical = entries.map(fixtureCanonicalJson);
  const leafHashes = canonical.map(fixtureLeafHash);
  const tree = new RecursiveMerkleTree(leafHashes);
  return {
    key,
    entries,
    canonical,
    leafHashes,
    tree,
    checkpoint: (n = size, options = {}) =>
      signNote(checkpointBody(options.origin ?? key.name, n, tree.root(n)), ...(options.signers ?? [key])),
  };
}

/** The export's header line. */
export function headerLine(fields: {
  from: number;
  to: number;
  checkpoint: string;
  verifierKey: string;
  consistencyProof?: { from: number; to: number; proof: Buffer[] };
}): string {
  const { from, to, checkpoint, verifierKey, consistencyProof } = fields;
  return JSON.stringify({
    format: EXPORT_FORMAT,
    range: { from, to },
    checkpoint,
    verifierKey,
    filter: { streamId: 'dataset-3' },
    exportedAt: '2026-11-29T10:15:00.000Z',
    exportedBy: { id: 'officer-7', role: 'compliance_officer', organizationId: 'org-audit' },
    ...(consistencyProof
      ? {
          consistencyProof: {
            from: consistencyProof.from,
            to: consistencyProof.to,
            proof: consistencyProof.proof.map((hash) => hash.toString('base64')),
          },
        }
      : {}),
  });
}

/** A line for an entry that matches the filter: the stored canonical text, verbatim. */
export function entryLine(canonicalEntry: string, leafHash: Buffer, proof: Buffer[]): string {
  return `{"entry":${canonicalEntry},"leafHash":"${leafHash.toString('base64')}","proof":${JSON.stringify(proof.map((p) => p.toString('base64')))}}`;
}

/** A line for a position whose entry does not match the filter. */
export function stubLine(position: number, leafHash: Buffer, proof: Buffer[]): string {
  return JSON.stringify({
    position,
    leafHash: leafHash.toString('base64'),
    proof: proof.map((p) => p.toString('base64')),
  });
}

/** The closing line. */
export function closingLine(count: number, matched: number): string {
  return JSON.stringify({ count, matched });
}

/** What to export from a fixture log. */
export interface ExportSpec {
  /** Range start (default 0). */
  from?: number;
  /** Range end (default: the checkpoint's size). */
  to?: number;
  /** The checkpoint's size N ≥ to (default: the log's size). */
  treeSize?: number;
  /** Which positions are written as entries; the others as stubs (default: every third). */
  matches?: (position: number) => boolean;
  /** Adds the consistency proof from this older size to N, as `trustedSize=` asks. */
  trustedSize?: number;
  /** Replaces the header's checkpoint note. */
  checkpoint?: string;
}

/** The export's lines, header to closing line, as the server writes them. */
export function exportLines(log: FixtureLog, spec: ExportSpec = {}): string[] {
  const treeSize = spec.treeSize ?? log.entries.length;
  const from = spec.from ?? 0;
  const to = spec.to ?? treeSize;
  const matches = spec.matches ?? ((position: number) => position % 3 === 0);
  const lines = [
    headerLine({
      from,
      to,
      checkpoint: spec.checkpoint ?? log.checkpoint(treeSize),
      verifierKey: log.key.verifierKey,
      consistencyProof:
        spec.trustedSize === undefined
          ? undefined
          : {
              from: spec.trustedSize,
              to: treeSize,
              proof: log.tree.consistencyProof(spec.trustedSize, treeSize),
            },
    }),
  ];
  let matched = 0;
  for (let position = from; position < to; position++) {
    const proof = log.tree.inclusionProof(position, treeSize);
    if (matches(position)) {
      matched++;
      lines.push(entryLine(log.canonical[position], log.leafHashes[position], proof));
    } else {
      lines.push(stubLine(position, log.leafHashes[position], proof));
    }
  }
  lines.push(closingLine(to - from, matched));
  return lines;
}

/** Writes lines as an NDJSON file (each line ending in a newline) and returns its path. */
export function writeLines(directory: string, name: string, lines: readonly string[]): string {
  const path = join(directory, name);
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  return path;
}
