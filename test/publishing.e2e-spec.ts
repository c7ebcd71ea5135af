import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { leafHashOf } from './support/leaf-hash';
import { LedgerUnderTest } from './support/ledger-under-test';

/** POST /v1/events, driven by the official CloudEvents SDK as the client (http-api.md, "Publishing events"). */
describe('publishing CloudEvents', () => {
  let ledger: LedgerUnderTest;
  let gateway: { token: string; id: string };
  const source = 'urn:gateway:download';

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    gateway = await ledger.principal('publisher', {
      publish: { types: ['DataAccessed'], sources: [source] },
    });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  const access = (overrides: Record<string, unknown> = {}) => ({
    datasetId: 'ds-1',
    principal: 'user-1',
    channel: 'download',
    recordCount: 120,
    ...overrides,
  });

  function anEvent(attributes: Record<string, unknown> = {}): CloudEvent<Record<string, unknown>> {
    return new CloudEvent({
      id: randomUUID(),
      source,
      type: 'DataAccessed',
      subject: 'usage-ds-1',
      data: access(),
      ...attributes,
    });
  }

  async function send(message: { headers: Record<string, unknown>; body: unknown }, token = gateway.token) {
    return ledger.request('POST', '/v1/events', {
      token,
      headers: Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, String(v)])),
      body: message.body as string,
      contentType: String(message.headers['content-type'] ?? message.headers['Content-Type']),
    });
  }

  async function sendBatch(events: CloudEvent<Record<string, unknown>>[], token = gateway.token) {
    return ledger.request('POST', '/v1/events', {
      token,
      body: JSON.stringify(events.map((event) => event.toJSON())),
      contentType: 'application/cloudevents-batch+json',
    });
  }

  describe('in structured mode', () => {
    it('records the event and answers 201 with its position and leaf hash', async () => {
      const event = anEvent({ subject: 'usage-structured', data: access({ datasetId: 'structured' }) });

      const answer = await send(HTTP.structured(event));

      expect(answer.status).toBe(201);
      expect(answer.body.events).toEqual([
        {
          id: event.id,
          streamId: 'usage-structured',
          streamVersion: 0,
          globalPosition: expect.any(Number),
          leafHash: expect.any(String),
        },
      ]);
      const stream = await ledger.get('/v1/streams/usage-structured/events');
      const [entry] = stream.body.events;
      expect(entry).toMatchObject({
        id: event.id,
        type: 'DataAccessed',
        source,
        occurredAt: new Date(event.time as string).toISOString(),
        data: access({ datasetId: 'structured' }),
        metadata: {
          actor: { id: gateway.id, role: 'publisher' },
          legalBasis: { rulebook: expect.any(String), article: expect.any(String) },
        },
      });
      expect(leafHashOf(entry)).toBe(answer.body.events[0].leafHash);
    });

    it('answers a retry of the same event with 200 and the original result, writing nothing', async () => {
      const event = anEvent();
      const first = await send(HTTP.structured(event));
      const head = await ledger.head();

      const retry = await send(HTTP.structured(event));

      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(await ledger.head()).toBe(head);
    });

    it('refuses the same id with other content as a conflict', async () => {
      const event = anEvent();
      await send(HTTP.structured(event));

      const answer = await send(HTTP.structured(event.cloneWith({ data: access({ recordCount: 1 }) })));

      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ code: 'EventIdConflict', eventId: event.id });
    });

    it('refuses a wrong expected version with the actual version, null for an absent stream', async () => {
      const absent = await send(
        HTTP.structured(
          anEvent({ subject: 'usage-absent', data: access({ datasetId: 'absent' }), expectedversion: 3 }),
        ),
      );
      await send(
        HTTP.structured(anEvent({ subject: 'usage-present', data: access({ datasetId: 'present' }) })),
      );
      const present = await send(
        HTTP.structured(
          anEvent({
            subject: 'usage-present',
            data: access({ datasetId: 'present' }),
            expectedversion: 'no_stream',
          }),
        ),
      );

      expect(absent.status).toBe(409);
      expect(absent.body).toMatchObject({
        code: 'WrongExpectedVersion',
        expectedVersion: 3,
        actualVersion: null,
      });
      expect(present.status).toBe(409);
      expect(present.body).toMatchObject({
        code: 'WrongExpectedVersion',
        expectedVersion: 'no_stream',
        actualVersion: 0,
      });
    });
  });

  describe('X-Request-Id, the correlationId of what a request records', () => {
    async function publishWithRequestId(requestId: string) {
      const event = anEvent();
      const message = HTTP.structured(event);
      const answer = await send({ ...message, headers: { ...message.headers, 'x-request-id': requestId } });
      const stream = await ledger.get('/v1/streams/usage-ds-1/events?fromVersion=0&limit=1000');
      const entry = stream.body.events.find((recorded: { id: string }) => recorded.id === event.id);
      return { answer, correlationId: entry.metadata.correlationId as string };
    }

    it('keeps a plain id the client sends, and says so in the answer', async () => {
      const { answer, correlationId } = await publishWithRequestId('gateway-42:7');

      expect(answer.status).toBe(201);
      expect(answer.headers.get('x-request-id')).toBe('gateway-42:7');
      expect(correlationId).toBe('gateway-42:7');
    });

    it('replaces kilobytes of text with a fresh UUID rather than writing them into the journal for ever', async () => {
      const { answer, correlationId } = await publishWithRequestId(
        `x${"'; DROP TABLE events; --".repeat(200)}`,
      );

      expect(answer.status).toBe(201);
      expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers.get('x-request-id')).toBe(correlationId);
    });
  });

  describe('in binary mode', () => {
    it('records the event from ce-* headers with the data as the body', async () => {
      const event = anEvent({
        subject: 'usage-binary',
        data: access({ datasetId: 'binary' }),
        expectedversion: 'no_stream',
      });

      const answer = await send(HTTP.binary(event));

      expect(answer.status).toBe(201);
      expect(answer.body.events[0]).toMatchObject({
        id: event.id,
        streamId: 'usage-binary',
        streamVersion: 0,
      });
    });

    it('percent-decodes header values', async () => {
      const id = `événement-${randomUUID()}`;
      const answer = await ledger.request('POST', '/v1/events', {
        token: gateway.token,
        headers: {
          'ce-specversion': '1.0',
          'ce-id': encodeURIComponent(id),
          'ce-source': source,
          'ce-type': 'DataAccessed',
          'ce-subject': 'usage-ds-1',
        },
        body: access(),
      });

      expect(answer.status).toBe(201);
      expect(answer.body.events[0].id).toBe(id);
    });

    it('refuses an attribute sent twice', async () => {
      // fetch folds repeated headers into one; node:http sends them as they are.
      const answer = await rawPost(`${ledger.url}/v1/events`, JSON.stringify(access()), [
        ...['authorization', `Bearer ${gateway.token}`, 'content-type', 'application/json'],
        ...[
          'ce-specversion',
          '1.0',
          'ce-id',
          randomUUID(),
          'ce-id',
          randomUUID(),
          'ce-source',
          source,
          'ce-type',
          'DataAccessed',
        ],
      ]);

      expect(answer.status).toBe(400);
      expect(answer.body.errors).toContainEqual({ field: 'ce-id', message: 'is sent more than once' });
    });
  });

  describe('in batch mode', () => {
    it('records every event atomically, checking several events of one stream in order', async () => {
      const events = [
        anEvent({
          subject: 'usage-batch',
          data: access({ datasetId: 'batch' }),
          expectedversion: 'no_stream',
        }),
        anEvent({ subject: 'usage-batch', data: access({ datasetId: 'batch' }), expectedversion: 0 }),
        anEvent({ subject: 'usage-batch-2', data: access({ datasetId: 'batch-2' }) }),
      ];

      const answer = await sendBatch(events);

      expect(answer.status).toBe(201);
      expect(
        answer.body.events.map(
          (e: { streamId: string; streamVersion: number }) => `${e.streamId}@${e.streamVersion}`,
        ),
      ).toEqual(['usage-batch@0', 'usage-batch@1', 'usage-batch-2@0']);
    });

    it('records nothing when one event is refused', async () => {
      const head = await ledger.head();
      const events = [
        anEvent({ subject: 'usage-all-or-nothing', data: access({ datasetId: 'all-or-nothing' }) }),
        anEvent({
          subject: 'usage-all-or-nothing',
          data: access({ datasetId: 'all-or-nothing' }),
          expectedversion: 7,
        }),
      ];

      const answer = await sendBatch(events);

      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        code: 'WrongExpectedVersion',
        streamId: 'usage-all-or-nothing',
        actualVersion: 0,
      });
      expect(await ledger.head()).toBe(head);
      expect((await ledger.get('/v1/streams/usage-all-or-nothing/events')).status).toBe(404);
    });

    it('refuses an empty batch and one that repeats an id', async () => {
      const event = anEvent();

      expect((await sendBatch([])).body.code).toBe('InvalidBatch');
      expect((await sendBatch([event, event])).body.code).toBe('DuplicateEventId');
    });
  });

  describe('refusals', () => {
    it.each([
      ['an unknown type', { type: 'DatasetTeleported' }, 400, 'UnknownEventType'],
      ['an administrative type', { type: 'PrincipalCreated' }, 400, 'AdministrativeEventType'],
      ['a source outside the key’s scope', { source: 'urn:somewhere-else' }, 403, 'PublishScopeViolation'],
      ['a subject that is not the data’s stream', { subject: 'usage-other' }, 400, 'SubjectMismatch'],
      [
        'data outside the schema',
        { data: access({ recordCount: -1, secret: true }) },
        400,
        'InvalidEventData',
      ],
      ['an unknown attribute', { color: 'blue' }, 400, 'InvalidCloudEvent'],
      ['a time that is not a time', { time: '2026-02-30T00:00:00Z' }, 400, 'InvalidCloudEvent'],
    ])('refuses %s and writes nothing', async (_, attributes, status, code) => {
      const head = await ledger.head();
      const event = { ...anEvent().toJSON(), ...attributes };

      const answer = await ledger.request('POST', '/v1/events', {
        token: gateway.token,
        body: JSON.stringify(event),
        contentType: 'application/cloudevents+json',
      });

      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe(code);
      expect(await ledger.head()).toBe(head);
    });

    it('names the unknown type in its answer', async () => {
      const answer = await send(HTTP.structured(anEvent({ type: 'DatasetTeleported' })));

      expect(answer.body.detail).toContain('DatasetTeleported');
    });

    it.each([
      ['an integer beyond 2^53', '{"recordCount": 9007199254740993}'],
      ['a lone surrogate', '{"principal": "\\ud800"}'],
      ['U+0000', '{"principal": "a\\u0000b"}'],
      ['a duplicate key', '{"principal": "a", "principal": "b"}'],
    ])('refuses %s with 400 and writes nothing', async (_, fragment) => {
      const head = await ledger.head();
      const body = `{"specversion":"1.0","id":"${randomUUID()}","source":"${source}","type":"DataAccessed","data":${fragment}}`;

      const answer = await ledger.request('POST', '/v1/events', {
        token: gateway.token,
        body,
        contentType: 'application/cloudevents+json',
      });

      expect(answer.status).toBe(400);
      expect(await ledger.head()).toBe(head);
    });

    it('refuses other content types with 415, oversized bodies with 413, non-publishers with 403', async () => {
      const supervisor = await ledger.principal('supervisor');

      const text = await ledger.request('POST', '/v1/events', {
        token: gateway.token,
        body: 'hello',
        contentType: 'text/plain',
      });
      const huge = await ledger.request('POST', '/v1/events', {
        token: gateway.token,
        body: JSON.stringify({
          ...anEvent().toJSON(),
          data: access({ fields: ['x'.repeat(2 * 1024 * 1024)] }),
        }),
        contentType: 'application/cloudevents+json',
      });
      const notPublisher = await send(HTTP.structured(anEvent()), supervisor.token);

      expect([text.status, text.body.code]).toEqual([415, 'UnsupportedMediaType']);
      expect([huge.status, huge.body.code]).toEqual([413, 'PayloadTooLarge']);
      expect([notPublisher.status, notPublisher.body.code]).toEqual([403, 'Forbidden']);
    });

    it('refuses a type the key may not publish', async () => {
      const other = await ledger.principal('publisher', {
        publish: { types: ['DataAccessed'], sources: ['urn:other'] },
      });

      const answer = await send(HTTP.structured(anEvent()), other.token);

      expect([answer.status, answer.body.code]).toEqual([403, 'PublishScopeViolation']);
    });
  });
});

function rawPost(url: string, body: string, rawHeaders: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    // Headers given as a raw list are sent exactly so: nothing adds Host.
    const outgoing = request(
      url,
      { method: 'POST', headers: ['host', new URL(url).host, ...rawHeaders] },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
