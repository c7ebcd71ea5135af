import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@ledger/events';
import type { NewEvent } from '@ledger/store';

/** A publishable event with everything a test does not care about filled in. */
export function aNewEvent(overrides: Partial<NewEvent> & { data?: JsonObject } = {}): NewEvent {
  return {
    id: randomUUID(),
    type: 'DataAccessed',
    data: { datasetId: 'ds-1', principal: 'user-1', channel: 'download', recordCount: 10 },
    metadata: {
      actor: { id: 'gateway', role: 'publisher' },
      legalBasis: { rulebook: 'test-rulebook', article: 'art. 1' },
    },
    source: 'urn:test:gateway',
    schemaVersion: 1,
    occurredAt: '2026-11-29T08:00:00.000Z',
    ...overrides,
  };
}

export function someNewEvents(count: number, overrides: Partial<NewEvent> = {}): NewEvent[] {
  return Array.from({ length: count }, () => aNewEvent(overrides));
}
