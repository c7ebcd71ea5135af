import type { Actor } from '@ledger/events';
import { deciderSpec } from '../testing/decider-spec';
import {
  aCorrectionUnderVerification,
  aDatasetSuspendedForSecurity,
  anonymous,
  anOpenDataset,
  aRegisteredDataset,
  aSubmittedCorrection,
  aWithdrawnDataset,
  correctionRequest,
  correctionRequested,
  correctionResolved,
  correctionVerificationStarted,
  datasetReleased,
  otherOrgOfficer,
  platformAdmin,
  publisherOfOrgA,
  publisherOfOrgB,
  requestCorrection,
  resealed,
  resolveCorrection,
  sealed,
  startCorrectionVerification,
} from '../testing/measures-builders';
import { correctionDecider } from './correction.decide';
import { CorrectionError } from './correction.errors';
import type { CorrectionEvent } from './correction.state';

const spec = deciderSpec(correctionDecider, CorrectionError);

/** The dataset every case below is about once a correction was released: versions 1 and 2 of org-a's bus stops. */
const releasedTwice = () => [...anOpenDataset(), datasetReleased(2)];

const aResolvedCorrection = (outcome: 'corrected' | 'no_error_found'): CorrectionEvent[] => [
  ...aCorrectionUnderVerification(),
  outcome === 'corrected' ? correctionResolved('corrected', 2) : correctionResolved('no_error_found'),
];

const outsiders: [string, Actor][] = [
  ['an officer of another organisation', otherOrgOfficer],
  ['a publisher of another organisation', publisherOfOrgB],
  ['an anonymous member of the public', anonymous],
];

describe('requesting a correction', () => {
  it('given no correction and an open dataset, when anyone reports an error in version 1, it records CorrectionRequested', () => {
    spec.given([]).when(requestCorrection()).then([correctionRequested()]);
  });

  it('given no correction, when the report names no fields and no reporter, it records CorrectionRequested as filed', () => {
    const bare = { datasetId: 'bus-stops', datasetVersion: 1, description: 'stop 1042 is missing' };
    spec
      .given([])
      .when({ ...requestCorrection(), data: bare })
      .then([{ type: 'CorrectionRequested', data: bare }]);
  });

  it('given no correction, when a data user with a login reports the error, it records CorrectionRequested', () => {
    spec
      .given([])
      .when(requestCorrection({}, { by: { id: 'user-9', role: 'data_user' } }))
      .then([correctionRequested()]);
  });

  it('given no correction and a dataset at versions 1 and 2, when an error in the older version 1 is reported, it records CorrectionRequested', () => {
    spec
      .given([])
      .when(requestCorrection({ datasetVersion: 1 }, { dataset: releasedTwice() }))
      .then([correctionRequested({ datasetVersion: 1 })]);
  });

  it('given no correction and a dataset suspended for security, when an error in a released version is reported, it records CorrectionRequested', () => {
    spec
      .given([])
      .when(requestCorrection({}, { dataset: aDatasetSuspendedForSecurity() }))
      .then([correctionRequested()]);
  });

  it('given no correction and a withdrawn dataset, when an error in a released version is reported, it records CorrectionRequested', () => {
    spec
      .given([])
      .when(requestCorrection({}, { dataset: aWithdrawnDataset() }))
      .then([correctionRequested()]);
  });

  it('given no correction, when the dataset is not on the open list, it is refused as DatasetNotFound', () => {
    spec
      .given([])
      .when(requestCorrection({}, { dataset: [] }))
      .thenThrows('DatasetNotFound');
  });

  it('given no correction and a dataset never released, when an error in version 1 is reported, it is refused as DatasetVersionNotReleased', () => {
    spec
      .given([])
      .when(requestCorrection({ datasetVersion: 1 }, { dataset: aRegisteredDataset() }))
      .thenThrows('DatasetVersionNotReleased');
  });

  it('given no correction and a dataset at version 1, when an error in version 2 is reported, it is refused as DatasetVersionNotReleased', () => {
    spec
      .given([])
      .when(requestCorrection({ datasetVersion: 2 }, { dataset: anOpenDataset() }))
      .thenThrows('DatasetVersionNotReleased');
  });

  it('given no correction and a dataset that skipped from version 1 to 3, when an error in version 2 is reported, it is refused as DatasetVersionNotReleased', () => {
    spec
      .given([])
      .when(requestCorrection({ datasetVersion: 2 }, { dataset: [...anOpenDataset(), datasetReleased(3)] }))
      .thenThrows('DatasetVersionNotReleased');
  });

  it('given no correction, when the report names a field the dataset does not have, it is refused as UnknownDatasetFields', () => {
    spec
      .given([])
      .when(requestCorrection({ fields: ['name', 'operator'] }))
      .thenThrows('UnknownDatasetFields');
  });

  it('given a submitted correction, when the same filing is retried with a new ciphertext but the same mac, it records nothing', () => {
    const first = correctionRequest();
    spec
      .given(aSubmittedCorrection())
      .when(
        requestCorrection({
          reporter: resealed(first.reporter ?? sealed()),
          evidence: resealed(first.evidence ?? sealed()),
        }),
      )
      .then([]);
  });

  it('given a correction under verification, when its filing is retried, it records nothing', () => {
    spec.given(aCorrectionUnderVerification()).when(requestCorrection()).then([]);
  });

  it('given a resolved correction, when its filing is retried, it records nothing', () => {
    spec.given(aResolvedCorrection('corrected')).when(requestCorrection()).then([]);
  });

  it('given a submitted correction, when the same id is filed with another description, it is refused as CorrectionAlreadyFiled', () => {
    spec
      .given(aSubmittedCorrection())
      .when(requestCorrection({ description: 'stop 1043 is missing' }))
      .thenThrows('CorrectionAlreadyFiled');
  });

  it('given a submitted correction, when the same id is filed about another version, it is refused as CorrectionAlreadyFiled', () => {
    spec
      .given(aSubmittedCorrection())
      .when(requestCorrection({ datasetVersion: 2 }, { dataset: releasedTwice() }))
      .thenThrows('CorrectionAlreadyFiled');
  });

  it('given a submitted correction, when the same id is filed by another reporter (another mac), it is refused as CorrectionAlreadyFiled', () => {
    spec
      .given(aSubmittedCorrection())
      .when(requestCorrection({ reporter: sealed({ subject: 'someone-else', mac: 'b3RoZXItbWFj' }) }))
      .thenThrows('CorrectionAlreadyFiled');
  });

  it('given a submitted correction, when the same id is filed without its evidence, it is refused as CorrectionAlreadyFiled', () => {
    const { evidence, ...withoutEvidence } = correctionRequest();
    void evidence;
    spec
      .given(aSubmittedCorrection())
      .when({ ...requestCorrection(), data: withoutEvidence })
      .thenThrows('CorrectionAlreadyFiled');
  });
});

