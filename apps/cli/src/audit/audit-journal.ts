import { canonicalJson, UnfaithfulJsonError } from '@ledger/events';
import {
  EMPTY_TREE_ROOT,
  HASH_SIZE,
  integrateLeaves,
  isSignedBy,
  leafHash,
  parseSignedCheckpoint,
  rightEdgeTiles,
  SignedCheckpoint,
  Tile,
  TILE_WIDTH,
  TileId,
  tileKey,
} from '@ledger/transparency';
import { parseVerifierKey, VerifierKey } from './verifier-key';

/** One row of ledger.events, as the audit reads it. */
export interface AuditRow {
  globalPosition: number;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  recordedAt: Date;
  actorId: string;
  actorOrganizationId: string | null;
  /** The RFC 8785 text the leaf hash commits to. */
  entry: string;
  leafHash: Buffer;
}

/** One row of ledger.log_checkpoints. */
export interface AuditCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  origin: string;
  verifierKey: string;
  note: string;
  signedAt: Date;
}

export interface StreamVersionRow {
  streamId: string;
  streamVersion: number;
  globalPosition: number;
}

/** ledger.log_tree: how far the log says it has integrated the journal. */
export interface TreeHeadRow {
  size: number;
  rootHash: Buffer;
}

export interface TileExtent {
  level: number;
  lastIndex: number;
}

/** What the audit reads, all from one snapshot of the database. */
export interface AuditSource {
  overview(): Promise<{ head: number; tree: TreeHeadRow | null; latestCheckpointSize: number | null }>;
  /** Every row, by position. */
  entries(): AsyncIterable<AuditRow>;
  /** Every row's stream, version and position, by stream then version. */
  streamVersions(): AsyncIterable<StreamVersionRow>;
  /** Every kept checkpoint, by tree size. */
  checkpoints(): AsyncIterable<AuditCheckpoint>;
  /** The stored tiles among `tiles` (absent ones are left out). */
  tiles(tiles: readonly TileId[]): Promise<Map<string, Buffer>>;
  /** The highest tile index stored at each level. */
  tileExtents(): Promise<TileExtent[]>;
}

export type FindingKind =
  | 'altered-entry'
  | 'altered-column'
  | 'renumbered'
  | 'missing'
  | 'rewritten-after-logging'
  | 'stream-version'
  | 'recorded-at'
  | 'tiles'
  | 'tree-head'
  | 'checkpoint';

export interface AuditFinding {
  kind: FindingKind;
  message: string;
}

export interface AuditReport {
  /** Rows read. */
  entries: number;
  /** Leaves in `root`: the rows, and the logged hashes of rows that are missing. */
  size: number;
  /** The root recomputed over them, or null when a missing row's hash is nowhere to be found. */
  root: Buffer | null;
  /** ledger.log_tree's size. */
  treeSize: number | null;
  checkpointsChecked: number;
  latestCheckpointSize: number | null;
  /** The first `maxFindings` findings, in the order they were found. */
  findings: AuditFinding[];
  findingCount: number;
  /** Every finding counted by kind, those not kept included. */
  countsByKind: Partial<Record<FindingKind, number>>;
}

export interface AuditOptions {
  /** Checkpoints must verify with this key; without it, each with the key it names. */
  key?: VerifierKey;
  maxFindings?: number;
  onProgress?: (entries: number, total: number) => void;
}

export const DEFAULT_MAX_FINDINGS = 100;
/** Leaves added to the recomputed tree at a time: bounds memory, and amortises the root computed each time. */
const LEAF_BATCH = 4_096;
const LEVEL0_TILES_PER_READ = 40;
const PROGRESS_EVERY = 1_000;

/**
 * Recomputes every leaf hash and the RFC 9162 tree from the journal's rows and holds them against
 * what the log built (tiles, tree head) and what it signed (every kept checkpoint), reporting what
 * disagrees in words an operator can act on. Memory stays flat: rows stream through once, the tree
 * is kept as its right-edge tiles, and checkpoints are met in size order as the tree grows past them.
 */
