import type { Actor } from '@ledger/events';
import { fold } from '../decider';
import { deciderSpec } from '../testing/decider-spec';
import {
  aDatasetSuspendedByObjection,
  aDatasetSuspendedForSecurity,
  anonymous,
  anOpenDataset,
  aRegisteredDataset,
  aWithdrawnDataset,
  datasetReclassified,
  datasetRegistered,
  datasetReleased,
  datasetRestored,
  datasetSuspended,
  datasetWithdrawn,
  OBJECTION_X,
  OBJECTION_Y,
  otherOrgOfficer,
  platformAdmin,
  publisherOfOrgA,
  publisherOfOrgB,
  reclassifyDataset,
  registerDataset,
  releaseDataset,
  restoreDataset,
  suspendDataset,
  withdrawDataset,
} from '../testing/measures-builders';
import { datasetDecider } from './dataset.decide';
import { DatasetError } from './dataset.errors';
import type { DatasetEvent } from './dataset.state';

const spec = deciderSpec(datasetDecider, DatasetError);

/** Actors who do not act for org-a, the organisation of every dataset below. */
const outsiders: [string, Actor][] = [
  ['an officer of another organisation', otherOrgOfficer],
  ['a publisher of another organisation', publisherOfOrgB],
  ['an anonymous member of the public', anonymous],
  ['a platform admin', platformAdmin],
];

/** A non-open dataset that has never been opened. */
const aNonOpenDataset = (): DatasetEvent[] => aRegisteredDataset({ classification: 'non_open' });

describe('registering a dataset', () => {
  it('given no dataset, when an officer of its organisation registers it, it records DatasetRegistered', () => {
    spec.given([]).when(registerDataset()).then([datasetRegistered()]);
  });

  it('given no dataset, when a conditional dataset is registered with its open conditions, it records them', () => {
    const conditional = { classification: 'conditional', openConditions: 'a research purpose' } as const;
    spec
      .given([])
      .when(registerDataset(conditional))
      .then([datasetRegistered(conditional)]);
  });

  it('given no dataset, when a non-open dataset is registered, it records DatasetRegistered', () => {
    spec
      .given([])
      .when(registerDataset({ classification: 'non_open' }))
      .then([datasetRegistered({ classification: 'non_open' })]);
  });

  it('given no dataset, when a publisher of the same organisation registers it, it records DatasetRegistered', () => {
    spec.given([]).when(registerDataset({}, publisherOfOrgA)).then([datasetRegistered()]);
  });

  it.each(outsiders)(
    'given no dataset, when %s registers it for org-a, it is refused as NotYourOrganization',
    (_, actor) => {
      spec.given([]).when(registerDataset({}, actor)).thenThrows('NotYourOrganization');
    },
  );

  it('given a registered dataset, when the registration is retried with identical data, it records nothing', () => {
    spec.given(aRegisteredDataset()).when(registerDataset()).then([]);
  });

  it('given an open dataset, when its registration is retried with identical data, it records nothing', () => {
    spec.given(anOpenDataset()).when(registerDataset()).then([]);
  });

  it('given a reclassified dataset, when its original registration is retried, it records nothing', () => {
    spec
      .given([
        ...aRegisteredDataset(),
        datasetReclassified({ from: 'unconditional', to: 'conditional', reason: 'location data' }),
      ])
      .when(registerDataset())
      .then([]);
  });

  it('given a registered dataset, when the id is registered again with another title, it is refused as DatasetAlreadyRegistered', () => {
    spec
      .given(aRegisteredDataset())
      .when(registerDataset({ title: 'Metro stations' }))
      .thenThrows('DatasetAlreadyRegistered');
  });

  it('given a registered dataset, when the id is registered again with another classification, it is refused as DatasetAlreadyRegistered', () => {
    spec
      .given(aRegisteredDataset())
      .when(registerDataset({ classification: 'conditional' }))
      .thenThrows('DatasetAlreadyRegistered');
  });

  it('given a withdrawn dataset, when the id is registered again with other fields, it is refused as DatasetAlreadyRegistered', () => {
    spec
      .given(aWithdrawnDataset())
      .when(registerDataset({ fields: ['stop_id'] }))
      .thenThrows('DatasetAlreadyRegistered');
  });

  it('given a registered dataset of org-a, when an officer of another organisation retries the identical registration, it is refused as NotYourOrganization', () => {
    spec
      .given(aRegisteredDataset())
      .when(registerDataset({}, otherOrgOfficer))
      .thenThrows('NotYourOrganization');
  });
});

