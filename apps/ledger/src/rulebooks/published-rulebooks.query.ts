import type { LedgerEntry } from '@ledger/events';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import type { EventStore } from '@ledger/store';

/** Where the journal recorded a rulebook version. */
export interface PublishedRulebook {
  globalPosition: number;
  recordedAt: string;
  digest: string;
}

/** The versions of a rulebook series the journal holds (stream `rulebook-<id>`), by version. */
export async function readPublishedRulebooks(
  store: EventStore,
  id: string,
): Promise<Map<number, PublishedRulebook>> {
  const slice = await store.readStream(streamIdOf(STREAM_CATEGORIES.rulebook, id));
  const published = new Map<number, PublishedRulebook>();
  for (const stored of slice.entries) {
    if (stored.type !== 'RulebookPublished') continue;
    const entry = JSON.parse(stored.canonical) as LedgerEntry;
    published.set(Number(entry.data.version), {
      globalPosition: stored.globalPosition,
      recordedAt: entry.recordedAt,
      digest: String(entry.data.digest),
    });
  }
  return published;
}
