import { randomBytes } from 'node:crypto';
import { jobIdOf } from '@ledger/runtime';
import { TransparencyLog } from '@ledger/store';
import { GivenEvent, ProjectionTestbed } from '../testing/projection-testbed';
import { WebhookReceiver } from './testing/webhook-receiver';
import { signatureOf } from './webhook-cloud-event';
import { webhookDeliveryHandler, WebhookDeliveryFailedError } from './webhook-delivery.handler';
import type { WebhookJob } from './webhook-outbox';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSubscriptions } from './webhook-subscriptions';
import { webhooksReactor } from './webhooks.reactor';

const SECRET = 'receiver-secret-0123456789';

const registered = (id: string): GivenEvent => ({
  streamId: `dataset-${id}`,
  type: 'DatasetRegistered',
  data: {
    title: id,
    organizationId: 'org-a',
    classification: 'unconditional',
    classificationBasis: 'public',
    fields: ['a'],
    updateFrequency: 'monthly',
  },
});

const released = (id: string): GivenEvent => ({
  streamId: `dataset-${id}`,
  type: 'DatasetReleased',
  data: { version: 1, checksum: 'a'.repeat(64), recordCount: 1, format: 'csv' },
});

interface DeliveryRow {
  subscription_id: string;
  event_id: string;
  event_type: string;
  position: string;
  job_id: string;
  attempts: number;
  last_status_code: number | null;
  delivered_at: Date | null;
  next_attempt_at: Date | null;
}

describe('the webhooks reactor', () => {
  let testbed: ProjectionTestbed;
  let subscriptions: WebhookSubscriptions;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(webhooksReactor);
    subscriptions = new WebhookSubscriptions(
      testbed.journal.database,
      testbed.journal.store,
      new WebhookSecrets(randomBytes(32)),
    );
  });
  afterEach(() => testbed.dispose());

  const subscribe = (types: string[], url = 'https://example.cn/hook') =>
    subscriptions.create({ url, types, secret: SECRET, createdBy: 'admin' });
  const deliveries = () => testbed.rows<DeliveryRow>('SELECT * FROM ledger.webhook_deliveries ORDER BY seq');
  const outbox = () =>
    testbed.rows<{ job_id: string; queue: string; payload: WebhookJob; completed_at: Date | null }>(
      'SELECT job_id, queue, payload, completed_at FROM ledger_views.job_outbox ORDER BY job_id',
    );

  it('writes_one_delivery_and_one_outbox_job_per_event_and_matching_active_subscription', async () => {
    const registrations = await subscribe(['DatasetRegistered']);
    const everything = await subscribe(['DatasetRegistered', 'DatasetReleased']);
    const gone = await subscribe(['DatasetRegistered']);
    await subscriptions.delete(gone.id, 'admin');

    const [registration, release] = await testbed.given([registered('bus-stops'), released('bus-stops')]);

    const expected = [
      { subscription: registrations.id, event: registration },
      { subscription: everything.id, event: registration },
      { subscription: everything.id, event: release },
    ];
    const rows = await deliveries();
    expect(
      rows.map((row) => [
        row.subscription_id,
        row.event_id,
        row.event_type,
        Number(row.position),
        row.job_id,
      ]),
    ).toEqual(
      expect.arrayContaining(
        expected.map(({ subscription, event }) => [
          subscription,
          event.entry.id,
          event.entry.type,
          event.globalPosition,
          jobIdOf('webhook', subscription, event.entry.id),
        ]),
      ),
    );
    expect(rows).toHaveLength(3);
    const jobs = await outbox();
    expect(jobs).toHaveLength(3);
    expect(jobs.every((job) => job.queue === 'webhooks' && /^j[0-9a-f]{40}$/.test(job.job_id))).toBe(true);
    expect(jobs.map((job) => job.job_id).sort()).toEqual(rows.map((row) => row.job_id).sort());
    expect(jobs.find((job) => job.payload.eventId === release.entry.id)?.payload).toEqual({
      subscriptionId: everything.id,
      eventId: release.entry.id,
      type: 'DatasetReleased',
      position: release.globalPosition,
    });
  });

  it('gives_the_same_rows_when_a_batch_is_applied_twice', async () => {
    await subscribe(['DatasetRegistered']);
    const events = await testbed.given([registered('a'), registered('b')]);
    const before = { deliveries: await deliveries(), outbox: await outbox() };

    await testbed.applyAgain(events);

    expect(await deliveries()).toEqual(before.deliveries);
    expect(await outbox()).toEqual(before.outbox);
  });

  it('does_not_deliver_to_a_subscription_what_was_recorded_before_it_existed', async () => {
    await testbed.given([registered('before')]);
    const subscription = await subscribe(['DatasetRegistered']);

    const [after] = await testbed.given([registered('after')]);

    expect((await deliveries()).map((row) => [row.subscription_id, row.event_id])).toEqual([
      [subscription.id, after.entry.id],
    ]);
  });

  it('enqueues_a_checkpoint_once_per_subscriber_however_often_it_is_announced', async () => {
    const subscription = await subscribe(['LogCheckpointPublished']);
    await subscribe(['DatasetRegistered']);

    await subscriptions.enqueueCheckpoint(7);
    await subscriptions.enqueueCheckpoint(7);

    expect(
      (await deliveries()).map((row) => [row.subscription_id, row.event_id, Number(row.position)]),
    ).toEqual([[subscription.id, 'checkpoint-7', 7]]);
    expect(await outbox()).toHaveLength(1);
  });
});