describe('reclassifying a dataset', () => {
  const toConditional = { to: 'conditional', reason: 'the stops reveal depot locations' } as const;
  const toNonOpen = { to: 'non_open', reason: 'the data holds home addresses' } as const;

  it('given no dataset, when it is reclassified, it is refused as DatasetNotFound', () => {
    spec.given([]).when(reclassifyDataset(toConditional)).thenThrows('DatasetNotFound');
  });

  it('given a registered unconditional dataset, when it is reclassified conditional, it records DatasetReclassified from unconditional', () => {
    spec
      .given(aRegisteredDataset())
      .when(reclassifyDataset(toConditional))
      .then([datasetReclassified({ from: 'unconditional', ...toConditional })]);
  });

  it('given a registered dataset, when it is reclassified non-open, it records DatasetReclassified', () => {
    spec
      .given(aRegisteredDataset())
      .when(reclassifyDataset(toNonOpen))
      .then([datasetReclassified({ from: 'unconditional', ...toNonOpen })]);
  });

  it('given an open dataset, when it is reclassified conditional, it records DatasetReclassified', () => {
    spec
      .given(anOpenDataset())
      .when(reclassifyDataset(toConditional))
      .then([datasetReclassified({ from: 'unconditional', ...toConditional })]);
  });

  it('given a dataset already classified conditional, when it is reclassified conditional, it is refused as SameClassification', () => {
    spec
      .given(aRegisteredDataset({ classification: 'conditional' }))
      .when(reclassifyDataset(toConditional))
      .thenThrows('SameClassification');
  });

  it('given a dataset reclassified conditional, when it is reclassified conditional again, it is refused as SameClassification', () => {
    spec
      .given([...anOpenDataset(), datasetReclassified({ from: 'unconditional', ...toConditional })])
      .when(reclassifyDataset(toConditional))
      .thenThrows('SameClassification');
  });

  it('given a non-open dataset, when it is reclassified conditional without a desensitisation or consent reference, it is refused as DesensitisationOrConsentRequired', () => {
    spec
      .given(aNonOpenDataset())
      .when(reclassifyDataset(toConditional))
      .thenThrows('DesensitisationOrConsentRequired');
  });

  it('given a non-open dataset, when it is reclassified unconditional without a reference, it is refused as DesensitisationOrConsentRequired', () => {
    spec
      .given(aNonOpenDataset())
      .when(reclassifyDataset({ to: 'unconditional', reason: 'reviewed' }))
      .thenThrows('DesensitisationOrConsentRequired');
  });

  it('given a non-open dataset, when it is reclassified conditional with a desensitisationRef, it records the reference', () => {
    const desensitised = { ...toConditional, desensitisationRef: 'DES-2026-014' };
    spec
      .given(aNonOpenDataset())
      .when(reclassifyDataset(desensitised))
      .then([datasetReclassified({ from: 'non_open', ...desensitised })]);
  });

  it('given a non-open dataset, when it is reclassified unconditional with a consentRef, it records the reference', () => {
    const consented = {
      to: 'unconditional',
      reason: 'the holders agreed',
      consentRef: 'CONSENT-88',
    } as const;
    spec
      .given(aNonOpenDataset())
      .when(reclassifyDataset(consented))
      .then([datasetReclassified({ from: 'non_open', ...consented })]);
  });

  it('given a dataset reclassified non-open after registration, when it is reclassified conditional without a reference, it is refused as DesensitisationOrConsentRequired', () => {
    spec
      .given([...aRegisteredDataset(), datasetReclassified({ from: 'unconditional', ...toNonOpen })])
      .when(reclassifyDataset(toConditional))
      .thenThrows('DesensitisationOrConsentRequired');
  });

  it('given an open dataset, when it is reclassified non-open, it is refused as DatasetOpen', () => {
    spec.given(anOpenDataset()).when(reclassifyDataset(toNonOpen)).thenThrows('DatasetOpen');
  });

  it('given a dataset restored after a suspension, when it is reclassified non-open, it is refused as DatasetOpen', () => {
    spec
      .given([...aDatasetSuspendedForSecurity(), datasetRestored()])
      .when(reclassifyDataset(toNonOpen))
      .thenThrows('DatasetOpen');
  });

  it('given a dataset suspended for security, when it is reclassified non-open, it records DatasetReclassified', () => {
    spec
      .given(aDatasetSuspendedForSecurity())
      .when(reclassifyDataset(toNonOpen))
      .then([datasetReclassified({ from: 'unconditional', ...toNonOpen })]);
  });

  it('given a dataset suspended by objection X, when it is reclassified non-open, it records DatasetReclassified', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(reclassifyDataset(toNonOpen))
      .then([datasetReclassified({ from: 'unconditional', ...toNonOpen })]);
  });

  it('given a withdrawn dataset, when it is reclassified, it is refused as DatasetWithdrawn', () => {
    spec.given(aWithdrawnDataset()).when(reclassifyDataset(toConditional)).thenThrows('DatasetWithdrawn');
  });

  it('given a registered dataset, when a publisher of the same organisation reclassifies it, it records DatasetReclassified', () => {
    spec
      .given(aRegisteredDataset())
      .when(reclassifyDataset(toConditional, publisherOfOrgA))
      .then([datasetReclassified({ from: 'unconditional', ...toConditional })]);
  });

  it.each(outsiders)(
    'given a registered dataset, when %s reclassifies it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aRegisteredDataset())
        .when(reclassifyDataset(toConditional, actor))
        .thenThrows('NotYourOrganization');
    },
  );
});

