import { datasetDecider } from '../dataset/dataset.decide';
import { DatasetError } from '../dataset/dataset.errors';
import type { DatasetEvent } from '../dataset/dataset.state';
import {
  aDatasetSuspendedByObjection,
  aDatasetSuspendedForSecurity,
  aFiledObjection,
  anObjectionUnderVerification,
  anonymous,
  anOpenDataset,
  aRegisteredDataset,
  aResolvedObjection,
  aWithdrawnDataset,
  bodyOfficer,
  datasetReclassified,
  datasetReleased,
  datasetRestored,
  datasetWithdrawn,
  fileObjection,
  maskedRelease,
  OBJECTION_EXPLANATIONS,
  OBJECTION_SUSPENSION_REASON,
  OBJECTION_X,
  OBJECTION_Y,
  objectionFiled,
  objectionResolved,
  objectionVerificationStarted,
  otherOrgOfficer,
  publisherOfOrgA,
  resolveObjection,
  startObjectionVerification,
} from '../testing/measures-builders';
import { workflowSpec } from '../testing/workflow-spec';
import { objectionDecider } from './objection.decide';
import { ObjectionError } from './objection.errors';
import { decideObjectionWithDataset } from './objection.workflow';

/*
 * Every case decides objection X (the default of the builders). The dataset history given to the
 * streams is the one the command carries as context, as the handler that reads both streams does.
 */
const spec = workflowSpec(
  { objection: objectionDecider, dataset: datasetDecider },
  decideObjectionWithDataset,
  [ObjectionError, DatasetError],
);

/** The suspension a body officer's filing asks for, caused by that objection. */
const suspendedBy = (objectionId: string): DatasetEvent => ({
  type: 'DatasetSuspended',
  data: { reason: OBJECTION_SUSPENSION_REASON, cause: 'objection', causeRef: objectionId },
});

const suspendedByX = suspendedBy(OBJECTION_X);

const reopenedByX = (version: number): DatasetEvent => ({
  type: 'DatasetReleased',
  data: { ...maskedRelease(version), objectionId: OBJECTION_X },
});

describe('filing an objection, with or without suspending the dataset', () => {
  it('given an open dataset, when anyone files an objection without suspend, it records ObjectionFiled and nothing on the dataset', () => {
    const dataset = anOpenDataset();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset }))
      .then({ objection: [objectionFiled()], dataset: [] });
  });

  it('given an open dataset, when an officer of its organisation files objection X with suspend, it records ObjectionFiled and DatasetSuspended caused by X', () => {
    const dataset = anOpenDataset();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: bodyOfficer, suspend: true }))
      .then({ objection: [objectionFiled()], dataset: [suspendedByX] });
  });

  it('given an open dataset, when an anonymous objector files with suspend, it is refused as SuspendNotAllowed', () => {
    const dataset = anOpenDataset();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: anonymous, suspend: true }))
      .thenThrows(ObjectionError, 'SuspendNotAllowed');
  });

  it('given an open dataset, when an officer of another organisation files with suspend, it is refused as SuspendNotAllowed', () => {
    const dataset = anOpenDataset();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: otherOrgOfficer, suspend: true }))
      .thenThrows(ObjectionError, 'SuspendNotAllowed');
  });

  it('regression: given an open dataset, when a publisher of its organisation files with suspend, it is refused as SuspendNotAllowed (only a body officer suspends)', () => {
    const dataset = anOpenDataset();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: publisherOfOrgA, suspend: true }))
      .thenThrows(ObjectionError, 'SuspendNotAllowed');
  });

  it('given a dataset suspended for security, when an officer files with suspend, it records ObjectionFiled only: the data is closed already', () => {
    const dataset = aDatasetSuspendedForSecurity();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: bodyOfficer, suspend: true }))
      .then({ objection: [objectionFiled()], dataset: [] });
  });

  it('given a dataset suspended by objection Y, when an officer files objection X with suspend, it records ObjectionFiled only', () => {
    const dataset = aDatasetSuspendedByObjection(OBJECTION_Y);
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: bodyOfficer, suspend: true }))
      .then({ objection: [objectionFiled()], dataset: [] });
  });

  it('given a dataset suspended by objection Y, when objection X is filed without suspend, it records ObjectionFiled only', () => {
    const dataset = aDatasetSuspendedByObjection(OBJECTION_Y);
    spec
      .given({ dataset })
      .when(fileObjection({ dataset }))
      .then({ objection: [objectionFiled()], dataset: [] });
  });

  it('given objection X filed with suspend, when the same filing with suspend is retried, it records nothing in either stream', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: aFiledObjection(), dataset })
      .when(fileObjection({ dataset, by: bodyOfficer, suspend: true }))
      .then({ objection: [], dataset: [] });
  });

  it('given no dataset, when an objection is filed, it is refused as DatasetNotFound by the objection', () => {
    spec
      .given({})
      .when(fileObjection({ dataset: [] }))
      .thenThrows(ObjectionError, 'DatasetNotFound');
  });

  it('given a dataset never released, when an officer files with suspend, it is refused as DatasetNotReleased by the objection', () => {
    const dataset = aRegisteredDataset();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: bodyOfficer, suspend: true }))
      .thenThrows(ObjectionError, 'DatasetNotReleased');
  });

  it('given a withdrawn dataset, when an officer files with suspend, it is refused as DatasetWithdrawn by the objection', () => {
    const dataset = aWithdrawnDataset();
    spec
      .given({ dataset })
      .when(fileObjection({ dataset, by: bodyOfficer, suspend: true }))
      .thenThrows(ObjectionError, 'DatasetWithdrawn');
  });
});

