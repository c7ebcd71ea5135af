import type { EventType, JsonObject, LedgerEntry } from '@ledger/events';
import type { SqlQueryable } from '@ledger/store';

/** One journal entry as a projection sees it: the entry as recorded, its data brought to the current schema. */
export interface ProjectedEvent {
  globalPosition: number;
  entry: LedgerEntry;
  /** `entry.data` upcast to the current schema version of its type (what `evolve` folds). */
  data: JsonObject;
}

/**
 * A projection: folds the journal, in order, into tables of its own. The engine reads the events of
 * `eventTypes` after the projection's checkpoint and calls `apply` with a batch inside one
 * transaction that also advances the checkpoint (compare-and-set), so a batch is applied exactly once
 * in effect. `apply` must give the same rows when the same batch is applied twice to the same rows
 * before it (a rolled-back batch is simply applied again).
 *
 * Tables live in a schema of their own per generation (`schema` below, e.g. `view_dataset_catalogue_3`);
 * readers use the stable views the engine keeps in `ledger_views` (`ledger_views.<table>` for every
 * table in `tables`), so a rebuild into a fresh generation swaps atomically under them.
 */
export interface Projection {
  /** Stable, lower_snake_case: names the checkpoint, the lock and the generation schemas. */
  readonly name: string;
  /** Bump when the tables or what `apply` writes change: the engine rebuilds into a fresh generation. */
  readonly version: number;
  /**
   * A reactor decides side effects (timers, webhooks) rather than a view: it is never replayed — no
   * rebuild, and a new version only records itself and goes on from the checkpoint — since replaying
   * would decide history's side effects again. Its tables stay those of its first generation.
   */
  readonly reactor?: boolean;
  /** The event types it reads; the others never reach `apply` (the checkpoint still moves past them). */
  readonly eventTypes: readonly EventType[];
  /** The tables it owns, by name; each gets a stable view `ledger_views.<name>`. */
  readonly tables: readonly string[];
  /** DDL creating every table (and index) in `schema` (already created, empty). */
  createTables(schema: string): string;
  /** Applies a batch, in order, in the engine's transaction. */
  apply(tx: SqlQueryable, events: readonly ProjectedEvent[], schema: string): Promise<void>;
}

/** Where readers find a projection's table: the stable view over its active generation. */
export function viewOf(table: string): string {
  return `ledger_views.${table}`;
}