describe('releasing a dataset', () => {
  it('given no dataset, when a version is released, it is refused as DatasetNotFound', () => {
    spec.given([]).when(releaseDataset(1)).thenThrows('DatasetNotFound');
  });

  it('given a registered dataset, when version 1 is released, it records DatasetReleased', () => {
    spec
      .given(aRegisteredDataset())
      .when(releaseDataset(1))
      .then([datasetReleased(1)]);
  });

  it('given a registered dataset, when a first release masks fields and carries notes, it records them', () => {
    const masked = { maskingRules: [{ field: 'name', method: 'suppressed' }], notes: 'names suppressed' };
    spec
      .given(aRegisteredDataset())
      .when(releaseDataset(1, masked))
      .then([datasetReleased(1, masked)]);
  });

  it('given a registered conditional dataset, when version 1 is released, it records DatasetReleased', () => {
    spec
      .given(aRegisteredDataset({ classification: 'conditional' }))
      .when(releaseDataset(1))
      .then([datasetReleased(1)]);
  });

  it('given a registered dataset, when version 0 is released, it is refused as ReleaseVersionNotIncreasing', () => {
    spec.given(aRegisteredDataset()).when(releaseDataset(0)).thenThrows('ReleaseVersionNotIncreasing');
  });

  it('given a registered dataset, when version 3 is released first, it records DatasetReleased (versions may skip)', () => {
    spec
      .given(aRegisteredDataset())
      .when(releaseDataset(3))
      .then([datasetReleased(3)]);
  });

  it('given a non-open dataset, when a version is released, it is refused as DatasetNonOpen', () => {
    spec.given(aNonOpenDataset()).when(releaseDataset(1)).thenThrows('DatasetNonOpen');
  });

  it('given a dataset reclassified non-open while suspended, when a version is released by its objection’s reopening, it is refused as DatasetNonOpen', () => {
    spec
      .given([
        ...aDatasetSuspendedByObjection(OBJECTION_X),
        datasetReclassified({ from: 'unconditional', to: 'non_open', reason: 'home addresses' }),
      ])
      .when(releaseDataset(2, { objectionId: OBJECTION_X }))
      .thenThrows('DatasetNonOpen');
  });

  it('given a non-open dataset reclassified conditional after desensitisation, when version 1 is released, it records DatasetReleased', () => {
    spec
      .given([
        ...aNonOpenDataset(),
        datasetReclassified({
          from: 'non_open',
          to: 'conditional',
          reason: 'addresses removed',
          desensitisationRef: 'DES-1',
        }),
      ])
      .when(releaseDataset(1))
      .then([datasetReleased(1)]);
  });

  it('given an open dataset at version 1, when version 2 is released, it records DatasetReleased', () => {
    spec
      .given(anOpenDataset())
      .when(releaseDataset(2))
      .then([datasetReleased(2)]);
  });

  it('given an open dataset at version 1, when version 5 is released, it records DatasetReleased (versions may skip)', () => {
    spec
      .given(anOpenDataset())
      .when(releaseDataset(5))
      .then([datasetReleased(5)]);
  });

  it('given an open dataset, when it is released again with the same version, it is refused as ReleaseVersionNotIncreasing', () => {
    spec.given(anOpenDataset()).when(releaseDataset(1)).thenThrows('ReleaseVersionNotIncreasing');
  });

  it('given an open dataset at version 3, when version 2 is released, it is refused as ReleaseVersionNotIncreasing', () => {
    spec
      .given([...anOpenDataset(), datasetReleased(3)])
      .when(releaseDataset(2))
      .thenThrows('ReleaseVersionNotIncreasing');
  });

  it('given an open dataset, when a negative version is released, it is refused as ReleaseVersionNotIncreasing', () => {
    spec.given(anOpenDataset()).when(releaseDataset(-1)).thenThrows('ReleaseVersionNotIncreasing');
  });

  it('given a dataset suspended for security, when a version is released, it is refused as DatasetSuspended', () => {
    spec.given(aDatasetSuspendedForSecurity()).when(releaseDataset(2)).thenThrows('DatasetSuspended');
  });

  it('given a dataset suspended for security, when a version is released naming an objection, it is refused as DatasetSuspended', () => {
    spec
      .given(aDatasetSuspendedForSecurity())
      .when(releaseDataset(2, { objectionId: OBJECTION_X }))
      .thenThrows('DatasetSuspended');
  });

  it('given a dataset suspended by objection X, when a version is released outside that objection’s resolution, it is refused as DatasetSuspended', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(releaseDataset(2))
      .thenThrows('DatasetSuspended');
  });

  it('given a dataset suspended by objection X, when a version is released as objection Y’s reopening, it is refused as DatasetSuspended', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(releaseDataset(2, { objectionId: OBJECTION_Y }))
      .thenThrows('DatasetSuspended');
  });

  it('given a dataset suspended by objection X, when a version is released as objection X’s reopening, it records DatasetReleased naming X', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(releaseDataset(2, { objectionId: OBJECTION_X }))
      .then([datasetReleased(2, { objectionId: OBJECTION_X })]);
  });

  it('given a dataset suspended by objection X, when objection X’s reopening repeats the current version, it is refused as ReleaseVersionNotIncreasing', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(releaseDataset(1, { objectionId: OBJECTION_X }))
      .thenThrows('ReleaseVersionNotIncreasing');
  });

  it('given a dataset suspended by objection Y, when a version is released as objection X’s reopening, it is refused as DatasetSuspended', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_Y))
      .when(releaseDataset(2, { objectionId: OBJECTION_X }))
      .thenThrows('DatasetSuspended');
  });

  it('given a dataset suspended by an objection that names no id, when a version is released, it is refused as DatasetSuspended', () => {
    spec
      .given([...anOpenDataset(), datasetSuspended('objection')])
      .when(releaseDataset(2))
      .thenThrows('DatasetSuspended');
  });

  it('given a dataset reopened by objection X’s release, when an ordinary version follows, it records DatasetReleased (the dataset is open again)', () => {
    spec
      .given([...aDatasetSuspendedByObjection(OBJECTION_X), datasetReleased(2, { objectionId: OBJECTION_X })])
      .when(releaseDataset(3))
      .then([datasetReleased(3)]);
  });

  it('given a dataset restored after a suspension, when the next version is released, it records DatasetReleased', () => {
    spec
      .given([...aDatasetSuspendedForSecurity(), datasetRestored()])
      .when(releaseDataset(2))
      .then([datasetReleased(2)]);
  });

  it('given a withdrawn dataset, when a version is released, it is refused as DatasetWithdrawn', () => {
    spec.given(aWithdrawnDataset()).when(releaseDataset(2)).thenThrows('DatasetWithdrawn');
  });

  it('given a dataset withdrawn while suspended by objection X, when objection X’s reopening is released, it is refused as DatasetWithdrawn', () => {
    spec
      .given([...aDatasetSuspendedByObjection(OBJECTION_X), datasetWithdrawn()])
      .when(releaseDataset(2, { objectionId: OBJECTION_X }))
      .thenThrows('DatasetWithdrawn');
  });

  it('given an open dataset, when a publisher of the same organisation releases the next version, it records DatasetReleased', () => {
    spec
      .given(anOpenDataset())
      .when(releaseDataset(2, {}, publisherOfOrgA))
      .then([datasetReleased(2)]);
  });

  it.each(outsiders)(
    'given an open dataset, when %s releases a version, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(anOpenDataset())
        .when(releaseDataset(2, {}, actor))
        .thenThrows('NotYourOrganization');
    },
  );
});

