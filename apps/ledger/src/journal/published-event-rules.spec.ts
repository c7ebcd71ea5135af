import {
  correctionDecider,
  datasetDecider,
  DatasetEvent,
  fold,
  objectionDecider,
  ObjectionEvent,
  CorrectionEvent,
} from '@ledger/domain';
import type { Actor, JsonObject } from '@ledger/events';
import { EVENT_CATALOGUE, PUBLISHABLE_EVENT_TYPES } from '@ledger/events';
import { ExpectedVersion, WrongExpectedVersionError } from '@ledger/store';
import {
  AggregateStream,
  checkPublishedEvents,
  datasetCommandFor,
  objectionCommandFor,
  PublishedDomainEvent,
  RULED_EVENT_TYPES,
  RuledEventType,
} from './published-event-rules';

const NOW = new Date('2026-11-30T02:00:00Z');
const publisherOfOrgA: Actor = { id: 'catalogue-a', role: 'publisher', organizationId: 'org-a' };
const publisherOfOrgB: Actor = { id: 'catalogue-b', role: 'publisher', organizationId: 'org-b' };
const by = (actor: Actor = publisherOfOrgA) => ({ now: NOW, actor });

const DATASET = 'dataset-bus-stops';
const OBJECTION = 'objection-obj-1';
const CORRECTION = 'correction-cor-1';

const registered = {
  title: 'Bus stops',
  organizationId: 'org-a',
  classification: 'unconditional',
  classificationBasis: 'no personal data',
  fields: ['stop_id', 'name'],
  updateFrequency: 'monthly',
} as const;
const release = (version: number, extra: JsonObject = {}): JsonObject => ({
  version,
  checksum: 'a'.repeat(64),
  recordCount: 10,
  format: 'csv',
  maskingRules: [],
  ...extra,
});
const sealed = {
  sealed: 'A256GCM',
  subject: 's-1',
  iv: 'aXYtMQ==',
  ciphertext: 'Y2lwaGVy',
  mac: 'bWFj',
} as const;

const anOpenDataset = (): DatasetEvent[] => [
  { type: 'DatasetRegistered', data: { ...registered, fields: [...registered.fields] } },
  { type: 'DatasetReleased', data: release(1) as never },
];
const suspendedByObjection = (): DatasetEvent[] => [
  ...anOpenDataset(),
  { type: 'DatasetSuspended', data: { reason: 'privacy', cause: 'objection', causeRef: 'obj-1' } },
];
const objectionUnderVerification = (): ObjectionEvent[] => [
  {
    type: 'ObjectionFiled',
    data: { datasetId: 'bus-stops', ground: 'privacy', description: 'names', objector: sealed },
  },
  { type: 'ObjectionVerificationStarted', data: {} },
];
const correctionUnderVerification = (): CorrectionEvent[] => [
  {
    type: 'CorrectionRequested',
    data: { datasetId: 'bus-stops', datasetVersion: 1, description: 'a wrong stop' },
  },
  { type: 'CorrectionVerificationStarted', data: {} },
];

const versionOf = (events: unknown[]) => (events.length === 0 ? null : events.length - 1);
const datasetStream = (events: DatasetEvent[]): AggregateStream => ({
  category: 'dataset',
  state: fold(datasetDecider, events),
  version: versionOf(events),
});
const objectionStream = (events: ObjectionEvent[]): AggregateStream => ({
  category: 'objection',
  state: fold(objectionDecider, events),
  version: versionOf(events),
});
const correctionStream = (events: CorrectionEvent[]): AggregateStream => ({
  category: 'correction',
  state: fold(correctionDecider, events),
  version: versionOf(events),
});

/** The request's events, numbered as a batch. */
function aRequest(
  ...events: [RuledEventType, string, JsonObject, ExpectedVersion?][]
): PublishedDomainEvent[] {
  return events.map(([type, streamId, data, expectedVersion = 'any'], index) => ({
    path: events.length > 1 ? `/${index}` : '',
    type,
    streamId,
    data,
    expectedVersion,
  }));
}

