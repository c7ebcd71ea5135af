import type { JobContext, JobHandler } from '@ledger/runtime';
import { byteaOf, EventStore, SqlQueryable, TransparencyLog } from '@ledger/store';
import {
  checkpointCloudEvent,
  CHECKPOINT_EVENT_TYPE,
  CLOUDEVENTS_STRUCTURED,
  entryCloudEvent,
  SIGNATURE_HEADER,
  signatureOf,
} from './webhook-cloud-event';
import { WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS, WebhookJob } from './webhook-outbox';
import type { WebhookSecrets } from './webhook-secrets';
import { RECORD_ATTEMPT, SELECT_DELIVERY_TARGET } from './webhooks.sql';

export const DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookDeliveryDependencies {
  db: SqlQueryable;
  store: Pick<EventStore, 'readAll'>;
  log: Pick<TransparencyLog, 'checkpoint'>;
  secrets: WebhookSecrets;
  /** The CloudEvents `source` of every delivery: the ledger's log origin. */
  source: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  clock?: () => Date;
  /** Tries in all, counted on the delivery row across runner jobs (a job handed over again by the outbox counts on). */
  attempts?: number;
  /** The runner's first backoff, doubling: only to show when the next try is due. */
  backoffMs?: number;
}

/** A delivery attempt the subscriber did not accept: the runner retries with backoff. */
export class WebhookDeliveryFailedError extends Error {
  override readonly name = 'WebhookDeliveryFailedError';
}

interface TargetRow {
  url: string;
  sealed_secret: Uint8Array;
  deleted_at: Date | null;
  event_type: string;
  position: string;
  attempts: number;
  delivered_at: Date | null;
}

/**
 * The handler of the webhooks queue: POSTs one event (or checkpoint) to one subscriber as a signed
 * structured CloudEvent, records the attempt on the delivery row, and throws on anything but a 2xx
 * (redirects included) so the runner retries — until the row counts `attempts` tries, when it gives
 * up without throwing, so the job completes and the outbox hands it over no more. Idempotent: a job of a deleted subscription, or one
 * already delivered, does nothing. A subscriber may still see an event twice (an attempt that timed out
 * after it arrived, a crash before the attempt was recorded) and deduplicates on the CloudEvent id.
 */
export function webhookDeliveryHandler(dependencies: WebhookDeliveryDependencies): JobHandler<WebhookJob> {
  const send = dependencies.fetch ?? fetch;
  const clock = dependencies.clock ?? (() => new Date());
  const attempts = dependencies.attempts ?? WEBHOOK_ATTEMPTS;
  const backoffMs = dependencies.backoffMs ?? WEBHOOK_BACKOFF_MS;
  return async (job: WebhookJob, context: JobContext) => {
    const [target] = await dependencies.db.query<TargetRow>(SELECT_DELIVERY_TARGET, [
      job.subscriptionId,
      job.eventId,
    ]);
    if (!target || target.deleted_at !== null || target.delivered_at !== null) return;
    if (target.attempts >= attempts) return;
    const body = await bodyOf(dependencies, target);
    const secret = dependencies.secrets.open(job.subscriptionId, byteaOf(target.sealed_secret));
    let status: number | null = null;
    let failure: string | null = null;
    try {
      const response = await send(target.url, {
        method: 'POST',
        headers: {
          'content-type': CLOUDEVENTS_STRUCTURED,
          [SIGNATURE_HEADER]: signatureOf(body, secret),
          'x-ledger-delivery': context.id,
          'x-ledger-attempt': String(context.attempt),
          'user-agent': 'open-data-ledger-webhooks/1',
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(dependencies.timeoutMs ?? DELIVERY_TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (status < 200 || status > 299) failure = `the subscriber answered ${status}`;
    } catch (error) {
      failure = describe(error);
    }
    const givingUp = failure !== null && target.attempts + 1 >= attempts;
    const retryAt =
      failure === null || givingUp
        ? null
        : new Date(clock().getTime() + backoffMs * 2 ** (context.attempt - 1));
    await dependencies.db.query(RECORD_ATTEMPT, [
      job.subscriptionId,
      job.eventId,
      status,
      failure,
      failure === null,
      retryAt?.toISOString() ?? null,
    ]);
    // The last try failing completes the job (the row says failed), so the outbox stops handing it over.
    if (failure !== null && !givingUp) {
      throw new WebhookDeliveryFailedError(
        `delivery of ${job.eventId} to subscription ${job.subscriptionId} failed: ${failure}`,
      );
    }
  };
}

async function bodyOf(dependencies: WebhookDeliveryDependencies, target: TargetRow): Promise<string> {
  const position = Number(target.position);
  if (target.event_type === CHECKPOINT_EVENT_TYPE) {
    const checkpoint = await dependencies.log.checkpoint(position);
    if (!checkpoint) throw new Error(`no checkpoint of size ${position} is kept`);
    return checkpointCloudEvent({
      origin: checkpoint.origin,
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash.toString('base64'),
      note: checkpoint.note,
      signedAt: checkpoint.signedAt.toISOString(),
    });
  }
  const [stored] = await dependencies.store.readAll({
    fromPosition: position,
    toPosition: position,
    limit: 1,
  });
  if (!stored || stored.globalPosition !== position) throw new Error(`no entry at position ${position}`);
  return entryCloudEvent(stored.canonical, dependencies.source);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return (detail ? `${error.message} (${detail})` : error.message).slice(0, 500);
}
