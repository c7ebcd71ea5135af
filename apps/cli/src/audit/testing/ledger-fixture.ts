import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson, LedgerEntry } from '@ledger/events';
import {
  EMPTY_TREE_ROOT,
  integrateLeaves,
  leafHash,
  NoteSigner,
  rightEdgeTiles,
  TileId,
  tileKey,
} from '@ledger/transparency';
import type {
  AuditCheckpoint,
  AuditRow,
  AuditSource,
  StreamVersionRow,
  TileExtent,
  TreeHeadRow,
} from '../audit-journal';

export const FIXTURE_ORIGIN = 'audit.test/log';

/**
 * A ledger held in memory, written as the service writes one (canonical entries, leaf hashes, tiles,
 * tree head, signed checkpoints), for tests to tamper with as a database administrator could.
 */
export class LedgerFixture implements AuditSource {
  rows: AuditRow[] = [];
  readonly storedTiles = new Map<string, Buffer>();
  tree: TreeHeadRow | null = { size: 0, rootHash: EMPTY_TREE_ROOT };
  storedCheckpoints: AuditCheckpoint[] = [];
  readonly signer = new NoteSigner(FIXTURE_ORIGIN, generateKeyPairSync('ed25519').privateKey);
  private readonly streamHeads = new Map<string, number>();
  private clock = Date.parse('2026-11-29T08:00:00.000Z');

  /** Appends `count` entries spread over `streams` streams, one second apart. */
  append(count: number, streams = 3): this {
    for (let i = 0; i < count; i++) {
      const position = this.rows.length;
      const streamId = `usage-ds${position % streams}`;
      const streamVersion = (this.streamHeads.get(streamId) ?? -1) + 1;
      this.streamHeads.set(streamId, streamVersion);
      this.clock += 1_000;
      // Members written in RFC 8785 order already, so JSON.stringify is the canonical text (and fast
      // enough for the tests that need more than 65,536 entries).
      const entry: LedgerEntry = {
        data: { datasetId: `ds${position % streams}`, recordCount: position },
        globalPosition: position,
        id: `event-${position}`,
        metadata: {
          actor: { id: 'gateway', organizationId: 'org-1', role: 'publisher' },
          legalBasis: { article: 'art. 1', rulebook: 'test-rulebook' },
        },
        recordedAt: new Date(this.clock).toISOString(),
        schemaVersion: 1,
        source: 'urn:test:gateway',
        streamId,
        streamVersion,
        type: 'DataAccessed',
      };
      this.rows.push(rowOf(entry, JSON.stringify(entry)));
    }
    return this;
  }

  /** Integrates every row into the log's tiles and tree head, as the sequencer does. */
  integrate(): this {
    const tree = this.tree as TreeHeadRow;
    const edge = new Map(
      rightEdgeTiles(tree.size).map((tile) => [tileKey(tile), this.storedTiles.get(tileKey(tile)) as Buffer]),
    );
    const leaves = this.sortedRows()
      .slice(tree.size)
      .map((row) => row.leafHash);
    const integration = integrateLeaves(tree.size, edge, leaves);
    for (const tile of integration.changedTiles) this.storedTiles.set(tileKey(tile), tile.hashes);
    this.tree = { size: integration.size, rootHash: integration.root };
    return this;
  }

  /** Signs the tree head as a checkpoint, as POST /v1/log/checkpoints does. */
  sign(signer: NoteSigner = this.signer): this {
    const tree = this.tree as TreeHeadRow;
    this.storedCheckpoints.push({
      treeSize: tree.size,
      rootHash: tree.rootHash,
      origin: FIXTURE_ORIGIN,
      verifierKey: signer.verifierKey,
      note: signer.signCheckpoint({ origin: FIXTURE_ORIGIN, size: tree.size, rootHash: tree.rootHash }),
      signedAt: new Date(this.clock),
    });
    return this;
  }

  /** What an administrator who also rewrites the log would do after changing rows: rebuild tiles and tree head. */
  rebuildLog(): this {
    this.storedTiles.clear();
    this.tree = { size: 0, rootHash: EMPTY_TREE_ROOT };
    return this.integrate();
  }