function given(streams: Record<string, AggregateStream>) {
  const loaded = new Map(Object.entries(streams));
  return {
    when: (events: PublishedDomainEvent[], actor?: Actor) => ({
      checkedOn: () => checkPublishedEvents(events, loaded, by(actor)),
      refusal: (): Record<string, unknown> => {
        try {
          checkPublishedEvents(events, loaded, by(actor));
        } catch (error) {
          return error as Record<string, unknown>;
        }
        throw new Error('the events were not refused');
      },
    }),
  };
}

describe('the rule-bound types', () => {
  it('are every publishable type but DataAccessed, each checked on the aggregate of its stream category', () => {
    const withoutRules = PUBLISHABLE_EVENT_TYPES.filter((type) => !(type in RULED_EVENT_TYPES));

    expect(withoutRules).toEqual(['DataAccessed']);
    for (const [type, category] of Object.entries(RULED_EVENT_TYPES)) {
      expect([type, EVENT_CATALOGUE[type as RuledEventType].streamCategory]).toEqual([type, category]);
    }
  });
});

describe('mapping a published event to its command', () => {
  it('given a DatasetReclassified, it asks for the new classification and leaves `from` to the decider', () => {
    const command = datasetCommandFor(
      {
        type: 'DatasetReclassified',
        data: { from: 'non_open', to: 'conditional', reason: 'masked', desensitisationRef: 'D-1' },
      },
      by(),
    );

    expect(command).toEqual({
      type: 'ReclassifyDataset',
      data: { to: 'conditional', reason: 'masked', desensitisationRef: 'D-1' },
      metadata: by(),
    });
  });

  it('given a DatasetReleased, it releases the same data, objectionId included', () => {
    const data = release(2, { objectionId: 'obj-1' }) as never;

    expect(datasetCommandFor({ type: 'DatasetReleased', data }, by())).toEqual({
      type: 'ReleaseDataset',
      data,
      metadata: by(),
    });
  });

  it('given an ObjectionResolved reopened after processing, it carries the published release without its objectionId', () => {
    const dataset = fold(datasetDecider, suspendedByObjection());

    const command = objectionCommandFor(
      {
        type: 'ObjectionResolved',
        data: { outcome: 'reopened_after_processing', explanation: 'names masked', releaseVersion: 2 },
      },
      'obj-1',
      dataset,
      by(),
      release(2, { objectionId: 'obj-1' }) as never,
    );

    expect(command).toEqual({
      type: 'ResolveObjection',
      objectionId: 'obj-1',
      data: { outcome: 'reopened_after_processing', explanation: 'names masked', release: release(2) },
      context: { dataset },
      metadata: by(),
    });
  });

  it('given an ObjectionResolved withdrawn, it carries no release even if one was published', () => {
    const command = objectionCommandFor(
      { type: 'ObjectionResolved', data: { outcome: 'withdrawn', explanation: 'cannot be masked' } },
      'obj-1',
      fold(datasetDecider, suspendedByObjection()),
      by(),
      release(2, { objectionId: 'obj-1' }) as never,
    );

    expect(command).toMatchObject({ data: { outcome: 'withdrawn', explanation: 'cannot be masked' } });
    expect(command).not.toHaveProperty('data.release');
  });
});

