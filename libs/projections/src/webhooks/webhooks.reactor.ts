import { EVENT_CATALOGUE, EventType } from '@ledger/events';
import type { SqlQueryable } from '@ledger/store';
import type { ProjectedEvent, Projection } from '../engine/projection';
import { enqueueWebhookDeliveries } from './webhook-outbox';

export const WEBHOOKS_REACTOR = 'webhooks';

/**
 * The webhooks reactor: for every event of a subscribed type, a delivery row and a job-outbox row per
 * matching subscription, written in the transaction that advances its checkpoint — a restart neither
 * loses nor doubles a delivery. A reactor: a rebuild never replays it (that would deliver history again).
 * It owns no tables of its own generation; what it writes lives in `ledger.webhook_*` and the outbox.
 */
export const webhooksReactor: Projection = {
  name: WEBHOOKS_REACTOR,
  version: 1,
  reactor: true,
  // Any type may be subscribed to; the subscriptions are read per batch.
  eventTypes: Object.keys(EVENT_CATALOGUE) as EventType[],
  tables: [],
  createTables: () => 'SELECT 1',
  apply: async (tx: SqlQueryable, events: readonly ProjectedEvent[]) => {
    await enqueueWebhookDeliveries(
      tx,
      events.map((event) => ({
        eventId: event.entry.id,
        type: event.entry.type,
        position: event.globalPosition,
        onlyAfterSubscription: true,
      })),
    );
  },
};