describe('starting the verification of an objection', () => {
  it('given a filed objection, when its verification starts, it records ObjectionVerificationStarted and nothing on the dataset', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: aFiledObjection(), dataset })
      .when(startObjectionVerification({ dataset }))
      .then({ objection: [objectionVerificationStarted()], dataset: [] });
  });

  it('given an objection under verification, when its verification starts again, it records nothing in either stream', () => {
    const dataset = anOpenDataset();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(startObjectionVerification({ dataset }))
      .then({ objection: [], dataset: [] });
  });
});

describe('resolving an objection as withdrawn', () => {
  it('given a dataset suspended by objection X, when X is resolved as withdrawn, it records ObjectionResolved and DatasetWithdrawn naming X', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('withdrawn', { dataset }))
      .then({
        objection: [objectionResolved('withdrawn')],
        dataset: [datasetWithdrawn(OBJECTION_EXPLANATIONS.withdrawn, OBJECTION_X)],
      });
  });

  it('given an open dataset (X filed without suspend), when X is resolved as withdrawn, it withdraws the dataset', () => {
    const dataset = anOpenDataset();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('withdrawn', { dataset }))
      .then({
        objection: [objectionResolved('withdrawn')],
        dataset: [datasetWithdrawn(OBJECTION_EXPLANATIONS.withdrawn, OBJECTION_X)],
      });
  });

  it('given a dataset suspended for security, when X is resolved as withdrawn, it withdraws the dataset', () => {
    const dataset = aDatasetSuspendedForSecurity();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('withdrawn', { dataset }))
      .then({
        objection: [objectionResolved('withdrawn')],
        dataset: [datasetWithdrawn(OBJECTION_EXPLANATIONS.withdrawn, OBJECTION_X)],
      });
  });

  it('given a dataset already withdrawn, when X is resolved as withdrawn, it records only ObjectionResolved', () => {
    const dataset = [...anOpenDataset(), suspendedByX, datasetWithdrawn()];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('withdrawn', { dataset }))
      .then({ objection: [objectionResolved('withdrawn')], dataset: [] });
  });

  it('given an objection under verification, when it is resolved as withdrawn with a release, it is refused as ReleaseNotExpected', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('withdrawn', { dataset, release: maskedRelease(2) }))
      .thenThrows(ObjectionError, 'ReleaseNotExpected');
  });
});

describe('resolving an objection as restored', () => {
  it('given a dataset suspended by objection X, when X is resolved as restored, it records ObjectionResolved and DatasetRestored naming X', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset }))
      .then({
        objection: [objectionResolved('restored')],
        dataset: [datasetRestored(OBJECTION_EXPLANATIONS.restored, OBJECTION_X)],
      });
  });

  it('given an open dataset, when X is resolved as restored, it records only ObjectionResolved', () => {
    const dataset = anOpenDataset();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset }))
      .then({ objection: [objectionResolved('restored')], dataset: [] });
  });

  it('given a dataset suspended for security, when X is resolved as restored, it records only ObjectionResolved (the suspension stands on its own cause)', () => {
    const dataset = aDatasetSuspendedForSecurity();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset }))
      .then({ objection: [objectionResolved('restored')], dataset: [] });
  });

  it('given a dataset suspended by objection Y, when X is resolved as restored, it records only ObjectionResolved (Y’s suspension stands)', () => {
    const dataset = aDatasetSuspendedByObjection(OBJECTION_Y);
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset }))
      .then({ objection: [objectionResolved('restored')], dataset: [] });
  });

  it('given a withdrawn dataset, when X is resolved as restored, it records only ObjectionResolved', () => {
    const dataset = aWithdrawnDataset();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset }))
      .then({ objection: [objectionResolved('restored')], dataset: [] });
  });

  it('given a dataset suspended by X and reclassified non-open since, when X is resolved as restored, it is refused as DatasetNonOpen by the dataset', () => {
    const dataset = [
      ...anOpenDataset(),
      suspendedByX,
      datasetReclassified({ from: 'unconditional', to: 'non_open', reason: 'home addresses' }),
    ];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset }))
      .thenThrows(DatasetError, 'DatasetNonOpen');
  });

  it('given an objection under verification, when it is resolved as restored with a release, it is refused as ReleaseNotExpected', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset, release: maskedRelease(2) }))
      .thenThrows(ObjectionError, 'ReleaseNotExpected');
  });
});