describe('checking published dataset events', () => {
  it('given an open dataset at version 1, when v2 and v3 are published in one request, it checks them in order and names the versions to append at', () => {
    const checked = given({ [DATASET]: datasetStream(anOpenDataset()) })
      .when(aRequest(['DatasetReleased', DATASET, release(2)], ['DatasetReleased', DATASET, release(3)]))
      .checkedOn();

    expect(checked).toEqual([1, 2]);
  });

  it('given an open dataset, when v3 then v2 are published, v2 is refused as ReleaseVersionNotIncreasing', () => {
    const refusal = given({ [DATASET]: datasetStream(anOpenDataset()) })
      .when(aRequest(['DatasetReleased', DATASET, release(3)], ['DatasetReleased', DATASET, release(2)]))
      .refusal();

    expect(refusal).toMatchObject({ code: 'ReleaseVersionNotIncreasing' });
  });

  it('given no dataset, when it is registered, it is checked on no stream', () => {
    const checked = given({ [DATASET]: datasetStream([]) })
      .when(aRequest(['DatasetRegistered', DATASET, { ...registered, fields: ['stop_id'] }]))
      .checkedOn();

    expect(checked).toEqual(['no_stream']);
  });

  it('given no dataset, when a publisher of another organisation registers one of org-a, it is refused as NotYourOrganization', () => {
    const refusal = given({ [DATASET]: datasetStream([]) })
      .when(aRequest(['DatasetRegistered', DATASET, { ...registered, fields: ['stop_id'] }]), publisherOfOrgB)
      .refusal();

    expect(refusal).toMatchObject({ code: 'NotYourOrganization' });
  });

  it('given a dataset at version 1, when the publisher expected version 0, it is refused as WrongExpectedVersion with the actual version', () => {
    const refusal = given({ [DATASET]: datasetStream(anOpenDataset()) })
      .when(aRequest(['DatasetReleased', DATASET, release(2), 0]))
      .refusal();

    expect(refusal).toBeInstanceOf(WrongExpectedVersionError);
    expect(refusal).toMatchObject({ streamId: DATASET, expectedVersion: 0, actualVersion: 1 });
  });

  it('given an unconditional dataset, when a reclassification from non_open is published, it is refused as ClassificationMismatch', () => {
    const refusal = given({ [DATASET]: datasetStream(anOpenDataset()) })
      .when(
        aRequest([
          'DatasetReclassified',
          DATASET,
          { from: 'non_open', to: 'conditional', reason: 'locations' },
        ]),
      )
      .refusal();

    expect(refusal).toMatchObject({
      status: 409,
      code: 'ClassificationMismatch',
      extra: { classification: 'unconditional' },
    });
  });

  it('given a registered dataset, when the same registration is published under a new id, it is refused as NothingToRecord', () => {
    const refusal = given({ [DATASET]: datasetStream(anOpenDataset()) })
      .when(aRequest(['DatasetRegistered', DATASET, { ...registered, fields: ['stop_id', 'name'] }]))
      .refusal();

    expect(refusal).toMatchObject({ status: 409, code: 'NothingToRecord' });
  });

  it('given a dataset suspended by an objection, when a release is published, it is refused as DatasetSuspended', () => {
    const refusal = given({ [DATASET]: datasetStream(suspendedByObjection()) })
      .when(aRequest(['DatasetReleased', DATASET, release(2)]))
      .refusal();

    expect(refusal).toMatchObject({ code: 'DatasetSuspended' });
  });
});