  row(position: number): AuditRow {
    const row = this.rows.find((candidate) => candidate.globalPosition === position);
    if (!row) throw new Error(`no row at position ${position}`);
    return row;
  }

  /** Rewrites a row's entry text, and its leaf_hash column too when `recomputeLeafHash`. */
  editEntry(position: number, edit: (entry: LedgerEntry) => void, { recomputeLeafHash = false } = {}): this {
    const row = this.row(position);
    const entry = JSON.parse(row.entry) as LedgerEntry;
    edit(entry);
    row.entry = canonicalJson(entry);
    if (recomputeLeafHash) row.leafHash = leafHash(row.entry);
    return this;
  }

  deleteRows(...positions: number[]): this {
    this.rows = this.rows.filter((row) => !positions.includes(row.globalPosition));
    return this;
  }

  /** Swaps two rows' global_position columns, leaving each row as it was otherwise. */
  swapPositions(a: number, b: number): this {
    const [first, second] = [this.row(a), this.row(b)];
    first.globalPosition = b;
    second.globalPosition = a;
    return this;
  }

  /**
   * Inserts a forged, self-consistent row at `position`: the rows from there on move up one, their
   * entries and leaf hashes rewritten to match. Only a checkpoint can still tell.
   */
  insertForged(position: number): this {
    for (const row of this.rows.filter((candidate) => candidate.globalPosition >= position)) {
      row.globalPosition++;
      const entry = JSON.parse(row.entry) as LedgerEntry;
      entry.globalPosition = row.globalPosition;
      row.entry = canonicalJson(entry);
      row.leafHash = leafHash(row.entry);
    }
    const template = JSON.parse(this.row(position - 1).entry) as LedgerEntry;
    this.rows.push(
      rowOf({
        ...template,
        data: { datasetId: 'forged', recordCount: 1 },
        globalPosition: position,
        id: 'forged-event',
        streamId: 'usage-forged',
        streamVersion: 0,
      }),
    );
    return this;
  }

  // AuditSource

  async overview() {
    const head = this.rows.reduce((max, row) => Math.max(max, row.globalPosition), -1);
    const sizes = this.storedCheckpoints.map((checkpoint) => checkpoint.treeSize);
    return { head, tree: this.tree, latestCheckpointSize: sizes.length === 0 ? null : Math.max(...sizes) };
  }

  async *entries(): AsyncIterable<AuditRow> {
    yield* this.sortedRows();
  }

  async *streamVersions(): AsyncIterable<StreamVersionRow> {
    const rows = this.rows
      .map(({ streamId, streamVersion, globalPosition }) => ({ streamId, streamVersion, globalPosition }))
      .sort((a, b) =>
        a.streamId === b.streamId ? a.streamVersion - b.streamVersion : a.streamId < b.streamId ? -1 : 1,
      );
    yield* rows;
  }

  async *checkpoints(): AsyncIterable<AuditCheckpoint> {
    yield* [...this.storedCheckpoints].sort((a, b) => a.treeSize - b.treeSize);
  }

  async tiles(tiles: readonly TileId[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    for (const tile of tiles) {
      const hashes = this.storedTiles.get(tileKey(tile));
      if (hashes) found.set(tileKey(tile), hashes);
    }
    return found;
  }

  async tileExtents(): Promise<TileExtent[]> {
    const extents = new Map<number, number>();
    for (const key of this.storedTiles.keys()) {
      const [level, index] = key.split('/').map(Number);
      extents.set(level, Math.max(index, extents.get(level) ?? -1));
    }
    return [...extents].map(([level, lastIndex]) => ({ level, lastIndex })).sort((a, b) => a.level - b.level);
  }

  private sortedRows(): AuditRow[] {
    return [...this.rows].sort((a, b) => a.globalPosition - b.globalPosition);
  }
}

function rowOf(entry: LedgerEntry, text = canonicalJson(entry)): AuditRow {
  return {
    globalPosition: entry.globalPosition,
    eventId: entry.id,
    streamId: entry.streamId,
    streamVersion: entry.streamVersion,
    type: entry.type,
    recordedAt: new Date(entry.recordedAt),
    actorId: entry.metadata.actor.id,
    actorOrganizationId: entry.metadata.actor.organizationId ?? null,
    entry: text,
    leafHash: leafHash(text),
  };
}
