import { signatureOf } from '@ledger/projections';
import { WebhookReceiver } from '../libs/projections/src/webhooks/testing/webhook-receiver';
import { LedgerUnderTest } from './support/ledger-under-test';

const SECRET = 'a-subscriber-secret-0123456789';

/**
 * Webhooks over HTTP: a platform admin subscribes a local receiver, a body officer's commands are
 * delivered to it as signed CloudEvents through the job outbox and the job runner (in-process under
 * `npm test`, BullMQ under `npm run test:services`), failures are retried, deletions stop deliveries.
 */
describe('webhook subscriptions and deliveries', () => {
  let ledger: LedgerUnderTest;
  let officer: { token: string };
  const receivers: WebhookReceiver[] = [];
  let datasets = 0;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', { organizationId: 'transport' });
  });
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await ledger.stop();
  });

  const aReceiver = async () => {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    return receiver;
  };
  const subscribe = async (url: string, types: string[]) => {
    const answer = await ledger.post('/v1/subscriptions', { url, types, secret: SECRET });
    if (answer.status !== 201) throw new Error(`${answer.status}: ${answer.text}`);
    return answer.body as { id: string };
  };
  /** Registers a dataset as the body officer; returns the recorded event's id. */
  const registerDataset = async () => {
    datasets += 1;
    const answer = await ledger.post(
      '/v1/datasets',
      {
        id: `stops-${datasets}`,
        title: `Bus stops ${datasets}`,
        organizationId: 'transport',
        classification: 'unconditional',
        classificationBasis: 'public information',
        fields: ['name', 'location'],
        updateFrequency: 'monthly',
      },
      { token: officer.token },
    );
    if (answer.status !== 201) throw new Error(`${answer.status}: ${answer.text}`);
    return answer.body.events[0].id as string;
  };
  const deliveries = async (subscriptionId: string) => {
    const answer = await ledger.get(`/v1/subscriptions/${subscriptionId}/deliveries`);
    expect(answer.status).toBe(200);
    return answer.body.items as any[];
  };

  it('delivers_each_event_of_a_subscribed_type_once_as_a_signed_structured_cloudevent', async () => {
    const receiver = await aReceiver();
    const subscription = await subscribe(receiver.url, ['DatasetRegistered']);

    const ids = [await registerDataset(), await registerDataset()];

    await receiver.waitFor((received) => received.length >= 2);
    for (const delivery of receiver.received) {
      expect(delivery.headers['content-type']).toBe('application/cloudevents+json');
      expect(delivery.headers['x-ledger-signature']).toBe(signatureOf(delivery.body, SECRET));
    }
    const events = receiver.accepted();
    expect(events.map((event) => event.id).sort()).toEqual([...ids].sort());
    const stream = await ledger.get(`/v1/streams/dataset-stops-${datasets}/events`);
    expect(events.find((event) => event.id === ids[1])).toMatchObject({
      specversion: '1.0',
      type: 'DatasetRegistered',
      subject: `dataset-stops-${datasets}`,
      data: stream.body.events[0],
    });
    const recorded = await deliveries(subscription.id);
    expect(recorded.map((delivery) => [delivery.eventId, delivery.status, delivery.attempts])).toEqual(
      ids.map((id) => [id, 'delivered', 1]),
    );
    expect(receiver.received).toHaveLength(2);
  });

  it('retries_a_refused_delivery_with_backoff_until_the_subscriber_takes_it', async () => {
    const receiver = await aReceiver();
    receiver.answerNext(500, 503);
    const subscription = await subscribe(receiver.url, ['DatasetRegistered']);

    const id = await registerDataset();

    await receiver.waitFor((received) => received.some((delivery) => delivery.status < 300));
    expect(receiver.received.map((delivery) => delivery.status)).toEqual([500, 503, 204]);
    expect(new Set(receiver.received.map((delivery) => JSON.parse(delivery.body).id))).toEqual(new Set([id]));
    expect(receiver.received.map((delivery) => delivery.headers['x-ledger-attempt'])).toEqual([
      '1',
      '2',
      '3',
    ]);
    const [delivery] = await deliveries(subscription.id);
    expect(delivery).toMatchObject({ eventId: id, status: 'delivered', attempts: 3, lastStatusCode: 204 });
    expect(delivery.deliveredAt).toEqual(expect.any(String));
    expect(delivery.nextAttemptAt).toBeUndefined();
  });

  it('delivers_nothing_more_to_a_deleted_subscription', async () => {
    const deletedReceiver = await aReceiver();
    const witness = await aReceiver();
    const deleted = await subscribe(deletedReceiver.url, ['DatasetRegistered']);
    await subscribe(witness.url, ['DatasetRegistered']);
    await registerDataset();
    await deletedReceiver.waitFor((received) => received.length === 1);

    expect((await ledger.request('DELETE', `/v1/subscriptions/${deleted.id}`)).status).toBe(204);
    const later = await registerDataset();

    // The witness getting the later event shows the reactor and the runner went past it.
    await witness.waitFor((received) => received.some((delivery) => JSON.parse(delivery.body).id === later));
    expect(deletedReceiver.received).toHaveLength(1);
    expect((await deliveries(deleted.id)).map((delivery) => delivery.eventId)).not.toContain(later);
    const listed = await ledger.get('/v1/subscriptions');
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(deleted.id);
    expect((await ledger.request('DELETE', `/v1/subscriptions/${deleted.id}`)).status).toBe(404);
  });

  it('delivers_new_transparency_log_checkpoints_to_their_subscribers', async () => {
    const receiver = await aReceiver();
    await subscribe(receiver.url, ['LogCheckpointPublished']);
    await registerDataset();

    const published = await ledger.post('/v1/log/checkpoints', {});
    expect([200, 201]).toContain(published.status);
    const note = await ledger.get('/v1/log/checkpoint', { token: null });
    const treeSize = Number(note.text.split('\n')[1]);

    await receiver.waitFor((received) =>
      received.some((delivery) => JSON.parse(delivery.body).data.treeSize === treeSize),
    );
    const delivered = receiver.accepted().find((event) => event.data.treeSize === treeSize);
    expect(delivered).toMatchObject({
      id: `checkpoint-${treeSize}`,
      type: 'LogCheckpointPublished',
      data: { treeSize, note: note.text },
    });
    expect(receiver.received[0].headers['x-ledger-signature']).toBe(
      signatureOf(receiver.received[0].body, SECRET),
    );
  });

  it('never_shows_the_secret_and_lists_what_was_subscribed', async () => {
    const created = await ledger.post('/v1/subscriptions', {
      url: 'https://archive.example.cn/hook',
      types: ['DatasetReleased', 'LogCheckpointPublished'],
      secret: SECRET,
    });
    const listed = await ledger.get('/v1/subscriptions?limit=1000');

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      url: 'https://archive.example.cn/hook',
      types: ['DatasetReleased', 'LogCheckpointPublished'],
    });
    expect(created.text).not.toContain(SECRET);
    expect(listed.text).not.toContain(SECRET);
    expect(listed.body.items.find((item: { id: string }) => item.id === created.body.id)).toEqual(
      created.body,
    );
  });

  it.each([
    ['no secret', { url: 'https://a.example.cn/hook', types: ['DatasetRegistered'] }],
    ['a short secret', { url: 'https://a.example.cn/hook', types: ['DatasetRegistered'], secret: 'short' }],
    [
      'plain http beyond this machine',
      { url: 'http://a.example.cn/hook', types: ['DatasetRegistered'], secret: SECRET },
    ],
    ['another scheme', { url: 'ftp://a.example.cn/hook', types: ['DatasetRegistered'], secret: SECRET }],
    [
      'credentials in the url',
      { url: 'https://u:p@a.example.cn/hook', types: ['DatasetRegistered'], secret: SECRET },
    ],
    ['an unknown type', { url: 'https://a.example.cn/hook', types: ['DatasetInvented'], secret: SECRET }],
    ['no types', { url: 'https://a.example.cn/hook', types: [], secret: SECRET }],
    [
      'an unknown field',
      { url: 'https://a.example.cn/hook', types: ['DatasetRegistered'], secret: SECRET, x: 1 },
    ],
  ])('refuses_a_subscription_with_%s', async (_, body) => {
    const answer = await ledger.post('/v1/subscriptions', body);

    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('ValidationFailed');
  });

  it('lets_only_platform_admins_manage_subscriptions', async () => {
    const body = { url: 'https://a.example.cn/hook', types: ['DatasetRegistered'], secret: SECRET };
    const supervisor = await ledger.principal('supervisor');
    const existing = await subscribe('https://b.example.cn/hook', ['DatasetRegistered']);

    expect((await ledger.post('/v1/subscriptions', body, { token: null })).status).toBe(401);
    expect((await ledger.get('/v1/subscriptions', { token: 'not-a-key' })).status).toBe(401);
    for (const token of [officer.token, supervisor.token]) {
      expect((await ledger.post('/v1/subscriptions', body, { token })).status).toBe(403);
      expect((await ledger.get('/v1/subscriptions', { token })).status).toBe(403);
      expect((await ledger.get(`/v1/subscriptions/${existing.id}/deliveries`, { token })).status).toBe(403);
      expect((await ledger.request('DELETE', `/v1/subscriptions/${existing.id}`, { token })).status).toBe(
        403,
      );
    }
    expect((await ledger.get('/v1/subscriptions/no-such-subscription/deliveries')).status).toBe(404);
  });
});