describe('checking an objection resolved by publishing', () => {
  const streams = () => ({
    [OBJECTION]: objectionStream(objectionUnderVerification()),
    [DATASET]: datasetStream(suspendedByObjection()),
  });
  const reopened = (releaseVersion = 2) => ({
    outcome: 'reopened_after_processing',
    explanation: 'names masked',
    releaseVersion,
  });

  it('given a dataset suspended by objection obj-1, when its reopening resolution and release are published together, both are checked', () => {
    const checked = given(streams())
      .when(
        aRequest(
          ['ObjectionResolved', OBJECTION, reopened()],
          ['DatasetReleased', DATASET, release(2, { objectionId: 'obj-1' })],
        ),
      )
      .checkedOn();

    expect(checked).toEqual([1, 2]);
  });

  it('given the same, when the release is published alone, it is refused as ObjectionResolutionRequired', () => {
    const refusal = given(streams())
      .when(aRequest(['DatasetReleased', DATASET, release(2, { objectionId: 'obj-1' })]))
      .refusal();

    expect(refusal).toMatchObject({ status: 409, code: 'ObjectionResolutionRequired' });
  });

  it('given the same, when the release comes before the resolution, it is refused as ObjectionResolutionRequired', () => {
    const refusal = given(streams())
      .when(
        aRequest(
          ['DatasetReleased', DATASET, release(2, { objectionId: 'obj-1' })],
          ['ObjectionResolved', OBJECTION, reopened()],
        ),
      )
      .refusal();

    expect(refusal).toMatchObject({ code: 'ObjectionResolutionRequired' });
  });

  it('given the same, when the reopening resolution is published alone, it is refused as ObjectionConsequenceMissing', () => {
    const refusal = given(streams())
      .when(aRequest(['ObjectionResolved', OBJECTION, reopened()]))
      .refusal();

    expect(refusal).toMatchObject({ status: 409, code: 'ObjectionConsequenceMissing' });
  });

  it('given the same, when the resolution names another release version than the release, it is refused as PublishedEventDiffers in releaseVersion', () => {
    const refusal = given(streams())
      .when(
        aRequest(
          ['ObjectionResolved', OBJECTION, reopened(3)],
          ['DatasetReleased', DATASET, release(2, { objectionId: 'obj-1' })],
        ),
      )
      .refusal();

    expect(refusal).toMatchObject({
      code: 'PublishedEventDiffers',
      extra: { differences: ['releaseVersion'] },
    });
  });

  it('given the same, when a withdrawal resolution comes with no DatasetWithdrawn, it is refused as ObjectionConsequenceMissing', () => {
    const refusal = given(streams())
      .when(
        aRequest(['ObjectionResolved', OBJECTION, { outcome: 'withdrawn', explanation: 'cannot be masked' }]),
      )
      .refusal();

    expect(refusal).toMatchObject({ code: 'ObjectionConsequenceMissing' });
  });

  it('given the same, when the DatasetWithdrawn gives another reason than the resolution’s explanation, it is refused as PublishedEventDiffers in reason', () => {
    const refusal = given(streams())
      .when(
        aRequest(
          ['ObjectionResolved', OBJECTION, { outcome: 'withdrawn', explanation: 'cannot be masked' }],
          ['DatasetWithdrawn', DATASET, { reason: 'withdrawn', objectionId: 'obj-1' }],
        ),
      )
      .refusal();

    expect(refusal).toMatchObject({ code: 'PublishedEventDiffers', extra: { differences: ['reason'] } });
  });

  it('given the same, when another dataset event comes between the resolution and its consequence, it is refused as ObjectionConsequenceMissing', () => {
    const refusal = given(streams())
      .when(
        aRequest(
          ['ObjectionResolved', OBJECTION, { outcome: 'restored', explanation: 'no personal data' }],
          ['DatasetReclassified', DATASET, { from: 'unconditional', to: 'conditional', reason: 'locations' }],
          ['DatasetRestored', DATASET, { reason: 'no personal data', objectionId: 'obj-1' }],
        ),
      )
      .refusal();

    expect(refusal).toMatchObject({ code: 'ObjectionConsequenceMissing' });
  });

  it('given the same, when a restoring resolution comes with its DatasetRestored, both are checked', () => {
    const checked = given(streams())
      .when(
        aRequest(
          ['ObjectionResolved', OBJECTION, { outcome: 'restored', explanation: 'no personal data' }],
          ['DatasetRestored', DATASET, { reason: 'no personal data', objectionId: 'obj-1' }],
        ),
      )
      .checkedOn();

    expect(checked).toEqual([1, 2]);
  });
});

describe('checking a correction resolved by publishing', () => {
  it('given a correction of v1 under verification, when v2 is released and the correction resolved by it in one request, the resolution sees the release', () => {
    const checked = given({
      [CORRECTION]: correctionStream(correctionUnderVerification()),
      [DATASET]: datasetStream(anOpenDataset()),
    })
      .when(
        aRequest(
          ['DatasetReleased', DATASET, release(2)],
          [
            'CorrectionResolved',
            CORRECTION,
            { outcome: 'corrected', releaseVersion: 2, explanation: 'fixed' },
          ],
        ),
      )
      .checkedOn();

    expect(checked).toEqual([1, 1]);
  });

  it('given the same, when the correction is resolved by a version never released, it is refused as ReleaseVersionNotReleased', () => {
    const refusal = given({
      [CORRECTION]: correctionStream(correctionUnderVerification()),
      [DATASET]: datasetStream(anOpenDataset()),
    })
      .when(
        aRequest([
          'CorrectionResolved',
          CORRECTION,
          { outcome: 'corrected', releaseVersion: 2, explanation: 'fixed' },
        ]),
      )
      .refusal();

    expect(refusal).toMatchObject({ code: 'ReleaseVersionNotReleased' });
  });

  it('given a correction under verification, when its verification is started again, it is refused as NothingToRecord', () => {
    const refusal = given({
      [CORRECTION]: correctionStream(correctionUnderVerification()),
      [DATASET]: datasetStream(anOpenDataset()),
    })
      .when(aRequest(['CorrectionVerificationStarted', CORRECTION, {}]))
      .refusal();

    expect(refusal).toMatchObject({ code: 'NothingToRecord' });
  });
});