export function auditJournal(source: AuditSource, options: AuditOptions = {}): Promise<AuditReport> {
  return new JournalAudit(source, options).run();
}

interface CheckedCheckpoint extends AuditCheckpoint {
  /** The root the note signed (the root_hash column when the note cannot be read). */
  signedRoot: Buffer;
}

class JournalAudit {
  private readonly maxFindings: number;
  private readonly findings: AuditFinding[] = [];
  private findingCount = 0;
  private readonly countsByKind: Partial<Record<FindingKind, number>> = {};
  private entries = 0;
  private lastRecordedAt?: { ms: number; text: string; position: number };

  /** The tree recomputed from the rows: its size, unintegrated leaves, right-edge tiles and root. */
  private size = 0;
  private pending: Buffer[] = [];
  private edge = new Map<string, Buffer>();
  private root: Buffer = EMPTY_TREE_ROOT;
  /** A position whose hash neither the journal nor the log holds: the recomputed tree cannot pass it. */
  private brokenAt: number | null = null;

  private tree: TreeHeadRow | null = null;
  private treeReached = false;
  private readonly level0Tiles = new Map<number, Buffer | null>();
  /** Per tile level, the stored tiles found to disagree, so that the level above does not report them again. */
  private readonly disagreeingTiles = new Map<number, Set<number>>();

  private checkpoints!: AsyncIterator<AuditCheckpoint>;
  private nextCheckpoint?: CheckedCheckpoint;
  private checkpointsChecked = 0;
  private previousVerifierKey?: string;
  /** Once one checkpoint disagrees, every later one must too: they are counted, not each reported. */
  private laterDisagreeing?: { first?: number; last?: number; count: number };
  private rollbackReported = false;
  /**
   * Rows whose hash differs from the log's tile: the row changed, or the tile did. A checkpoint that
   * agrees with the entries settles it for the positions below it: then the tile changed.
   */
  private rowOrTile: { finding: AuditFinding; position: number }[] = [];

  constructor(
    private readonly source: AuditSource,
    private readonly options: AuditOptions,
  ) {
    this.maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  }

  async run(): Promise<AuditReport> {
    const overview = await this.source.overview();
    this.tree = overview.tree;
    if (!this.tree) this.report('tree-head', 'ledger.log_tree holds no tree head (its row was deleted)');
    const total = overview.head + 1;

    this.checkpoints = this.source.checkpoints()[Symbol.asyncIterator]();
    await this.pullCheckpoint();
    await this.reachStops();

    let expected = 0;
    for await (const row of this.source.entries()) {
      if (row.globalPosition > expected) await this.missing(expected, row.globalPosition, false);
      await this.auditRow(row);
      expected = row.globalPosition + 1;
      if (++this.entries % PROGRESS_EVERY === 0) this.options.onProgress?.(this.entries, total);
    }
    this.options.onProgress?.(this.entries, total);
    const covered = Math.max(this.tree?.size ?? 0, overview.latestCheckpointSize ?? 0);
    if (covered > expected) await this.missing(expected, covered, true);
    await this.flush();
    await this.reachStops();
    await this.unreachableStops();
    this.closeLaterDisagreeing();

    await this.checkTileExtents();
    await this.auditStreams();

    return {
      entries: this.entries,
      size: this.size,
      root: this.brokenAt === null ? this.root : null,
      treeSize: this.tree?.size ?? null,
      checkpointsChecked: this.checkpointsChecked,
      latestCheckpointSize: overview.latestCheckpointSize,
      findings: this.findings,
      findingCount: this.findingCount,
      countsByKind: this.countsByKind,
    };
  }

  /** Records a finding; returns it when it is one of those kept. */
  private report(kind: FindingKind, message: string): AuditFinding | undefined {
    this.findingCount++;
    this.countsByKind[kind] = (this.countsByKind[kind] ?? 0) + 1;
    if (this.findings.length >= this.maxFindings) return undefined;
    const finding = { kind, message };
    this.findings.push(finding);
    return finding;
  }

