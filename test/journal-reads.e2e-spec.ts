import { randomUUID } from 'node:crypto';
import { leafHashOf } from './support/leaf-hash';
import { LedgerUnderTest } from './support/ledger-under-test';

/** GET /v1/events, its live tail, GET /v1/streams/{id}/events, and who may read what (http-api.md, "Reading the journal"). */
describe('reading the journal', () => {
  let ledger: LedgerUnderTest;
  let gateway: { id: string; token: string };
  const source = 'urn:gateway:api';

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    gateway = await ledger.principal('publisher', {
      publish: { types: ['DataAccessed'], sources: [source] },
    });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  async function publish(
    datasetId: string,
    count = 1,
  ): Promise<{ id: string; globalPosition: number; leafHash: string }[]> {
    const events = Array.from({ length: count }, () => ({
      specversion: '1.0',
      id: randomUUID(),
      source,
      type: 'DataAccessed',
      data: { datasetId, principal: 'user-1', channel: 'api', recordCount: 1 },
    }));
    const answer = await ledger.request('POST', '/v1/events', {
      token: gateway.token,
      body: JSON.stringify(events),
      contentType: 'application/cloudevents-batch+json',
    });
    expect(answer.status).toBe(201);
    return answer.body.events;
  }

  it('pages through every entry in order, each exactly as hashed', async () => {
    const published = await publish('paging', 5);
    const from = published[0].globalPosition;

    const first = await ledger.get(`/v1/events?from=${from}&limit=3`);
    const second = await ledger.get(`/v1/events?from=${first.body.next}&limit=3`);

    const entries = [...first.body.events, ...second.body.events].slice(0, 5);
    expect(entries.map((entry: { id: string }) => entry.id)).toEqual(published.map((event) => event.id));
    expect(entries.map(leafHashOf)).toEqual(published.map((event) => event.leafHash));
    expect(first.body.next).toBe(from + 3);
  });

  it('filters by type and stream, and after a short page continues from the head', async () => {
    await publish('filter-a', 2);
    const [last] = await publish('filter-b');

    const answer = await ledger.get('/v1/events?from=0&type=DataAccessed&streamId=usage-filter-a');

    expect(answer.body.events.map((entry: { streamId: string }) => entry.streamId)).toEqual([
      'usage-filter-a',
      'usage-filter-a',
    ]);
    expect(answer.body.next).toBeGreaterThan(last.globalPosition);
  });

  it('refuses a page larger than 1000 and unknown parameters', async () => {
    expect((await ledger.get('/v1/events?limit=1001')).status).toBe(400);
    expect((await ledger.get('/v1/events?colour=blue')).status).toBe(400);
    expect((await ledger.get('/v1/events?from=-1')).status).toBe(400);
  });

  it("reads one stream with its current version, and 404 for a stream that doesn't exist", async () => {
    await publish('stream-read', 3);

    const answer = await ledger.get('/v1/streams/usage-stream-read/events?fromVersion=1');

    expect(answer.status).toBe(200);
    expect(answer.body.streamId).toBe('usage-stream-read');
    expect(answer.body.version).toBe(2);
    expect(answer.body.events.map((entry: { streamVersion: number }) => entry.streamVersion)).toEqual([1, 2]);
    expect((await ledger.get('/v1/streams/usage-nothing-here/events')).body.code).toBe('StreamNotFound');
  });

  describe('read access', () => {
    it('lets platform admins, supervisors and compliance officers read everything', async () => {
      await publish('for-readers');
      for (const role of ['supervisor', 'compliance_officer']) {
        const reader = await ledger.principal(role);

        const all = await ledger.get('/v1/events?type=DataAccessed', { token: reader.token });
        const stream = await ledger.get('/v1/streams/usage-for-readers/events', { token: reader.token });

        expect(all.body.events.length).toBeGreaterThan(0);
        expect(stream.status).toBe(200);
      }
    });

    it('lets a publisher read the streams it publishes to, and not the principals’ streams', async () => {
      await publish('own');

      const usage = await ledger.get('/v1/streams/usage-own/events', { token: gateway.token });
      const other = await ledger.get('/v1/streams/principal-bootstrap-admin/events', {
        token: gateway.token,
      });
      const all = await ledger.get('/v1/events?from=0&limit=1000', { token: gateway.token });

      expect(usage.status).toBe(200);
      expect(other.status).toBe(403);
      const streams = new Set(
        all.body.events.map((entry: { streamId: string }) => entry.streamId.split('-')[0]),
      );
      expect([...streams].sort()).toEqual(expect.arrayContaining(['usage']));
      expect(streams.has('organization')).toBe(false);
      expect(
        [...streams].every((category) => ['usage', 'dataset', 'principal'].includes(category as string)),
      ).toBe(true);
    });

    it('lets a data user read its own principal stream only, and refuses the usage streams', async () => {
      const user = await ledger.principal('data_user');

      expect(
        (await ledger.get(`/v1/streams/principal-${user.id}/events`, { token: user.token })).status,
      ).toBe(200);
      expect((await ledger.get('/v1/streams/usage-own/events', { token: user.token })).status).toBe(403);
      expect((await ledger.get('/v1/events?streamId=usage-own', { token: user.token })).status).toBe(403);
      const all = await ledger.get('/v1/events?from=0&limit=1000', { token: user.token });
      expect(all.body.events.map((entry: { streamId: string }) => entry.streamId)).toEqual([
        `principal-${user.id}`,
        `principal-${user.id}`,
      ]);
    });

    it('answers 401 without a key, and 401 for a bad key even on a public endpoint', async () => {
      expect((await ledger.get('/v1/events', { token: null })).status).toBe(401);
      const bad = await ledger.get('/health/live', { token: 'not-a-key' });
      expect([bad.status, bad.body.code]).toEqual([401, 'InvalidCredentials']);
      expect((await ledger.get('/health/live', { token: null })).status).toBe(200);
    });
  });

  describe('live tail', () => {
    it('streams new events as Server-Sent Events with id = position, and resumes after Last-Event-ID exactly once', async () => {
      const [before] = await publish('tail');
      const firstTail = await openTail(`/v1/events?from=${before.globalPosition}&streamId=usage-tail`);
      const published = await publish('tail', 3);
      const received = await firstTail.take(3);
      firstTail.close();

      const more = await publish('tail', 2);
      const resumed = await openTail('/v1/events?streamId=usage-tail', {
        'last-event-id': String(received[2].id),
      });
      const afterResume = await resumed.take(3);
      resumed.close();

      expect(received.map((message) => message.id)).toEqual(
        [before, published[0], published[1]].map((e) => e.globalPosition),
      );
      expect(received.every((message) => message.event === 'DataAccessed')).toBe(true);
      expect(afterResume.map((message) => message.id)).toEqual(
        [published[2], ...more].map((e) => e.globalPosition),
      );
      expect(leafHashOf(JSON.parse(afterResume[0].data))).toBe(published[2].leafHash);
    });

    it('given a body officer’s tail, when cases are filed on its dataset and on another body’s, then it streams its own only', async () => {
      const officer = await ledger.principal('body_officer', { organizationId: 'tail-bureau' });
      const otherOfficer = await ledger.principal('body_officer', { organizationId: 'other-tail-bureau' });
      await registerDataset('tail-stops', officer.token, 'tail-bureau');
      await registerDataset('tail-parks', otherOfficer.token, 'other-tail-bureau');
      const tail = await openTail(`/v1/events?type=CorrectionRequested`, {}, officer.token);

      const others = await fileCorrection('tail-parks');
      const own = await fileCorrection('tail-stops');
      const [received] = await tail.take(1);
      tail.close();

      expect(others).not.toBe(own);
      expect(JSON.parse(received.data).streamId).toBe(`correction-${own}`);
    });
  });

  async function registerDataset(id: string, token: string, organizationId: string): Promise<void> {
    const registered = await ledger.post(
      '/v1/datasets',
      {
        id,
        title: `Dataset ${id}`,
        organizationId,
        classification: 'unconditional',
        classificationBasis: 'public information',
        fields: ['name'],
        updateFrequency: 'daily',
      },
      { token },
    );
    expect(registered.status).toBe(201);
    const released = await ledger.post(
      `/v1/datasets/${id}/releases`,
      { version: 1, checksum: '0'.repeat(64), recordCount: 1, format: 'json' },
      { token },
    );
    expect(released.status).toBe(201);
  }

  /** A correction request on the dataset's first release; its id. */
  async function fileCorrection(datasetId: string): Promise<string> {
    const filed = await ledger.post(
      '/v1/corrections',
      {
        datasetId,
        datasetVersion: 1,
        description: 'a wrong name',
        fields: ['name'],
        reporter: { name: 'Chen Jing', contact: 'chen.jing@example.cn' },
      },
      { token: null },
    );
    expect(filed.status).toBe(201);
    return filed.body.id;
  }

  async function openTail(path: string, headers: Record<string, string> = {}, token = ledger.adminToken) {
    const abort = new AbortController();
    const response = await fetch(`${ledger.url}${path}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, ...headers },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    return {
      async take(count: number): Promise<{ id: number; event: string; data: string }[]> {
        const messages: { id: number; event: string; data: string }[] = [];
        while (messages.length < count) {
          const separator = buffer.indexOf('\n\n');
          if (separator < 0) {
            const { value, done } = await reader.read();
            if (done) throw new Error('the tail ended');
            buffer += decoder.decode(value, { stream: true });
            continue;
          }
          const block = buffer.slice(0, separator);
          buffer = buffer.slice(separator + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
          );
          if (fields.id !== undefined)
            messages.push({ id: Number(fields.id), event: fields.event, data: fields.data });
        }
        return messages;
      },
      close: () => abort.abort(),
    };
  }
});
