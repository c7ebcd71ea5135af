import { fold } from '../decider';
import {
  anOpenDataset,
  aRegisteredDataset,
  datasetReclassified,
  datasetRegistered,
  datasetReleased,
  datasetRestored,
  datasetSuspended,
  datasetWithdrawn,
  OBJECTION_X,
} from '../testing/measures-builders';
import { datasetDecider } from './dataset.decide';
import { changesOf, diffStates, summarise } from './dataset.history';
import { DatasetEvent, DatasetState, evolveDataset, initialDatasetState } from './dataset.state';

const stateAfter = (events: DatasetEvent[]): DatasetState => fold(datasetDecider, events);

/** given a history, when one more event is folded in: the changes that event made. */
function changesMadeBy(given: DatasetEvent[], when: DatasetEvent) {
  const before = stateAfter(given);
  return changesOf(before, evolveDataset(before, when));
}

describe('summarising a dataset event', () => {
  it.each<[string, DatasetEvent, string]>([
    [
      'a registration names the title, organisation, classification, fields and frequency',
      datasetRegistered({ classification: 'conditional', openConditions: 'a research\npurpose' }),
      'Registered “Bus stops of Shanghai (公交站点)” for org-a as conditional (4 fields, updated monthly); open conditions: a research purpose',
    ],
    [
      'a reclassification out of non_open names its desensitisation reference',
      datasetReclassified({
        from: 'non_open',
        to: 'conditional',
        reason: 'names removed',
        desensitisationRef: 'DS-7',
      }),
      'Reclassified from non_open to conditional (desensitisation DS-7): names removed',
    ],
    [
      'a reclassification on consent names the consent',
      datasetReclassified({
        from: 'non_open',
        to: 'unconditional',
        reason: 'holder agreed',
        consentRef: 'C-1',
      }),
      'Reclassified from non_open to unconditional (consent C-1): holder agreed',
    ],
    [
      'a release reopening after an objection gives format, grouped record count and masking',
      datasetReleased(3, {
        recordCount: 1203,
        maskingRules: [{ field: 'phone', method: 'suppressed' }],
        objectionId: 'o-1',
      }),
      'Released version 3 (csv, 1,203 records; masking: phone suppressed) reopening after objection o-1',
    ],
    [
      'a release of one record with notes says "record" and adds the notes',
      datasetReleased(1, { recordCount: 1, notes: 'first cut' }),
      'Released version 1 (csv, 1 record) — first cut',
    ],
    [
      'a release with two masking rules lists both',
      datasetReleased(2, {
        recordCount: 1_000_000,
        maskingRules: [
          { field: 'phone', method: 'suppressed' },
          { field: 'name', method: 'pseudonymised' },
        ],
      }),
      'Released version 2 (csv, 1,000,000 records; masking: phone suppressed, name pseudonymised)',
    ],
    [
      'a suspension names its cause and reference',
      datasetSuspended('security', 'INC-2026-7'),
      'Suspended (security INC-2026-7): a security incident is under investigation',
    ],
    [
      'a restore after an objection names the objection',
      datasetRestored('no infringement found', OBJECTION_X),
      `Restored after objection ${OBJECTION_X}: no infringement found`,
    ],
    ['a withdrawal gives its reason', datasetWithdrawn('superseded'), 'Withdrawn: superseded'],
  ])('given %s', (_, event, summary) => {
    expect(summarise(event)).toBe(summary);
  });
});

describe('the changes an event makes to the state', () => {
  it('given no dataset, when it is registered, then every shown member appears from nothing', () => {
    expect(changesMadeBy([], datasetRegistered())).toEqual([
      { field: 'status', from: 'unregistered', to: 'registered' },
      { field: 'title', to: 'Bus stops of Shanghai (公交站点)' },
      { field: 'organizationId', to: 'org-a' },
      { field: 'classification', to: 'unconditional' },
      { field: 'fields', to: ['stop_id', 'name', 'lat', 'lon'] },
      { field: 'updateFrequency', to: 'monthly' },
    ]);
  });

  it('given a registered dataset, when its first version is released, then it opens at that version', () => {
    expect(changesMadeBy(aRegisteredDataset(), datasetReleased(1))).toEqual([
      { field: 'status', from: 'registered', to: 'open' },
      { field: 'currentVersion', from: 0, to: 1 },
    ]);
  });

  it('given an open dataset, when it is suspended, then status and suspension change', () => {
    expect(changesMadeBy(anOpenDataset(), datasetSuspended('objection', OBJECTION_X))).toEqual([
      { field: 'status', from: 'open', to: 'suspended' },
      { field: 'suspension', to: { cause: 'objection', causeRef: OBJECTION_X } },
    ]);
  });

  it('given a suspended dataset, when a release reopens it, then the suspension goes and the version moves', () => {
    const suspended = [...anOpenDataset(), datasetSuspended('objection', OBJECTION_X)];
    expect(changesMadeBy(suspended, datasetReleased(2, { objectionId: OBJECTION_X }))).toEqual([
      { field: 'status', from: 'suspended', to: 'open' },
      { field: 'currentVersion', from: 1, to: 2 },
      { field: 'suspension', from: { cause: 'objection', causeRef: OBJECTION_X } },
    ]);
  });

  it('given an open dataset, when it is reclassified, then only the classification changes', () => {
    const reclassified = datasetReclassified({ from: 'unconditional', to: 'conditional', reason: 'r' });
    expect(changesMadeBy(anOpenDataset(), reclassified)).toEqual([
      { field: 'classification', from: 'unconditional', to: 'conditional' },
    ]);
  });

  it('given an open dataset, when a later version is released, then only the current version changes', () => {
    expect(changesMadeBy(anOpenDataset(), datasetReleased(5))).toEqual([
      { field: 'currentVersion', from: 1, to: 5 },
    ]);
  });

  it('given a registered dataset, when an identical registration is folded again, then nothing changes', () => {
    expect(changesMadeBy(aRegisteredDataset(), datasetRegistered())).toEqual([]);
  });
});

describe('diffing two states', () => {
  it('given states at two points of a history, then it lists every member that moved between them', () => {
    const history = [
      ...anOpenDataset(),
      datasetReclassified({ from: 'unconditional', to: 'conditional', reason: 'r' }),
      datasetSuspended('security', 'INC-1'),
      datasetRestored(),
      datasetReleased(4),
      datasetWithdrawn('superseded'),
    ];
    const from = stateAfter(history.slice(0, 2));
    const to = stateAfter(history);
    expect(diffStates(from, to)).toEqual({
      from,
      to,
      changes: [
        { field: 'status', from: 'open', to: 'withdrawn' },
        { field: 'classification', from: 'unconditional', to: 'conditional' },
        { field: 'currentVersion', from: 1, to: 4 },
      ],
    });
  });

  it('given the same state twice, then there are no changes', () => {
    const state = stateAfter(anOpenDataset());
    expect(diffStates(state, state).changes).toEqual([]);
  });

  it('given the initial state and a registered one, then the diff starts from nothing', () => {
    const diff = diffStates(initialDatasetState, stateAfter(aRegisteredDataset()));
    expect(diff.changes.map((change) => change.field)).toEqual([
      'status',
      'title',
      'organizationId',
      'classification',
      'fields',
      'updateFrequency',
    ]);
  });
});