describe('starting the verification of a correction', () => {
  it('given no correction, when its verification is started, it is refused as CorrectionNotFound', () => {
    spec.given([]).when(startCorrectionVerification()).thenThrows('CorrectionNotFound');
  });

  it('given a submitted correction, when an officer of the dataset’s organisation starts the verification, it records CorrectionVerificationStarted', () => {
    spec
      .given(aSubmittedCorrection())
      .when(startCorrectionVerification())
      .then([correctionVerificationStarted()]);
  });

  it('given a submitted correction, when a publisher of the dataset’s organisation starts the verification, it records CorrectionVerificationStarted', () => {
    spec
      .given(aSubmittedCorrection())
      .when(startCorrectionVerification({ by: publisherOfOrgA }))
      .then([correctionVerificationStarted()]);
  });

  it('given a submitted correction, when the platform admin who routes corrections starts the verification, it records CorrectionVerificationStarted', () => {
    spec
      .given(aSubmittedCorrection())
      .when(startCorrectionVerification({ by: platformAdmin }))
      .then([correctionVerificationStarted()]);
  });

  it.each(outsiders)(
    'given a submitted correction, when %s starts the verification, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aSubmittedCorrection())
        .when(startCorrectionVerification({ by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );

  it('given a correction under verification, when the verification is started again, it records nothing', () => {
    spec.given(aCorrectionUnderVerification()).when(startCorrectionVerification()).then([]);
  });

  it('given a correction under verification, when the platform admin starts the verification again, it records nothing', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(startCorrectionVerification({ by: platformAdmin }))
      .then([]);
  });

  it('given a correction under verification, when an officer of another organisation starts it again, it is refused as NotYourOrganization', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(startCorrectionVerification({ by: otherOrgOfficer }))
      .thenThrows('NotYourOrganization');
  });

  it.each(['corrected', 'no_error_found'] as const)(
    'given a correction resolved as %s, when its verification is started, it is refused as CorrectionAlreadyResolved',
    (outcome) => {
      spec
        .given(aResolvedCorrection(outcome))
        .when(startCorrectionVerification({ dataset: releasedTwice() }))
        .thenThrows('CorrectionAlreadyResolved');
    },
  );

  it('given a submitted correction whose dataset is not on the open list, when its verification is started, it is refused as DatasetNotFound', () => {
    spec
      .given(aSubmittedCorrection())
      .when(startCorrectionVerification({ dataset: [] }))
      .thenThrows('DatasetNotFound');
  });

  it('given a submitted correction on a dataset withdrawn since, when its verification is started, it records CorrectionVerificationStarted', () => {
    spec
      .given(aSubmittedCorrection())
      .when(startCorrectionVerification({ dataset: aWithdrawnDataset() }))
      .then([correctionVerificationStarted()]);
  });
});

describe('resolving a correction', () => {
  const twice = { dataset: releasedTwice() };

  it('given no correction, when it is resolved, it is refused as CorrectionNotFound', () => {
    spec.given([]).when(resolveCorrection('no_error_found')).thenThrows('CorrectionNotFound');
  });

  it('given a submitted correction, when it is resolved before its verification started, it is refused as CorrectionNotUnderVerification', () => {
    spec
      .given(aSubmittedCorrection())
      .when(resolveCorrection('corrected', 2, twice))
      .thenThrows('CorrectionNotUnderVerification');
  });

  it('given a submitted correction, when it is resolved as no error found before its verification, it is refused as CorrectionNotUnderVerification', () => {
    spec
      .given(aSubmittedCorrection())
      .when(resolveCorrection('no_error_found'))
      .thenThrows('CorrectionNotUnderVerification');
  });

  it('given a correction about version 1 under verification, when it is resolved as corrected by release 2, it records CorrectionResolved naming release 2', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('corrected', 2, twice))
      .then([correctionResolved('corrected', 2)]);
  });

  it('given a correction about version 1 under verification, when it is resolved as corrected by release 3 (2 skipped), it records CorrectionResolved naming release 3', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('corrected', 3, { dataset: [...anOpenDataset(), datasetReleased(3)] }))
      .then([correctionResolved('corrected', 3)]);
  });

  it('given a correction under verification, when it is resolved as no error found, it records CorrectionResolved without a release', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('no_error_found'))
      .then([correctionResolved('no_error_found')]);
  });

  it('given a correction under verification, when a publisher of the dataset’s organisation resolves it, it records CorrectionResolved', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('no_error_found', undefined, { by: publisherOfOrgA }))
      .then([correctionResolved('no_error_found')]);
  });

  it('given a correction under verification, when it is resolved as corrected without a releaseVersion, it is refused as ReleaseVersionRequired', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('corrected', undefined, twice))
      .thenThrows('ReleaseVersionRequired');
  });

  it('given a correction under verification on a dataset at version 1, when it is resolved as corrected by release 2, it is refused as ReleaseNotFound', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('corrected', 2, { dataset: anOpenDataset() }))
      .thenThrows('ReleaseVersionNotReleased');
  });

  it('given a correction about version 1 under verification, when it is resolved as corrected by version 1 itself, it is refused as ReleaseNotNewer', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('corrected', 1, twice))
      .thenThrows('ReleaseNotNewer');
  });

  it('given a correction about version 2 under verification, when it is resolved as corrected by the older release 1, it is refused as ReleaseNotNewer', () => {
    spec
      .given(aCorrectionUnderVerification({ datasetVersion: 2 }))
      .when(resolveCorrection('corrected', 1, twice))
      .thenThrows('ReleaseNotNewer');
  });

  it('given a correction under verification, when it is resolved as no error found with a releaseVersion, it is refused as ReleaseVersionNotExpected', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('no_error_found', 2, twice))
      .thenThrows('ReleaseVersionNotExpected');
  });

  it('given a correction under verification, when the platform admin resolves it, it is refused as NotYourOrganization', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('corrected', 2, { ...twice, by: platformAdmin }))
      .thenThrows('NotYourOrganization');
  });

  it.each(outsiders)(
    'given a correction under verification, when %s resolves it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aCorrectionUnderVerification())
        .when(resolveCorrection('corrected', 2, { ...twice, by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );

  it('given a correction under verification whose dataset is not on the open list, when it is resolved, it is refused as DatasetNotFound', () => {
    spec
      .given(aCorrectionUnderVerification())
      .when(resolveCorrection('no_error_found', undefined, { dataset: [] }))
      .thenThrows('DatasetNotFound');
  });

  it.each(['corrected', 'no_error_found'] as const)(
    'given a correction resolved as %s, when exactly the same resolution is sent again (a retry), it records nothing',
    (outcome) => {
      spec
        .given(aResolvedCorrection(outcome))
        .when(resolveCorrection(outcome, outcome === 'corrected' ? 2 : undefined, twice))
        .then([]);
    },
  );

  it('given a correction resolved as no error found, when it is resolved as corrected, it is refused as CorrectionAlreadyResolved', () => {
    spec
      .given(aResolvedCorrection('no_error_found'))
      .when(resolveCorrection('corrected', 2, twice))
      .thenThrows('CorrectionAlreadyResolved');
  });

  it('given a resolved correction, when an officer of another organisation resolves it, it is refused as NotYourOrganization (authority is checked first)', () => {
    spec
      .given(aResolvedCorrection('corrected'))
      .when(resolveCorrection('corrected', 2, { ...twice, by: otherOrgOfficer }))
      .thenThrows('NotYourOrganization');
  });
});