describe('resolving an objection as reopened after processing', () => {
  it('given a dataset suspended by objection X, when X is resolved as reopened with release 2, it records ObjectionResolved and DatasetReleased naming X, although the dataset is suspended', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(2) }))
      .then({
        objection: [objectionResolved('reopened_after_processing', 2)],
        dataset: [reopenedByX(2)],
      });
  });

  it('given a dataset suspended by objection X at version 1, when X is reopened with release 4, it records the release (versions may skip)', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(4) }))
      .then({
        objection: [objectionResolved('reopened_after_processing', 4)],
        dataset: [reopenedByX(4)],
      });
  });

  it('given an open dataset (X filed without suspend), when X is resolved as reopened with release 2, it records the masked release', () => {
    const dataset = anOpenDataset();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(2) }))
      .then({
        objection: [objectionResolved('reopened_after_processing', 2)],
        dataset: [reopenedByX(2)],
      });
  });

  it('given a dataset suspended by objection X at version 1, when X is reopened with release 1 again, it is refused as ReleaseVersionNotIncreasing', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(1) }))
      .thenThrows(DatasetError, 'ReleaseVersionNotIncreasing');
  });

  it('given a dataset at version 3 suspended by objection X, when X is reopened with release 2, it is refused as ReleaseVersionNotIncreasing', () => {
    const dataset = [...anOpenDataset(), datasetReleased(3), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(2) }))
      .thenThrows(DatasetError, 'ReleaseVersionNotIncreasing');
  });

  it('given a dataset suspended by objection Y, when X is resolved as reopened, it is refused as DatasetSuspended', () => {
    const dataset = aDatasetSuspendedByObjection(OBJECTION_Y);
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(2) }))
      .thenThrows(DatasetError, 'DatasetSuspended');
  });

  it('given a dataset suspended for security, when X is resolved as reopened, it is refused as DatasetSuspended', () => {
    const dataset = aDatasetSuspendedForSecurity();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(2) }))
      .thenThrows(DatasetError, 'DatasetSuspended');
  });

  it('given a withdrawn dataset, when X is resolved as reopened, it is refused as DatasetWithdrawn by the dataset', () => {
    const dataset = aWithdrawnDataset();
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(2) }))
      .thenThrows(DatasetError, 'DatasetWithdrawn');
  });

  it('given a dataset suspended by X and reclassified non-open since, when X is resolved as reopened, it is refused as DatasetNonOpen', () => {
    const dataset = [
      ...anOpenDataset(),
      suspendedByX,
      datasetReclassified({ from: 'unconditional', to: 'non_open', reason: 'home addresses' }),
    ];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset, release: maskedRelease(2) }))
      .thenThrows(DatasetError, 'DatasetNonOpen');
  });

  it('given an objection under verification, when it is resolved as reopened without a release, it is refused as ReleaseRequired', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('reopened_after_processing', { dataset }))
      .thenThrows(ObjectionError, 'ReleaseRequired');
  });
});