describe('suspending a dataset', () => {
  it('given no dataset, when it is suspended, it is refused as DatasetNotFound', () => {
    spec.given([]).when(suspendDataset('security', 'INC-1')).thenThrows('DatasetNotFound');
  });

  it('given a registered dataset never released, when it is suspended, it is refused as DatasetNotOpen', () => {
    spec.given(aRegisteredDataset()).when(suspendDataset('security', 'INC-1')).thenThrows('DatasetNotOpen');
  });

  it('given an open dataset, when it is suspended for security, it records DatasetSuspended with the cause and its reference', () => {
    spec
      .given(anOpenDataset())
      .when(suspendDataset('security', 'INC-1'))
      .then([datasetSuspended('security', 'INC-1')]);
  });

  it('given an open dataset, when it is suspended for another cause without a reference, it records DatasetSuspended without causeRef', () => {
    spec
      .given(anOpenDataset())
      .when(suspendDataset('other'))
      .then([datasetSuspended('other')]);
  });

  it('given an open dataset, when it is suspended because of objection X, it records DatasetSuspended naming X', () => {
    spec
      .given(anOpenDataset())
      .when(suspendDataset('objection', OBJECTION_X))
      .then([datasetSuspended('objection', OBJECTION_X)]);
  });

  it('given an open dataset, when it is suspended because of a correction, it records DatasetSuspended', () => {
    spec
      .given(anOpenDataset())
      .when(suspendDataset('correction', 'correction-7'))
      .then([datasetSuspended('correction', 'correction-7')]);
  });

  it('given a dataset suspended for security, when it is suspended again, it records nothing (a no-op, style.md)', () => {
    spec.given(aDatasetSuspendedForSecurity()).when(suspendDataset('security', 'INC-2026-7')).then([]);
  });

  it('given a dataset suspended by objection X, when it is suspended because of objection Y, it records nothing: it is suspended already', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(suspendDataset('objection', OBJECTION_Y))
      .then([]);
  });

  it('given a dataset restored after a suspension, when it is suspended again, it records DatasetSuspended', () => {
    spec
      .given([...aDatasetSuspendedForSecurity(), datasetRestored()])
      .when(suspendDataset('objection', OBJECTION_Y))
      .then([datasetSuspended('objection', OBJECTION_Y)]);
  });

  it('given a dataset reopened by objection X’s release, when it is suspended for security, it records DatasetSuspended', () => {
    spec
      .given([...aDatasetSuspendedByObjection(OBJECTION_X), datasetReleased(2, { objectionId: OBJECTION_X })])
      .when(suspendDataset('security', 'INC-9'))
      .then([datasetSuspended('security', 'INC-9')]);
  });

  it('given a withdrawn dataset, when it is suspended, it is refused as DatasetNotOpen', () => {
    spec.given(aWithdrawnDataset()).when(suspendDataset('security', 'INC-1')).thenThrows('DatasetNotOpen');
  });

  it('given an open dataset, when a publisher of the same organisation suspends it, it records DatasetSuspended', () => {
    spec
      .given(anOpenDataset())
      .when(suspendDataset('security', 'INC-1', publisherOfOrgA))
      .then([datasetSuspended('security', 'INC-1')]);
  });

  it.each(outsiders)(
    'given an open dataset, when %s suspends it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(anOpenDataset())
        .when(suspendDataset('security', 'INC-1', actor))
        .thenThrows('NotYourOrganization');
    },
  );
});

