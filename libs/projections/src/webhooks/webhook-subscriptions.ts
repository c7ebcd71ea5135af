import { randomUUID } from 'node:crypto';
import type { EventStore, SqlDatabase } from '@ledger/store';
import { checkpointEventId, CHECKPOINT_EVENT_TYPE } from './webhook-cloud-event';
import { enqueueWebhookDeliveries, WEBHOOK_ATTEMPTS } from './webhook-outbox';
import type { WebhookSecrets } from './webhook-secrets';
import {
  INSERT_SUBSCRIPTION,
  MARK_SUBSCRIPTION_DELETED,
  SELECT_ACTIVE_SUBSCRIPTIONS,
  SELECT_DELIVERIES,
  SELECT_SUBSCRIPTION,
} from './webhooks.sql';

/** A subscription as the API shows it: never its secret. */
export interface WebhookSubscription {
  id: string;
  url: string;
  types: string[];
  /** Journal events after this position are delivered (the head when it was created). */
  fromPosition: number;
  createdBy: string;
  createdAt: string;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  /** The event's globalPosition, or the checkpoint's tree size. */
  position: number;
  /** cancelled: not delivered when its subscription was deleted. */
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  nextAttemptAt?: string;
  enqueuedAt: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface PageOf<T> {
  items: T[];
  next?: string;
}

interface SubscriptionRow {
  id: string;
  url: string;
  types: string[];
  from_position: string;
  created_by: string;
  created_at: Date;
}

interface DeliveryRow {
  seq: string;
  event_id: string;
  event_type: string;
  position: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
  cancelled: boolean;
}

/** Subscriptions and their deliveries in `ledger.webhook_*` (migration 0006). */
export class WebhookSubscriptions {
  constructor(
    private readonly db: SqlDatabase,
    private readonly store: Pick<EventStore, 'head'>,
    private readonly secrets: WebhookSecrets,
  ) {}

  async create(request: {
    url: string;
    types: string[];
    secret: string;
    createdBy: string;
  }): Promise<WebhookSubscription> {
    const id = randomUUID();
    const head = await this.store.head();
    const [row] = await this.db.query<SubscriptionRow>(INSERT_SUBSCRIPTION, [
      id,
      request.url,
      request.types,
      this.secrets.seal(id, request.secret),
      head,
      request.createdBy,
    ]);
    return subscriptionOf(row);
  }

  async list(page: PageRequest): Promise<PageOf<WebhookSubscription>> {
    const rows = await this.db.query<SubscriptionRow>(SELECT_ACTIVE_SUBSCRIPTIONS, [
      page.cursor ?? null,
      page.limit + 1,
    ]);
    const items = rows.slice(0, page.limit).map(subscriptionOf);
    return rows.length > page.limit ? { items, next: items[items.length - 1].id } : { items };
  }

  /** Marks it deleted: its pending jobs then do nothing. False when there is no such active subscription. */
  async delete(id: string, deletedBy: string): Promise<boolean> {
    const rows = await this.db.query(MARK_SUBSCRIPTION_DELETED, [id, deletedBy]);
    return rows.length > 0;
  }

  /** Its deliveries in the order they were enqueued (deleted subscriptions too); undefined for an unknown id. */
  async deliveries(id: string, page: PageRequest): Promise<PageOf<WebhookDelivery> | undefined> {
    const [subscription] = await this.db.query(SELECT_SUBSCRIPTION, [id]);
    if (!subscription) return undefined;
    const after = page.cursor !== undefined && /^\d{1,16}$/.test(page.cursor) ? page.cursor : '0';
    const rows = await this.db.query<DeliveryRow>(SELECT_DELIVERIES, [id, after, page.limit + 1]);
    const items = rows.slice(0, page.limit);
    return {
      items: items.map(deliveryOf),
      ...(rows.length > page.limit && { next: items[items.length - 1].seq }),
    };
  }

  /**
   * Enqueues the delivery of a new transparency-log checkpoint to its subscribers, once per
   * subscription however often it is called (the sequencer calls it when it signs one, and again at
   * start-up for the latest, in case the process stopped in between).
   */
  async enqueueCheckpoint(treeSize: number): Promise<number> {
    const jobs = await this.db.transaction((tx) =>
      enqueueWebhookDeliveries(tx, [
        {
          eventId: checkpointEventId(treeSize),
          type: CHECKPOINT_EVENT_TYPE,
          position: treeSize,
          onlyAfterSubscription: false,
        },
      ]),
    );
    return jobs.length;
  }
}

function subscriptionOf(row: SubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    types: row.types,
    fromPosition: Number(row.from_position),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function deliveryOf(row: DeliveryRow): WebhookDelivery {
  const status =
    row.delivered_at !== null
      ? 'delivered'
      : row.cancelled
        ? 'cancelled'
        : row.attempts >= WEBHOOK_ATTEMPTS || (row.attempts > 0 && row.next_attempt_at === null)
          ? 'failed'
          : 'pending';
  return {
    eventId: row.event_id,
    type: row.event_type,
    position: Number(row.position),
    status,
    attempts: row.attempts,
    ...(row.last_status_code !== null && { lastStatusCode: row.last_status_code }),
    ...(row.last_error !== null && { lastError: row.last_error }),
    ...(row.last_attempt_at !== null && { lastAttemptAt: iso(row.last_attempt_at) }),
    ...(row.delivered_at !== null && { deliveredAt: iso(row.delivered_at) }),
    ...(row.next_attempt_at !== null && { nextAttemptAt: iso(row.next_attempt_at) }),
    enqueuedAt: iso(row.created_at),
  };
}

function iso(value: Date): string {
  return new Date(value).toISOString();
}