describe('who resolves, and when', () => {
  it('given a filed objection X that suspended the dataset, when X is resolved before its verification, it is refused as ObjectionNotUnderVerification', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: aFiledObjection(), dataset })
      .when(resolveObjection('restored', { dataset }))
      .thenThrows(ObjectionError, 'ObjectionNotUnderVerification');
  });

  it('given a dataset suspended by objection X, when an officer of another organisation resolves X as restored, it is refused as NotYourOrganization by the objection', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset, by: otherOrgOfficer }))
      .thenThrows(ObjectionError, 'NotYourOrganization');
  });

  it('given a dataset suspended by objection X, when a publisher of its organisation resolves X as restored, it records both events', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ objection: anObjectionUnderVerification(), dataset })
      .when(resolveObjection('restored', { dataset, by: publisherOfOrgA }))
      .then({
        objection: [objectionResolved('restored')],
        dataset: [datasetRestored(OBJECTION_EXPLANATIONS.restored, OBJECTION_X)],
      });
  });

  it('given no objection X, when X is resolved, it is refused as ObjectionNotFound', () => {
    const dataset = [...anOpenDataset(), suspendedByX];
    spec
      .given({ dataset })
      .when(resolveObjection('restored', { dataset }))
      .thenThrows(ObjectionError, 'ObjectionNotFound');
  });
});

describe('a resolved objection is final', () => {
  it('given X resolved as reopened (the dataset open at version 2), when X is resolved as withdrawn, it is refused as ObjectionAlreadyResolved and the dataset stays open', () => {
    const dataset = [...anOpenDataset(), suspendedByX, reopenedByX(2)];
    spec
      .given({ objection: aResolvedObjection('reopened_after_processing'), dataset })
      .when(resolveObjection('withdrawn', { dataset }))
      .thenThrows(ObjectionError, 'ObjectionAlreadyResolved');
  });

  it('given X resolved as restored, when its verification is started again, it is refused as ObjectionAlreadyResolved', () => {
    const dataset = [
      ...anOpenDataset(),
      suspendedByX,
      datasetRestored(OBJECTION_EXPLANATIONS.restored, OBJECTION_X),
    ];
    spec
      .given({ objection: aResolvedObjection('restored'), dataset })
      .when(startObjectionVerification({ dataset }))
      .thenThrows(ObjectionError, 'ObjectionAlreadyResolved');
  });

  it('given X resolved as withdrawn, when X is resolved as restored, it is refused as ObjectionAlreadyResolved', () => {
    const dataset = [
      ...anOpenDataset(),
      suspendedByX,
      datasetWithdrawn(OBJECTION_EXPLANATIONS.withdrawn, OBJECTION_X),
    ];
    spec
      .given({ objection: aResolvedObjection('withdrawn'), dataset })
      .when(resolveObjection('restored', { dataset }))
      .thenThrows(ObjectionError, 'ObjectionAlreadyResolved');
  });

  it('given X resolved as withdrawn, when the filing of X is retried with suspend, it records nothing in either stream', () => {
    const dataset = [
      ...anOpenDataset(),
      suspendedByX,
      datasetWithdrawn(OBJECTION_EXPLANATIONS.withdrawn, OBJECTION_X),
    ];
    spec
      .given({ objection: aResolvedObjection('withdrawn'), dataset })
      .when(fileObjection({ dataset, by: bodyOfficer, suspend: true }))
      .then({ objection: [], dataset: [] });
  });
});

describe('after an objection, the dataset answers the next one', () => {
  it('given a dataset reopened by X’s release 2, when objection Y is filed with suspend, it records ObjectionFiled and DatasetSuspended caused by Y', () => {
    const dataset = [...anOpenDataset(), suspendedByX, reopenedByX(2)];
    spec
      .given({ dataset })
      .when(fileObjection({ objectionId: OBJECTION_Y, dataset, by: bodyOfficer, suspend: true }))
      .then({ objection: [objectionFiled()], dataset: [suspendedBy(OBJECTION_Y)] });
  });

  it('given a dataset restored by X’s resolution, when objection Y is filed with suspend, it records ObjectionFiled and DatasetSuspended caused by Y', () => {
    const dataset = [
      ...anOpenDataset(),
      suspendedByX,
      datasetRestored(OBJECTION_EXPLANATIONS.restored, OBJECTION_X),
    ];
    spec
      .given({ dataset })
      .when(fileObjection({ objectionId: OBJECTION_Y, dataset, by: bodyOfficer, suspend: true }))
      .then({ objection: [objectionFiled()], dataset: [suspendedBy(OBJECTION_Y)] });
  });

  it('given a dataset withdrawn by X’s resolution, when objection Y is filed, it is refused as DatasetWithdrawn', () => {
    const dataset = [
      ...anOpenDataset(),
      suspendedByX,
      datasetWithdrawn(OBJECTION_EXPLANATIONS.withdrawn, OBJECTION_X),
    ];
    spec
      .given({ dataset })
      .when(fileObjection({ objectionId: OBJECTION_Y, dataset }))
      .thenThrows(ObjectionError, 'DatasetWithdrawn');
  });
});