  private async auditRow(row: AuditRow): Promise<void> {
    const position = row.globalPosition;
    const entry = this.parseEntry(row);
    if (entry && entry.globalPosition !== position) {
      this.report(
        'renumbered',
        `position ${position}: the entry says globalPosition ${shown(entry.globalPosition)} (rows swapped or renumbered)`,
      );
    }
    const entryHash = leafHash(row.entry);
    const logged = position < this.loggedSize() ? await this.loggedLeaf(position) : undefined;
    const authentic = this.compareLeafHashes(position, entryHash, row.leafHash, logged);
    if (entry) this.compareColumns(row, entry, authentic);
    this.checkRecordedAt(row, entry);
    if (this.brokenAt === null) await this.push(entryHash);
  }

  private parseEntry(row: AuditRow): Record<string, unknown> | undefined {
    const at = `position ${row.globalPosition}`;
    let value: unknown;
    try {
      value = JSON.parse(row.entry);
    } catch (error) {
      this.report('altered-entry', `${at}: the stored entry is not JSON (${(error as Error).message})`);
      return undefined;
    }
    try {
      if (canonicalJson(value) !== row.entry) {
        this.report(
          'altered-entry',
          `${at}: the stored entry is not in RFC 8785 canonical form (edited by hand)`,
        );
      }
    } catch (error) {
      if (!(error instanceof UnfaithfulJsonError)) throw error;
      this.report(
        'altered-entry',
        `${at}: the stored entry holds JSON the ledger never writes (${error.message})`,
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report('altered-entry', `${at}: the stored entry is not a JSON object`);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** Reports what disagrees among the entry's hash, the leaf_hash column and the log's leaf; true when the entry is what was logged. */
  private compareLeafHashes(position: number, entryHash: Buffer, rowHash: Buffer, logged?: Buffer): boolean {
    const at = `position ${position}`;
    if (!entryHash.equals(rowHash)) {
      if (logged && entryHash.equals(logged)) {
        this.report(
          'altered-column',
          `${at}: the leaf_hash column was rewritten (the entry still hashes to the leaf the log built)`,
        );
      } else {
        this.report(
          'altered-entry',
          `${at}: the stored entry does not hash to its leaf hash (altered entry)`,
        );
      }
    }
    if (!logged) return entryHash.equals(rowHash);
    if (!entryHash.equals(logged)) {
      this.markDisagreeing(0, Math.floor(position / TILE_WIDTH));
      if (!rowHash.equals(logged)) {
        const finding = this.report(
          'rewritten-after-logging',
          `${at}: leaf hash differs from the tile the log built (row rewritten after it was logged)`,
        );
        if (finding) this.rowOrTile.push({ finding, position });
      }
      return false;
    }
    return true;
  }

  private compareColumns(row: AuditRow, entry: Record<string, unknown>, authentic: boolean): void {
    const at = `position ${row.globalPosition}`;
    const compare = (
      field: string,
      inEntry: unknown,
      column: string,
      inRow: unknown,
      agree = inEntry === inRow,
    ) => {
      if (agree) return;
      this.report(
        'altered-column',
        `${at}: the entry's ${field} is ${shown(inEntry)}, the ${column} column ${shown(inRow)}` +
          // The entry is what the log committed to: when it is authentic, the column is what changed.
          (authentic ? ' (column rewritten)' : ''),
      );
    };
    compare('id', entry.id, 'event_id', row.eventId);
    compare('streamId', entry.streamId, 'stream_id', row.streamId);
    compare('streamVersion', entry.streamVersion, 'stream_version', row.streamVersion);
    compare('type', entry.type, 'type', row.type);
    const recordedAt = typeof entry.recordedAt === 'string' ? Date.parse(entry.recordedAt) : Number.NaN;
    compare(
      'recordedAt',
      entry.recordedAt,
      'recorded_at',
      row.recordedAt.toISOString(),
      recordedAt === row.recordedAt.getTime(),
    );
    const actor = (entry.metadata as { actor?: { id?: unknown; organizationId?: unknown } } | undefined)
      ?.actor;
    compare('actor id', actor?.id, 'actor_id', row.actorId);
    compare(
      'actor organizationId',
      actor?.organizationId,
      'actor_organization_id',
      row.actorOrganizationId ?? undefined,
    );
  }

  private checkRecordedAt(row: AuditRow, entry?: Record<string, unknown>): void {
    const text = typeof entry?.recordedAt === 'string' ? entry.recordedAt : row.recordedAt.toISOString();
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return;
    const last = this.lastRecordedAt;
    if (last && ms < last.ms) {
      this.report(
        'recorded-at',
        `position ${row.globalPosition}: recordedAt ${text} is earlier than ${last.text} at position ${last.position} ` +
          '(rows reordered, or written behind the service)',
      );
    }
    this.lastRecordedAt = { ms, text, position: row.globalPosition };
  }

  private async missing(from: number, to: number, atEnd: boolean): Promise<void> {
    const one = to - from === 1;
    const range = one ? `position ${from} is missing` : `positions ${from}–${to - 1} are missing`;
    const why = one ? 'deleted row' : 'deleted rows';
    this.report(
      'missing',
      atEnd ? `${range} (${why}: the journal ends at ${from}, the log covers ${to})` : `${range} (${why})`,
    );
    // The tree goes on over the hashes the log kept, so that one deletion is not also reported by every checkpoint.
    for (let position = from; position < to && this.brokenAt === null; position++) {
      const logged = position < this.loggedSize() ? await this.loggedLeaf(position) : undefined;
      if (logged) await this.push(logged);
      else this.brokenAt = position;
    }
  }

  private async push(leaf: Buffer): Promise<void> {
    this.pending.push(leaf);
    if (this.size + this.pending.length === this.nextStop()) {
      await this.flush();
      await this.reachStops();
    } else if (this.pending.length >= LEAF_BATCH) {
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const integration = integrateLeaves(this.size, this.edge, this.pending);
    const changed = new Map(integration.changedTiles.map((tile) => [tileKey(tile), tile.hashes]));
    const edge = new Map<string, Buffer>();
    for (const tile of rightEdgeTiles(integration.size)) {
      const key = tileKey(tile);
      edge.set(key, changed.get(key) ?? (this.edge.get(key) as Buffer));
    }
    this.edge = edge;
    this.size = integration.size;
    this.root = integration.root;
    this.pending = [];
    // Level 0 is compared leaf by leaf as rows arrive; above it, each tile once it is full.
    const completed = integration.changedTiles.filter(
      (tile) =>
        tile.level > 0 && tile.hashes.length === TILE_WIDTH * HASH_SIZE && this.isLogged(tile, TILE_WIDTH),
    );
    if (completed.length === 0) return;
    const stored = await this.source.tiles(completed);
    for (const tile of completed) this.compareTile(tile, stored.get(tileKey(tile)), TILE_WIDTH);
  }

  private nextStop(): number {
    let stop = Number.POSITIVE_INFINITY;
    if (this.tree && !this.treeReached) stop = this.tree.size;
    if (this.nextCheckpoint) stop = Math.min(stop, this.nextCheckpoint.treeSize);
    return stop;
  }

  /** Compares the tree head and the checkpoints whose size the recomputed tree has just reached. */
  private async reachStops(): Promise<void> {
    while (this.pending.length === 0 && this.nextStop() === this.size) {
      if (this.tree && !this.treeReached && this.tree.size === this.size) {
        this.treeReached = true;
        await this.compareTreeHead(this.tree);
      }
      if (this.nextCheckpoint?.treeSize === this.size) {
        this.compareCheckpointRoot(this.nextCheckpoint);
        await this.pullCheckpoint();
      }
    }
  }

  /** What is left once the rows are done: only stops past a hash nowhere to be found. */
  private async unreachableStops(): Promise<void> {
    const why =
      this.brokenAt === null
        ? `the journal holds ${this.size} entries`
        : `the journal lacks position ${this.brokenAt} and the log holds no hash for it`;
    if (this.tree && !this.treeReached) {
      this.treeReached = true;
      this.report('tree-head', `the log's tree head (size ${this.tree.size}) cannot be recomputed: ${why}`);
    }
    while (this.nextCheckpoint) {
      this.report('checkpoint', `${described(this.nextCheckpoint)} cannot be checked: ${why}`);
      await this.pullCheckpoint();
    }
  }

  /** Entries the log's tree head says are integrated (0 when it has none: then nothing is compared with tiles). */
  private loggedSize(): number {
    return this.tree?.size ?? 0;
  }

  /** Whether the log's tree covers the first `width` hashes of this tile. */
  private isLogged(tile: TileId, width: number): boolean {
    return Math.floor(this.loggedSize() / TILE_WIDTH ** tile.level) >= tile.index * TILE_WIDTH + width;
  }

  /** The leaf hash the log holds for a position it covers, read a few tiles at a time. */
  private async loggedLeaf(position: number): Promise<Buffer | undefined> {
    const index = Math.floor(position / TILE_WIDTH);
    if (!this.level0Tiles.has(index)) await this.readLevel0Tiles(index);
    const tile = this.level0Tiles.get(index);
    const at = (position % TILE_WIDTH) * HASH_SIZE;
    return tile && tile.length >= at + HASH_SIZE ? tile.subarray(at, at + HASH_SIZE) : undefined;
  }

  private async readLevel0Tiles(first: number): Promise<void> {
    this.level0Tiles.clear();
    const last = Math.min(first + LEVEL0_TILES_PER_READ, Math.ceil(this.loggedSize() / TILE_WIDTH)) - 1;
    const wanted = Array.from({ length: last - first + 1 }, (_, i) => ({ level: 0, index: first + i }));
    const stored = await this.source.tiles(wanted);
    for (const tile of wanted) {
      const hashes = stored.get(tileKey(tile));
      const width = Math.min(TILE_WIDTH, this.loggedSize() - tile.index * TILE_WIDTH);
      this.level0Tiles.set(tile.index, hashes ?? null);
      this.checkTileWidth(tile, hashes, width);
    }
  }

  /** Reports a tile that is missing or of the wrong width for the log's tree; true when it has the right width. */
  private checkTileWidth(tile: TileId, stored: Buffer | undefined, width: number): boolean {
    const name = `tile ${tile.level}/${tile.index}`;
    if (!stored) {
      this.report('tiles', `${name} is missing from the log`);
    } else if (stored.length !== width * HASH_SIZE) {
      this.report(
        'tiles',
        `${name} holds ${stored.length / HASH_SIZE} hashes; the log's tree of ${this.loggedSize()} entries needs ${width} there`,
      );
    } else {
      return true;
    }
    this.markDisagreeing(tile.level, tile.index);
    return false;
  }

  /** Compares a tile above level 0 with the recomputed one, entry by entry. */
  private compareTile(expected: Tile, stored: Buffer | undefined, width: number): void {
    this.checkTileWidth(expected, stored, width);
    const below = this.disagreeingTiles.get(expected.level - 1);
    const common = Math.min(width, (stored?.length ?? 0) / HASH_SIZE);
    for (let i = 0; i < common; i++) {
      const at = i * HASH_SIZE;
      if (
        expected.hashes.subarray(at, at + HASH_SIZE).equals((stored as Buffer).subarray(at, at + HASH_SIZE))
      )
        continue;
      this.markDisagreeing(expected.level, expected.index);
      const child = expected.index * TILE_WIDTH + i;
      if (below?.has(child)) continue;
      this.report(
        'tiles',
        `tile ${expected.level}/${expected.index}: hash ${i} is not the root of tile ${expected.level - 1}/${child} ` +
          "recomputed from the journal (the log's tiles were rewritten)",
      );
    }
    if (below) for (const child of below) if (child < (expected.index + 1) * TILE_WIDTH) below.delete(child);
  }

  private markDisagreeing(level: number, index: number): void {
    let tiles = this.disagreeingTiles.get(level);
    if (!tiles) this.disagreeingTiles.set(level, (tiles = new Set()));
    tiles.add(index);
  }

  private async compareTreeHead(tree: TreeHeadRow): Promise<void> {
    if (!this.root.equals(tree.rootHash)) {
      this.report(
        'tree-head',
        `the log's tree head says the root of its ${tree.size} entries is ${base64(tree.rootHash)}; ` +
          `recomputed from the journal it is ${base64(this.root)}`,
      );
    }
    const edge = rightEdgeTiles(tree.size).filter((tile) => tile.level > 0);
    if (edge.length === 0) return;
    const stored = await this.source.tiles(edge);
    for (const tile of edge) {
      const key = tileKey(tile);
      const hashes = this.edge.get(key) as Buffer;
      this.compareTile({ level: tile.level, index: tile.index, hashes }, stored.get(key), tile.width);
    }
  }

  private async checkTileExtents(): Promise<void> {
    if (!this.tree) return;
    const size = this.tree.size;
    for (const { level, lastIndex } of await this.source.tileExtents()) {
      const tiles = Math.ceil(Math.floor(size / TILE_WIDTH ** level) / TILE_WIDTH);
      if (lastIndex < tiles) continue;
      this.report(
        'tiles',
        `the log holds tiles up to ${level}/${lastIndex}, beyond its tree of ${size} entries ` +
          (tiles === 0
            ? `(which has no tile at level ${level})`
            : `(which ends at tile ${level}/${tiles - 1})`),
      );
    }
  }

  private async pullCheckpoint(): Promise<void> {
    const next = await this.checkpoints.next();
    this.nextCheckpoint = next.done ? undefined : this.checkCheckpoint(next.value);
  }

  /** What a checkpoint says by itself: a well-formed note, matching its columns, signed by the key. */
  private checkCheckpoint(checkpoint: AuditCheckpoint): CheckedCheckpoint {
    const name = described(checkpoint);
    if (this.tree && checkpoint.treeSize > this.tree.size && !this.rollbackReported) {
      this.rollbackReported = true;
      this.report(
        'tree-head',
        `the log's tree head (size ${this.tree.size}) is behind the ${name}: the tree was rolled back`,
      );
    }
    let note: SignedCheckpoint;
    try {
      note = parseSignedCheckpoint(checkpoint.note);
    } catch (error) {
      this.report('checkpoint', `${name}: its note is not a signed checkpoint (${(error as Error).message})`);
      return { ...checkpoint, signedRoot: checkpoint.rootHash };
    }
    if (note.size !== checkpoint.treeSize) {
      this.report('checkpoint', `${name}: its note signs size ${note.size}, not its tree_size column's`);
    }
    if (!note.rootHash.equals(checkpoint.rootHash)) {
      this.report(
        'checkpoint',
        `${name}: its note signs root ${base64(note.rootHash)}, the root_hash column holds ${base64(checkpoint.rootHash)}`,
      );
    }
    if (note.origin !== checkpoint.origin) {
      this.report(
        'checkpoint',
        `${name}: its note names origin ${JSON.stringify(note.origin)}, the origin column ${JSON.stringify(checkpoint.origin)}`,
      );
    }
    this.checkSignature(checkpoint, note, name);
    return { ...checkpoint, signedRoot: note.rootHash };
  }

  private checkSignature(checkpoint: AuditCheckpoint, note: SignedCheckpoint, name: string): void {
    const given = this.options.key;
    if (given) {
      if (!isSignedBy(note, given.name, given.publicKey)) {
        this.report(
          'checkpoint',
          `${name}: its signature does not verify with the key given (${given.text})`,
        );
      }
      return;
    }
    let named: VerifierKey;
    try {
      named = parseVerifierKey(checkpoint.verifierKey);
    } catch (error) {
      this.report(
        'checkpoint',
        `${name}: its verifier_key column is not a verifier key (${(error as Error).message})`,
      );
      return;
    }
    if (!isSignedBy(note, named.name, named.publicKey)) {
      this.report(
        'checkpoint',
        `${name}: its signature does not verify with the key it names (${named.text})`,
      );
    }
    const previous = this.previousVerifierKey;
    if (previous !== undefined && named.text !== previous) {
      this.report(
        'checkpoint',
        `${name} names the key ${named.text}, the checkpoint before it ${previous} ` +
          '(a new signing key, or a forged checkpoint: audit with --key)',
      );
    }
    this.previousVerifierKey = named.text;
  }

  private compareCheckpointRoot(checkpoint: CheckedCheckpoint): void {
    this.checkpointsChecked++;
    const agrees = this.root.equals(checkpoint.signedRoot);
    if (agrees) {
      for (const { finding, position } of this.rowOrTile) {
        finding.kind = 'tiles';
        finding.message =
          `position ${position}: tile 0/${Math.floor(position / TILE_WIDTH)} holds another leaf hash for it, yet the ` +
          `entry is what the checkpoint of size ${checkpoint.treeSize} signed (the log's tile was rewritten)`;
      }
    }
    // Every position pending is below this checkpoint's size: rows are met in order, before the checkpoint.
    this.rowOrTile = [];
    if (agrees) {
      this.closeLaterDisagreeing();
      return;
    }
    if (this.laterDisagreeing) {
      this.laterDisagreeing.first ??= checkpoint.treeSize;
      this.laterDisagreeing.last = checkpoint.treeSize;
      this.laterDisagreeing.count++;
      return;
    }
    this.report(
      'checkpoint',
      `${described(checkpoint)}: the journal's root for ${checkpoint.treeSize} entries is ${base64(this.root)}, ` +
        `the checkpoint signed ${base64(checkpoint.signedRoot)}`,
    );
    this.laterDisagreeing = { count: 0 };
  }

  private closeLaterDisagreeing(): void {
    const later = this.laterDisagreeing;
    this.laterDisagreeing = undefined;
    if (!later || later.count === 0) return;
    this.report(
      'checkpoint',
      later.count === 1
        ? `the later checkpoint of size ${later.first} disagrees with the journal too`
        : `the ${later.count} later checkpoints, of sizes ${later.first}–${later.last}, disagree with the journal too`,
    );
  }

  private async auditStreams(): Promise<void> {
    let stream: string | undefined;
    let previous: { version: number; position: number } | undefined;
    for await (const row of this.source.streamVersions()) {
      if (row.streamId !== stream) {
        stream = row.streamId;
        previous = undefined;
      }
      const expected = previous ? previous.version + 1 : 0;
      if (row.streamVersion > expected) {
        const one = row.streamVersion - expected === 1;
        const versions = one
          ? `version ${expected} is missing`
          : `versions ${expected}–${row.streamVersion - 1} are missing`;
        const where = previous
          ? `between positions ${previous.position} and ${row.globalPosition}`
          : `before position ${row.globalPosition}`;
        this.report(
          'stream-version',
          `stream ${stream}: ${versions} (${where}: ${one ? 'deleted row' : 'deleted rows'})`,
        );
      }
      if (previous && row.globalPosition < previous.position) {
        this.report(
          'stream-version',
          `stream ${stream}: version ${row.streamVersion} is at position ${row.globalPosition}, before version ` +
            `${previous.version} at position ${previous.position} (rows reordered)`,
        );
      }
      previous = { version: row.streamVersion, position: row.globalPosition };
    }
  }
}

function described(checkpoint: AuditCheckpoint): string {
  return `checkpoint of size ${checkpoint.treeSize} (signed ${checkpoint.signedAt.toISOString()})`;
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

function base64(hash: Buffer): string {
  return hash.toString('base64');
}
