import type { Actor, LegalBasis } from '@ledger/events';
import type { NewEvent } from '@ledger/store';
import { aNewEvent } from './events';

/** A small seeded generator (mulberry32): the same seed gives the same history and the same sample points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type OpenClassification = 'unconditional' | 'conditional';

export interface LongHistoryOptions {
  organizationId?: string;
  actor?: Actor;
  random?: () => number;
  legalBasis?: (type: string) => LegalBasis;
}

/**
 * `count` dataset events the deciders would have recorded, in order: a registration, then releases
 * (versions rising by 1–3, some masked), suspensions for every cause, restores and reclassifications
 * between unconditional and conditional, and finally a withdrawal.
 */
export function aLongDatasetHistory(count: number, options: LongHistoryOptions = {}): NewEvent[] {
  const random = options.random ?? seededRandom(1);
  const organizationId = options.organizationId ?? 'org-a';
  const actor = options.actor ?? { id: 'officer-1', role: 'body_officer', organizationId };
  const legalBasis =
    options.legalBasis ?? ((): LegalBasis => ({ rulebook: 'test-rulebook/v1', article: 'ch. 2' }));
  const event = (type: string, data: NewEvent['data']): NewEvent =>
    aNewEvent({
      type,
      data,
      metadata: { actor, legalBasis: legalBasis(type) },
      source: 'urn:open-data-ledger:api',
    });
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

  const events = [
    event('DatasetRegistered', {
      title: 'Bus stops of Shanghai (公交站点)',
      organizationId,
      classification: 'unconditional',
      classificationBasis: 'no personal information',
      fields: ['stop_id', 'name', 'lat', 'lon', 'phone'],
      updateFrequency: 'monthly',
    }),
  ];
  let status: 'registered' | 'open' | 'suspended' = 'registered';
  let classification: OpenClassification = 'unconditional';
  let version = 0;
  let suspendingObjection: string | undefined;
  while (events.length < count - 1) {
    const roll = random();
    if (status === 'suspended') {
      // An objection's suspension is lifted by resolving the objection, which names it.
      events.push(
        event('DatasetRestored', {
          reason: pick(['incident closed', 'no infringement found']),
          ...(suspendingObjection !== undefined && { objectionId: suspendingObjection }),
        }),
      );
      status = 'open';
    } else if (status === 'registered' || roll < 0.5) {
      version += 1 + Math.floor(random() * 3);
      events.push(
        event('DatasetReleased', {
          version,
          checksum: (version % 16).toString(16).repeat(64),
          recordCount: Math.floor(random() * 5000),
          format: pick(['csv', 'json', 'xlsx']),
          maskingRules: roll < 0.2 ? [{ field: 'phone', method: 'suppressed' }] : [],
          ...(roll < 0.1 && { notes: 'quarterly refresh' }),
        }),
      );
      status = 'open';
    } else if (roll < 0.75) {
      const cause = pick(['objection', 'correction', 'security', 'other'] as const);
      suspendingObjection = cause === 'objection' ? `objection-${events.length}` : undefined;
      events.push(
        event('DatasetSuspended', {
          reason: `suspended for ${cause}`,
          cause,
          ...(cause !== 'other' && { causeRef: suspendingObjection ?? `${cause}-${events.length}` }),
        }),
      );
      status = 'suspended';
    } else {
      const to: OpenClassification = classification === 'unconditional' ? 'conditional' : 'unconditional';
      events.push(event('DatasetReclassified', { from: classification, to, reason: 'annual review' }));
      classification = to;
    }
  }
  events.push(event('DatasetWithdrawn', { reason: 'superseded by the new open list' }));
  return events;
}