describe('the webhook delivery handler', () => {
  let testbed: ProjectionTestbed;
  let subscriptions: WebhookSubscriptions;
  let receiver: WebhookReceiver;
  let secrets: WebhookSecrets;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(webhooksReactor);
    secrets = new WebhookSecrets(randomBytes(32));
    subscriptions = new WebhookSubscriptions(testbed.journal.database, testbed.journal.store, secrets);
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await receiver.close();
    await testbed.dispose();
  });

  const handler = (attempts = 8) =>
    webhookDeliveryHandler({
      db: testbed.journal.database,
      store: testbed.journal.store,
      log: new TransparencyLog(testbed.journal.database),
      secrets,
      source: 'ledger.test/log',
      attempts,
    });
  const deliveryOf = async (subscriptionId: string) => {
    const [row] = await testbed.rows<DeliveryRow>(
      'SELECT * FROM ledger.webhook_deliveries WHERE subscription_id = $1',
      [subscriptionId],
    );
    return row;
  };
  const jobOf = (row: DeliveryRow): WebhookJob => ({
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    type: row.event_type,
    position: Number(row.position),
  });

  it('posts_a_signed_structured_cloudevent_and_records_the_delivery', async () => {
    const subscription = await subscriptions.create({
      url: receiver.url,
      types: ['DatasetRegistered'],
      secret: SECRET,
      createdBy: 'admin',
    });
    const [event] = await testbed.given([registered('bus-stops')]);
    const row = await deliveryOf(subscription.id);

    await handler()(jobOf(row), { id: row.job_id, attempt: 1 });

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery.headers['content-type']).toBe('application/cloudevents+json');
    expect(delivery.headers['x-ledger-signature']).toBe(signatureOf(delivery.body, SECRET));
    expect(JSON.parse(delivery.body)).toMatchObject({
      id: event.entry.id,
      type: 'DatasetRegistered',
      subject: 'dataset-bus-stops',
      source: 'ledger.test/log',
      data: event.entry,
    });
    const after = await deliveryOf(subscription.id);
    expect(after).toMatchObject({ attempts: 1, last_status_code: 204, next_attempt_at: null });
    expect(after.delivered_at).not.toBeNull();
  });

  it('throws_on_a_refusal_so_the_runner_retries_and_records_the_attempt', async () => {
    const subscription = await subscriptions.create({
      url: receiver.url,
      types: ['DatasetRegistered'],
      secret: SECRET,
      createdBy: 'admin',
    });
    await testbed.given([registered('bus-stops')]);
    const row = await deliveryOf(subscription.id);
    receiver.answerNext(503);

    await expect(handler()(jobOf(row), { id: row.job_id, attempt: 1 })).rejects.toThrow(
      WebhookDeliveryFailedError,
    );

    const after = await deliveryOf(subscription.id);
    expect(after).toMatchObject({ attempts: 1, last_status_code: 503, delivered_at: null });
    expect(after.next_attempt_at).not.toBeNull();
  });

  it('gives_up_without_throwing_when_the_last_allowed_attempt_fails', async () => {
    const subscription = await subscriptions.create({
      url: receiver.url,
      types: ['DatasetRegistered'],
      secret: SECRET,
      createdBy: 'admin',
    });
    await testbed.given([registered('bus-stops')]);
    const row = await deliveryOf(subscription.id);
    receiver.answerNext(500, 500, 500);

    await expect(handler(2)(jobOf(row), { id: row.job_id, attempt: 1 })).rejects.toThrow();
    await handler(2)(jobOf(row), { id: row.job_id, attempt: 2 });
    await handler(2)(jobOf(row), { id: row.job_id, attempt: 1 });

    expect(receiver.received).toHaveLength(2);
    expect(await deliveryOf(subscription.id)).toMatchObject({ attempts: 2, next_attempt_at: null });
  });

  it('does_nothing_for_a_deleted_subscription_or_a_delivered_event', async () => {
    const deleted = await subscriptions.create({
      url: receiver.url,
      types: ['DatasetRegistered'],
      secret: SECRET,
      createdBy: 'admin',
    });
    const delivered = await subscriptions.create({
      url: receiver.url,
      types: ['DatasetRegistered'],
      secret: SECRET,
      createdBy: 'admin',
    });
    await testbed.given([registered('bus-stops')]);
    await subscriptions.delete(deleted.id, 'admin');
    const ofDelivered = await deliveryOf(delivered.id);
    await handler()(jobOf(ofDelivered), { id: ofDelivered.job_id, attempt: 1 });

    const ofDeleted = await deliveryOf(deleted.id);
    await handler()(jobOf(ofDeleted), { id: ofDeleted.job_id, attempt: 1 });
    await handler()(jobOf(ofDelivered), { id: ofDelivered.job_id, attempt: 1 });

    expect(receiver.received).toHaveLength(1);
    expect((await deliveryOf(deleted.id)).attempts).toBe(0);
    const shown = await subscriptions.deliveries(deleted.id, { limit: 10 });
    expect(shown?.items.map((delivery) => [delivery.status, delivery.attempts])).toEqual([['cancelled', 0]]);
  });

  it('treats_a_network_failure_as_a_failed_attempt', async () => {
    const closed = `http://127.0.0.1:${new URL(receiver.url).port}/hook`;
    await receiver.close();
    const subscription = await subscriptions.create({
      url: closed,
      types: ['DatasetRegistered'],
      secret: SECRET,
      createdBy: 'admin',
    });
    await testbed.given([registered('bus-stops')]);
    const row = await deliveryOf(subscription.id);

    await expect(handler()(jobOf(row), { id: row.job_id, attempt: 1 })).rejects.toThrow(/failed/);

    expect(await deliveryOf(subscription.id)).toMatchObject({ attempts: 1, last_status_code: null });
    receiver = await WebhookReceiver.start();
  });
});
