import { randomUUID } from 'node:crypto';
import { EVENT_STORE } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { LedgerUnderTest } from './support/ledger-under-test';

/**
 * Dataset, correction and objection events published by another service (a body's catalogue system)
 * through POST /v1/events pass the same rules as the commands (http-api.md, "Publishing events").
 */
describe('publishing the Measures’ events', () => {
  let ledger: LedgerUnderTest;
  let catalogueA: { id: string; token: string };
  let catalogueB: { id: string; token: string };
  let officerA: { id: string; token: string };
  const source = 'urn:catalogue:open-list';
  const types = [
    'DatasetRegistered',
    'DatasetReclassified',
    'DatasetReleased',
    'DatasetSuspended',
    'DatasetRestored',
    'DatasetWithdrawn',
    'CorrectionVerificationStarted',
    'CorrectionResolved',
    'ObjectionVerificationStarted',
    'ObjectionResolved',
    'DataAccessed',
  ];

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    catalogueA = await ledger.principal('publisher', {
      organizationId: 'org-a',
      publish: { types, sources: [source] },
    });
    catalogueB = await ledger.principal('publisher', {
      organizationId: 'org-b',
      publish: { types, sources: [source] },
    });
    officerA = await ledger.principal('body_officer', { organizationId: 'org-a' });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  const registration = (overrides: Record<string, unknown> = {}) => ({
    title: 'Bus stops of Shanghai',
    organizationId: 'org-a',
    classification: 'unconditional',
    classificationBasis: 'no personal data',
    fields: ['stop_id', 'name'],
    updateFrequency: 'monthly',
    ...overrides,
  });

  const release = (version: number, overrides: Record<string, unknown> = {}) => ({
    version,
    checksum: 'c0ffee'.padEnd(64, '0'),
    recordCount: 120,
    format: 'csv',
    maskingRules: [],
    ...overrides,
  });

  /** A structured CloudEvent from the catalogue's source; `subject` undefined leaves it out. */
  const anEvent = (
    type: string,
    subject: string | undefined,
    data: unknown,
    attributes: Record<string, unknown> = {},
  ) => ({
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    ...(subject !== undefined && { subject }),
    data,
    ...attributes,
  });

  /** One event in structured mode, an array in batch mode. */
  function publish(events: object | object[], token = catalogueA.token) {
    return ledger.request('POST', '/v1/events', {
      token,
      body: JSON.stringify(events),
      contentType: Array.isArray(events)
        ? 'application/cloudevents-batch+json'
        : 'application/cloudevents+json',
    });
  }

  const newId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

  /** A dataset of org-a, registered and released at version 1 by publishing. */
  async function anOpenDataset(): Promise<string> {
    const id = newId('ds');
    const answer = await publish([
      anEvent('DatasetRegistered', `dataset-${id}`, registration()),
      anEvent('DatasetReleased', `dataset-${id}`, release(1)),
    ]);
    expect(answer.status).toBe(201);
    return id;
  }

  async function streamOf(streamId: string): Promise<{ version: number; events: any[] }> {
    return (await ledger.get(`/v1/streams/${streamId}/events`)).body;
  }

  describe('dataset events', () => {
    it('a publisher of org-a registers (structured) and releases (binary) a dataset of org-a', async () => {
      const id = newId('ds');
      const releaseId = randomUUID();

      const registered = await publish(anEvent('DatasetRegistered', `dataset-${id}`, registration()));
      const released = await ledger.request('POST', '/v1/events', {
        token: catalogueA.token,
        headers: {
          'ce-specversion': '1.0',
          'ce-id': releaseId,
          'ce-source': source,
          'ce-type': 'DatasetReleased',
          'ce-subject': `dataset-${id}`,
          'ce-expectedversion': '0',
        },
        body: release(1),
      });

      expect(registered.status).toBe(201);
      expect(registered.body.events[0]).toMatchObject({ streamId: `dataset-${id}`, streamVersion: 0 });
      expect(released.status).toBe(201);
      expect(released.body.events[0]).toMatchObject({ id: releaseId, streamVersion: 1 });
      const stream = await streamOf(`dataset-${id}`);
      expect(stream.events.map((entry) => [entry.type, entry.metadata.actor, entry.source])).toEqual([
        ['DatasetRegistered', { id: catalogueA.id, role: 'publisher', organizationId: 'org-a' }, source],
        ['DatasetReleased', { id: catalogueA.id, role: 'publisher', organizationId: 'org-a' }, source],
      ]);
    });

    it('a publisher of org-b is refused NotYourOrganization for org-a’s datasets, and nothing is written', async () => {
      const id = await anOpenDataset();
      const unregistered = newId('ds');
      const head = await ledger.head();

      const registering = await publish(
        anEvent('DatasetRegistered', `dataset-${unregistered}`, registration()),
        catalogueB.token,
      );
      const releasing = await publish(
        anEvent('DatasetReleased', `dataset-${id}`, release(2)),
        catalogueB.token,
      );

      expect([registering.status, registering.body.code]).toEqual([403, 'NotYourOrganization']);
      expect([releasing.status, releasing.body.code]).toEqual([403, 'NotYourOrganization']);
      expect(await ledger.head()).toBe(head);
      expect((await ledger.get(`/v1/streams/dataset-${unregistered}/events`)).status).toBe(404);
      expect((await streamOf(`dataset-${id}`)).version).toBe(1);
    });

    it('refuses releasing version 2 twice as ReleaseVersionNotIncreasing', async () => {
      const id = await anOpenDataset();

      const first = await publish(anEvent('DatasetReleased', `dataset-${id}`, release(2)));
      const second = await publish(anEvent('DatasetReleased', `dataset-${id}`, release(2)));

      expect(first.status).toBe(201);
      expect([second.status, second.body.code]).toEqual([409, 'ReleaseVersionNotIncreasing']);
      expect(second.body.currentVersion).toBe(2);
    });

    it('checks several events for one stream in order: [v2, v3] passes, [v5, v4] is refused whole', async () => {
      const id = await anOpenDataset();

      const inOrder = await publish([
        anEvent('DatasetReleased', `dataset-${id}`, release(2)),
        anEvent('DatasetReleased', `dataset-${id}`, release(3)),
      ]);
      const head = await ledger.head();
      const outOfOrder = await publish([
        anEvent('DatasetReleased', `dataset-${id}`, release(5)),
        anEvent('DatasetReleased', `dataset-${id}`, release(4)),
      ]);

      expect(inOrder.status).toBe(201);
      expect(inOrder.body.events.map((event: { streamVersion: number }) => event.streamVersion)).toEqual([
        2, 3,
      ]);
      expect([outOfOrder.status, outOfOrder.body.code]).toEqual([409, 'ReleaseVersionNotIncreasing']);
      expect(await ledger.head()).toBe(head);
      expect((await streamOf(`dataset-${id}`)).version).toBe(3);
    });

    it('refuses a missing subject with 400 SubjectRequired on /subject', async () => {
      const head = await ledger.head();

      const single = await publish(anEvent('DatasetRegistered', undefined, registration()));
      const inBatch = await publish([
        anEvent('DataAccessed', 'usage-ds-1', {
          datasetId: 'ds-1',
          principal: 'user-1',
          channel: 'api',
          recordCount: 1,
        }),
        anEvent('DatasetRegistered', undefined, registration()),
      ]);

      expect([single.status, single.body.code]).toEqual([400, 'SubjectRequired']);
      expect(single.body.errors).toEqual([
        { field: '/subject', message: expect.stringContaining('dataset-') },
      ]);
      expect([inBatch.status, inBatch.body.code]).toEqual([400, 'SubjectRequired']);
      expect(inBatch.body.errors[0].field).toBe('/1/subject');
      expect(await ledger.head()).toBe(head);
    });

    it.each([
      ['a usage stream', 'usage-ds-1'],
      ['an objection stream', 'objection-ds-1'],
      ['no stream id at all', 'ds-1'],
    ])('refuses a subject that is %s with 400 InvalidSubject on /subject', async (_, subject) => {
      const head = await ledger.head();

      const answer = await publish(anEvent('DatasetReleased', subject, release(1)));

      expect([answer.status, answer.body.code]).toEqual([400, 'InvalidSubject']);
      expect(answer.body.errors).toEqual([{ field: '/subject', message: 'must be dataset-<id>' }]);
      expect(await ledger.head()).toBe(head);
    });

    it('refuses a reclassification whose `from` is not the current classification as ClassificationMismatch', async () => {
      const id = await anOpenDataset();

      const wrongFrom = await publish(
        anEvent('DatasetReclassified', `dataset-${id}`, {
          from: 'non_open',
          to: 'conditional',
          reason: 'the stops reveal depots',
          desensitisationRef: 'DES-1',
        }),
      );
      const rightFrom = await publish(
        anEvent('DatasetReclassified', `dataset-${id}`, {
          from: 'unconditional',
          to: 'conditional',
          reason: 'the stops reveal depots',
        }),
      );

      expect([wrongFrom.status, wrongFrom.body.code]).toEqual([409, 'ClassificationMismatch']);
      expect(wrongFrom.body.classification).toBe('unconditional');
      expect(rightFrom.status).toBe(201);
    });

    it('refuses a release of a suspended dataset as DatasetSuspended', async () => {
      const id = await anOpenDataset();
      const suspended = await publish(
        anEvent('DatasetSuspended', `dataset-${id}`, {
          reason: 'leak',
          cause: 'security',
          causeRef: 'INC-7',
        }),
      );

      const releasing = await publish(anEvent('DatasetReleased', `dataset-${id}`, release(2)));

      expect(suspended.status).toBe(201);
      expect([releasing.status, releasing.body.code]).toEqual([409, 'DatasetSuspended']);
    });
  });

  describe('expected versions and concurrency', () => {
    it('appends at the publisher’s expected version when it holds, and refuses it with the actual version when not', async () => {
      const id = await anOpenDataset();

      const holds = await publish(
        anEvent('DatasetReleased', `dataset-${id}`, release(2), { expectedversion: 1 }),
      );
      const stale = await publish(
        anEvent('DatasetReleased', `dataset-${id}`, release(3), { expectedversion: 1 }),
      );

      expect(holds.status).toBe(201);
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({
        code: 'WrongExpectedVersion',
        expectedVersion: 1,
        actualVersion: 2,
      });
    });

    describe('when another writer moves the stream between the check and the append', () => {
      let restore: () => void;
      let competing: Promise<{ status: number }> | undefined;

      /** The next append of a publication first lets an officer release `version` through the command. */
      function anOfficerReleasesFirst(datasetId: string, version: number): void {
        const store = ledger.app.get<string, EventStore>(EVENT_STORE, { strict: false });
        const appendMany = store.appendMany.bind(store);
        const spy = jest.spyOn(store, 'appendMany').mockImplementationOnce(async (appends) => {
          competing = ledger.post(`/v1/datasets/${datasetId}/releases`, release(version), {
            token: officerA.token,
          });
          await competing;
          return appendMany(appends);
        });
        restore = () => spy.mockRestore();
      }

      afterEach(async () => {
        restore();
        // The officer's command went through the same rules and was recorded.
        expect((await competing)?.status).toBe(201);
        competing = undefined;
      });

      it('checks again on the fresh state and appends, when the publisher said any', async () => {
        const id = await anOpenDataset();
        anOfficerReleasesFirst(id, 2);

        const answer = await publish(anEvent('DatasetReleased', `dataset-${id}`, release(3)));

        expect(answer.status).toBe(201);
        expect(answer.body.events[0].streamVersion).toBe(3);
        const stream = await streamOf(`dataset-${id}`);
        expect(stream.events.map((entry) => [entry.data.version, entry.metadata.actor.role])).toEqual([
          [undefined, 'publisher'],
          [1, 'publisher'],
          [2, 'body_officer'],
          [3, 'publisher'],
        ]);
      });

      it('refuses with WrongExpectedVersion when the publisher named the version it saw', async () => {
        const id = await anOpenDataset();
        anOfficerReleasesFirst(id, 2);

        const answer = await publish(
          anEvent('DatasetReleased', `dataset-${id}`, release(3), { expectedversion: 1 }),
        );

        expect(answer.status).toBe(409);
        expect(answer.body).toMatchObject({
          code: 'WrongExpectedVersion',
          expectedVersion: 1,
          actualVersion: 2,
        });
      });

      it('refuses the publication by the rules when the other writer’s change breaks them', async () => {
        const id = await anOpenDataset();
        anOfficerReleasesFirst(id, 3);

        const answer = await publish(anEvent('DatasetReleased', `dataset-${id}`, release(2)));

        expect([answer.status, answer.body.code]).toEqual([409, 'ReleaseVersionNotIncreasing']);
      });
    });
  });

  describe('an objection resolved by publishing', () => {
    let datasetId: string;
    let objectionId: string;

    beforeAll(async () => {
      datasetId = await anOpenDataset();
      objectionId = newId('obj');
      const filed = await ledger.post(
        '/v1/objections',
        {
          id: objectionId,
          datasetId,
          ground: 'privacy',
          description: 'the names of drivers are in the file',
          objector: { name: '张三', contact: 'zhangsan@example.cn' },
          suspend: true,
        },
        { token: officerA.token },
      );
      expect(filed.status).toBe(201);
      const verifying = await publish(
        anEvent('ObjectionVerificationStarted', `objection-${objectionId}`, {}),
      );
      expect(verifying.status).toBe(201);
    });

    const resolution = () =>
      anEvent('ObjectionResolved', `objection-${objectionId}`, {
        outcome: 'reopened_after_processing',
        explanation: 'driver names masked',
        releaseVersion: 2,
      });
    const reopening = () =>
      anEvent('DatasetReleased', `dataset-${datasetId}`, release(2, { objectionId, notes: 'names masked' }));

    it('refuses an ordinary release of the suspended dataset as DatasetSuspended', async () => {
      const answer = await publish(anEvent('DatasetReleased', `dataset-${datasetId}`, release(2)));

      expect([answer.status, answer.body.code]).toEqual([409, 'DatasetSuspended']);
    });

    it('refuses the reopening release without its resolution as ObjectionResolutionRequired', async () => {
      const head = await ledger.head();

      const answer = await publish(reopening());

      expect([answer.status, answer.body.code]).toEqual([409, 'ObjectionResolutionRequired']);
      expect(await ledger.head()).toBe(head);
    });

    it('refuses the resolution without its reopening release as ObjectionConsequenceMissing', async () => {
      const answer = await publish(resolution());

      expect([answer.status, answer.body.code]).toEqual([409, 'ObjectionConsequenceMissing']);
    });

    it('records [ObjectionResolved, DatasetReleased{objectionId}] together, reopening the dataset; a retry answers 200 with the same positions', async () => {
      const batch = [resolution(), reopening()];

      const answer = await publish(batch);
      const head = await ledger.head();
      const retry = await publish(batch);

      expect(answer.status).toBe(201);
      expect(answer.body.events.map((event: { streamId: string }) => event.streamId)).toEqual([
        `objection-${objectionId}`,
        `dataset-${datasetId}`,
      ]);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(answer.body);
      expect(await ledger.head()).toBe(head);
      const dataset = await streamOf(`dataset-${datasetId}`);
      expect(dataset.events.map((entry) => entry.type)).toEqual([
        'DatasetRegistered',
        'DatasetReleased',
        'DatasetSuspended',
        'DatasetReleased',
      ]);
      expect(dataset.events[3].data).toEqual(release(2, { objectionId, notes: 'names masked' }));
      // Reopened: an ordinary release follows.
      expect((await publish(anEvent('DatasetReleased', `dataset-${datasetId}`, release(3)))).status).toBe(
        201,
      );
    });
  });

  describe('a correction resolved by publishing', () => {
    it('starts the verification, then releases the correcting version and resolves by it in one batch', async () => {
      const id = await anOpenDataset();
      const correctionId = newId('cor');
      const filed = await ledger.post(
        '/v1/corrections',
        { id: correctionId, datasetId: id, datasetVersion: 1, description: 'stop 42 is misplaced' },
        { token: null },
      );
      expect(filed.status).toBe(201);

      const resolvedEarly = await publish(
        anEvent('CorrectionResolved', `correction-${correctionId}`, {
          outcome: 'no_error_found',
          explanation: 'checked',
        }),
      );
      const verifying = await publish(
        anEvent('CorrectionVerificationStarted', `correction-${correctionId}`, {}),
      );
      const resolved = await publish([
        anEvent('DatasetReleased', `dataset-${id}`, release(2)),
        anEvent('CorrectionResolved', `correction-${correctionId}`, {
          outcome: 'corrected',
          releaseVersion: 2,
          explanation: 'stop 42 moved',
        }),
      ]);

      expect([resolvedEarly.status, resolvedEarly.body.code]).toEqual([
        409,
        'CorrectionNotUnderVerification',
      ]);
      expect(verifying.status).toBe(201);
      expect(resolved.status).toBe(201);
    });
  });

  describe('retries', () => {
    it('answers a retried batch with 200 and the original positions, writing nothing', async () => {
      const id = await anOpenDataset();
      const batch = [
        anEvent('DatasetReleased', `dataset-${id}`, release(2)),
        anEvent('DatasetReleased', `dataset-${id}`, release(3)),
      ];
      const first = await publish(batch);
      const head = await ledger.head();

      const retry = await publish(batch);

      expect(first.status).toBe(201);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(await ledger.head()).toBe(head);
    });

    it('refuses a recorded id with other content as EventIdConflict', async () => {
      const id = await anOpenDataset();
      const event = anEvent('DatasetReleased', `dataset-${id}`, release(2));
      await publish(event);

      const answer = await publish({ ...event, data: release(2, { recordCount: 1 }) });

      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ code: 'EventIdConflict', eventId: event.id });
    });
  });

  describe('DataAccessed', () => {
    it('publishes without reading any stream or looking up ids, even for a dataset the ledger does not know', async () => {
      const store = ledger.app.get<string, EventStore>(EVENT_STORE, { strict: false });
      const readStream = jest.spyOn(store, 'readStream');
      const readByEventIds = jest.spyOn(store, 'readByEventIds');
      try {
        const answer = await publish(
          anEvent('DataAccessed', undefined, {
            datasetId: 'not-registered',
            principal: 'user-1',
            channel: 'download',
            recordCount: 5,
          }),
        );

        expect(answer.status).toBe(201);
        expect(answer.body.events[0].streamId).toBe('usage-not-registered');
        expect(readStream).not.toHaveBeenCalled();
        expect(readByEventIds).not.toHaveBeenCalled();
      } finally {
        readStream.mockRestore();
        readByEventIds.mockRestore();
      }
    });
  });
});