describe('restoring a dataset', () => {
  it('given no dataset, when it is restored, it is refused as DatasetNotFound', () => {
    spec.given([]).when(restoreDataset()).thenThrows('DatasetNotFound');
  });

  it('given a registered dataset, when it is restored, it is refused as DatasetNotSuspended', () => {
    spec.given(aRegisteredDataset()).when(restoreDataset()).thenThrows('DatasetNotSuspended');
  });

  it('given an open dataset, when it is restored, it records nothing (a no-op)', () => {
    spec.given(anOpenDataset()).when(restoreDataset()).then([]);
  });

  it('given a dataset suspended for security, when it is restored, it records DatasetRestored', () => {
    spec.given(aDatasetSuspendedForSecurity()).when(restoreDataset()).then([datasetRestored()]);
  });

  it('given a dataset suspended for another cause, when it is restored, it records DatasetRestored', () => {
    spec
      .given([...anOpenDataset(), datasetSuspended('other')])
      .when(restoreDataset())
      .then([datasetRestored()]);
  });

  it('given a dataset suspended by objection X, when it is restored outside an objection’s resolution, it is refused as SuspendedByObjection', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(restoreDataset())
      .thenThrows('SuspendedByObjection');
  });

  it('given a dataset suspended by objection X, when it is restored by objection Y’s resolution, it is refused as SuspendedByObjection', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(restoreDataset({ objectionId: OBJECTION_Y }))
      .thenThrows('SuspendedByObjection');
  });

  it('given a dataset suspended by objection X, when it is restored by objection X’s resolution, it records DatasetRestored naming X', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(restoreDataset({ objectionId: OBJECTION_X }, 'no personal data found'))
      .then([datasetRestored('no personal data found', OBJECTION_X)]);
  });

  it('given a dataset suspended for security and reclassified non-open, when it is restored, it is refused as DatasetNonOpen', () => {
    spec
      .given([
        ...aDatasetSuspendedForSecurity(),
        datasetReclassified({ from: 'unconditional', to: 'non_open', reason: 'home addresses' }),
      ])
      .when(restoreDataset())
      .thenThrows('DatasetNonOpen');
  });

  it('given a dataset restored once, when it is restored again, it records nothing (a no-op)', () => {
    spec
      .given([...aDatasetSuspendedForSecurity(), datasetRestored()])
      .when(restoreDataset())
      .then([]);
  });

  it('given a dataset suspended by objection X, when it is restored and X is known to be resolved, it records DatasetRestored', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when({ ...restoreDataset(), context: { suspendingObjectionPending: false } })
      .then([datasetRestored()]);
  });

  it('given a dataset suspended by objection X, when it is restored and X is still pending, it is refused as SuspendedByObjection', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when({ ...restoreDataset(), context: { suspendingObjectionPending: true } })
      .thenThrows('SuspendedByObjection');
  });

  it('given a withdrawn dataset, when it is restored, it is refused as DatasetNotSuspended', () => {
    spec.given(aWithdrawnDataset()).when(restoreDataset()).thenThrows('DatasetNotSuspended');
  });

  it('given a dataset suspended for security, when a publisher of the same organisation restores it, it records DatasetRestored', () => {
    spec
      .given(aDatasetSuspendedForSecurity())
      .when(restoreDataset({ by: publisherOfOrgA }))
      .then([datasetRestored()]);
  });

  it.each(outsiders)(
    'given a dataset suspended for security, when %s restores it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aDatasetSuspendedForSecurity())
        .when(restoreDataset({ by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );
});

describe('withdrawing a dataset', () => {
  it('given no dataset, when it is withdrawn, it is refused as DatasetNotFound', () => {
    spec.given([]).when(withdrawDataset()).thenThrows('DatasetNotFound');
  });

  it('given a registered dataset never released, when it is withdrawn, it records DatasetWithdrawn', () => {
    spec.given(aRegisteredDataset()).when(withdrawDataset()).then([datasetWithdrawn()]);
  });

  it('given an open dataset, when it is withdrawn, it records DatasetWithdrawn', () => {
    spec.given(anOpenDataset()).when(withdrawDataset()).then([datasetWithdrawn()]);
  });

  it('given a dataset suspended for security, when it is withdrawn, it records DatasetWithdrawn', () => {
    spec.given(aDatasetSuspendedForSecurity()).when(withdrawDataset()).then([datasetWithdrawn()]);
  });

  it('given a dataset suspended by objection X, when its body withdraws it outright, it records DatasetWithdrawn', () => {
    spec.given(aDatasetSuspendedByObjection(OBJECTION_X)).when(withdrawDataset()).then([datasetWithdrawn()]);
  });

  it('given a dataset suspended by objection X, when it is withdrawn by objection X’s resolution, it records DatasetWithdrawn naming X', () => {
    spec
      .given(aDatasetSuspendedByObjection(OBJECTION_X))
      .when(withdrawDataset({ objectionId: OBJECTION_X }, 'names cannot be masked'))
      .then([datasetWithdrawn('names cannot be masked', OBJECTION_X)]);
  });

  it('given a withdrawn dataset, when it is withdrawn again, it records nothing (a no-op)', () => {
    spec.given(aWithdrawnDataset()).when(withdrawDataset()).then([]);
  });

  it('given an open dataset, when a publisher of the same organisation withdraws it, it records DatasetWithdrawn', () => {
    spec
      .given(anOpenDataset())
      .when(withdrawDataset({ by: publisherOfOrgA }))
      .then([datasetWithdrawn()]);
  });

  it.each(outsiders)(
    'given an open dataset, when %s withdraws it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(anOpenDataset())
        .when(withdrawDataset({ by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );
});

describe('a withdrawn dataset is terminal', () => {
  it('given a dataset withdrawn before any release, when a version is released, it is refused as DatasetWithdrawn', () => {
    spec
      .given([...aRegisteredDataset(), datasetWithdrawn()])
      .when(releaseDataset(1))
      .thenThrows('DatasetWithdrawn');
  });

  it('given a dataset withdrawn while suspended by objection X, when objection X’s resolution restores it, it is refused as DatasetNotSuspended', () => {
    spec
      .given([...aDatasetSuspendedByObjection(OBJECTION_X), datasetWithdrawn()])
      .when(restoreDataset({ objectionId: OBJECTION_X }))
      .thenThrows('DatasetNotSuspended');
  });

  it('given a dataset withdrawn while suspended, when it is suspended, it is refused as DatasetNotOpen', () => {
    spec
      .given([...aDatasetSuspendedForSecurity(), datasetWithdrawn()])
      .when(suspendDataset('security', 'INC-3'))
      .thenThrows('DatasetNotOpen');
  });

  it('given a withdrawn non-open dataset, when it is reclassified with a desensitisationRef, it is refused as DatasetWithdrawn', () => {
    spec
      .given([...aNonOpenDataset(), datasetWithdrawn()])
      .when(reclassifyDataset({ to: 'conditional', reason: 'masked', desensitisationRef: 'DES-2' }))
      .thenThrows('DatasetWithdrawn');
  });
});

describe('refusals name what to do', () => {
  const refusalOf = (
    given: DatasetEvent[],
    command: Parameters<typeof datasetDecider.decide>[0],
  ): DatasetError => {
    try {
      datasetDecider.decide(command, fold(datasetDecider, given));
    } catch (error) {
      if (error instanceof DatasetError) return error;
      throw error;
    }
    throw new Error('the command was not refused');
  };

  it('given an open dataset at version 3, when version 3 is released again, the refusal names the current version and the next one', () => {
    const error = refusalOf([...anOpenDataset(), datasetReleased(3)], releaseDataset(3));
    expect(error.message).toBe('version 3 is not after the current version 3; release 4 or later');
    expect(error.details).toStrictEqual({ currentVersion: 3 });
  });

  it('given a dataset suspended by objection X, when a version is released, the refusal names objection X', () => {
    const error = refusalOf(aDatasetSuspendedByObjection(OBJECTION_X), releaseDataset(2));
    expect(error.message).toContain(`suspended by objection ${OBJECTION_X}:`);
  });

  it('given a dataset suspended by an objection that names no id, when a version is released, the refusal says the objection is unnamed', () => {
    const error = refusalOf([...anOpenDataset(), datasetSuspended('objection')], releaseDataset(2));
    expect(error.message).toContain('suspended by objection (unnamed):');
  });

  it('given a dataset suspended by objection X, when it is restored, the refusal names objection X in its details', () => {
    const error = refusalOf(aDatasetSuspendedByObjection(OBJECTION_X), restoreDataset());
    expect(error.details).toStrictEqual({ objectionId: OBJECTION_X });
  });
});
