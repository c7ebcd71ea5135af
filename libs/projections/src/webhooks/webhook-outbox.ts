import { jobIdOf } from '@ledger/runtime';
import type { SqlQueryable } from '@ledger/store';
import { INSERT_DELIVERIES, INSERT_OUTBOX_JOBS, SELECT_SUBSCRIBERS } from './webhooks.sql';

/** The queue webhook deliveries run on. */
export const WEBHOOKS_QUEUE = 'webhooks';

/** Tries per delivery, the first included, and the wait before the first retry (doubling after each). */
export const WEBHOOK_ATTEMPTS = 8;
export const WEBHOOK_BACKOFF_MS = 1_000;

/** Something to deliver: a journal event, or a new transparency-log checkpoint. */
export interface DeliveryTarget {
  /** The CloudEvent id: the ledger event id, or checkpoint-<tree size>. */
  eventId: string;
  type: string;
  /** The event's globalPosition, or the checkpoint's tree size. */
  position: number;
  /** Journal events go only to subscriptions created before they were recorded; checkpoints to every subscriber. */
  onlyAfterSubscription: boolean;
}

/** The payload of a job on the webhooks queue. */
export interface WebhookJob {
  subscriptionId: string;
  eventId: string;
  type: string;
  position: number;
}

interface SubscriberRow {
  id: string;
  types: string[];
  from_position: string;
}

/**
 * Writes, in the caller's transaction, one delivery row and one job-outbox row per target per active
 * subscription to its type. Both inserts ignore what is already there (job id = jobIdOf(subscription,
 * event)), so a batch applied again, or a checkpoint enqueued twice, delivers once. Returns the jobs
 * written or found.
 */
export async function enqueueWebhookDeliveries(
  tx: SqlQueryable,
  targets: readonly DeliveryTarget[],
): Promise<WebhookJob[]> {
  if (targets.length === 0) return [];
  const types = [...new Set(targets.map((target) => target.type))];
  const subscribers = await tx.query<SubscriberRow>(SELECT_SUBSCRIBERS, [types]);
  if (subscribers.length === 0) return [];
  const jobs: WebhookJob[] = [];
  for (const target of targets) {
    for (const subscriber of subscribers) {
      if (!subscriber.types.includes(target.type)) continue;
      if (target.onlyAfterSubscription && target.position <= Number(subscriber.from_position)) continue;
      jobs.push({
        subscriptionId: subscriber.id,
        eventId: target.eventId,
        type: target.type,
        position: target.position,
      });
    }
  }
  if (jobs.length === 0) return [];
  await tx.query(INSERT_DELIVERIES, [
    JSON.stringify(
      jobs.map((job) => ({
        subscription_id: job.subscriptionId,
        event_id: job.eventId,
        event_type: job.type,
        position: job.position,
        job_id: webhookJobId(job),
      })),
    ),
  ]);
  await tx.query(INSERT_OUTBOX_JOBS, [
    JSON.stringify(jobs.map((job) => ({ job_id: webhookJobId(job), payload: job }))),
  ]);
  return jobs;
}

/** One job per subscription and event: BullMQ-safe, and the same however often it is enqueued. */
export function webhookJobId(job: Pick<WebhookJob, 'subscriptionId' | 'eventId'>): string {
  return jobIdOf('webhook', job.subscriptionId, job.eventId);
}
