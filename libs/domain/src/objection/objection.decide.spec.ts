import type { Actor, ObjectionOutcome } from '@ledger/events';
import { deciderSpec } from '../testing/decider-spec';
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
  datasetWithdrawn,
  fileObjection,
  maskedRelease,
  OBJECTION_X,
  objectionFiled,
  objectionFiling,
  objectionResolved,
  objectionVerificationStarted,
  otherOrgOfficer,
  platformAdmin,
  publisherOfOrgA,
  publisherOfOrgB,
  resealed,
  resolveObjection,
  sealed,
  startObjectionVerification,
} from '../testing/measures-builders';
import { objectionDecider } from './objection.decide';
import { ObjectionError } from './objection.errors';

/*
 * The objection's own facts. What filing and resolving do to the dataset is decided in the same
 * append by objection.workflow.ts (see objection.workflow.spec.ts).
 */
const spec = deciderSpec(objectionDecider, ObjectionError);

const OUTCOMES: ObjectionOutcome[] = ['withdrawn', 'reopened_after_processing', 'restored'];

const outsiders: [string, Actor][] = [
  ['an officer of another organisation', otherOrgOfficer],
  ['a publisher of another organisation', publisherOfOrgB],
  ['an anonymous member of the public', anonymous],
  ['a platform admin', platformAdmin],
];

describe('filing an objection', () => {
  it('given no objection and an open dataset, when anyone files one, it records ObjectionFiled', () => {
    spec.given([]).when(fileObjection()).then([objectionFiled()]);
  });

  it('given no objection, when one is filed on the ground of a trade secret without evidence, it records ObjectionFiled as filed', () => {
    const { evidence, ...withoutEvidence } = objectionFiling({ ground: 'trade_secret' });
    void evidence;
    spec
      .given([])
      .when({ ...fileObjection(), data: withoutEvidence })
      .then([{ type: 'ObjectionFiled', data: withoutEvidence }]);
  });

  it('given no objection, when an officer of another organisation files one without asking to suspend, it records ObjectionFiled', () => {
    spec
      .given([])
      .when(fileObjection({ by: otherOrgOfficer }))
      .then([objectionFiled()]);
  });

  it('given no objection, when an officer of the dataset’s organisation files one asking to suspend, it records ObjectionFiled', () => {
    spec
      .given([])
      .when(fileObjection({ by: bodyOfficer, suspend: true }))
      .then([objectionFiled()]);
  });

  it.each([
    ...outsiders,
    ['a publisher of the dataset’s own organisation', publisherOfOrgA] as [string, Actor],
  ])(
    'given no objection, when %s files one asking to suspend, it is refused as SuspendNotAllowed',
    (_, actor) => {
      spec
        .given([])
        .when(fileObjection({ by: actor, suspend: true }))
        .thenThrows('SuspendNotAllowed');
    },
  );

  it('given no objection and a dataset suspended for security, when one is filed without asking to suspend, it records ObjectionFiled', () => {
    spec
      .given([])
      .when(fileObjection({ dataset: aDatasetSuspendedForSecurity() }))
      .then([objectionFiled()]);
  });

  it('given no objection and a dataset suspended by another objection, when one is filed, it records ObjectionFiled', () => {
    spec
      .given([])
      .when(fileObjection({ objectionId: 'objection-z', dataset: aDatasetSuspendedByObjection(OBJECTION_X) }))
      .then([objectionFiled()]);
  });

  it('given no objection, when the dataset is not on the open list, it is refused as DatasetNotFound', () => {
    spec
      .given([])
      .when(fileObjection({ dataset: [] }))
      .thenThrows('DatasetNotFound');
  });

  it('given no objection, when the dataset was registered but never released, it is refused as DatasetNotReleased', () => {
    spec
      .given([])
      .when(fileObjection({ dataset: aRegisteredDataset() }))
      .thenThrows('DatasetNotReleased');
  });

  it('given no objection, when the dataset was withdrawn, it is refused as DatasetWithdrawn', () => {
    spec
      .given([])
      .when(fileObjection({ dataset: aWithdrawnDataset() }))
      .thenThrows('DatasetWithdrawn');
  });

  it('given no objection, when the dataset was withdrawn before any release, it is refused as DatasetNotReleased', () => {
    spec
      .given([])
      .when(fileObjection({ dataset: [...aRegisteredDataset(), datasetWithdrawn()] }))
      .thenThrows('DatasetNotReleased');
  });

  it('given a filed objection, when the same filing is retried with a new ciphertext but the same mac, it records nothing', () => {
    const first = objectionFiling();
    spec
      .given(aFiledObjection())
      .when(
        fileObjection({
          data: { objector: resealed(first.objector), evidence: resealed(first.evidence ?? sealed()) },
        }),
      )
      .then([]);
  });

  it('given a filed objection, when the same filing is retried with its suspension, it records nothing', () => {
    spec
      .given(aFiledObjection())
      .when(
        fileObjection({ by: bodyOfficer, suspend: true, dataset: aDatasetSuspendedByObjection(OBJECTION_X) }),
      )
      .then([]);
  });

  it.each(OUTCOMES)(
    'given an objection resolved as %s, when its filing is retried, it records nothing',
    (outcome) => {
      spec.given(aResolvedObjection(outcome)).when(fileObjection()).then([]);
    },
  );

  it('given a filed objection, when the same id is filed on another ground, it is refused as ObjectionAlreadyFiled', () => {
    spec
      .given(aFiledObjection())
      .when(fileObjection({ data: { ground: 'trade_secret' } }))
      .thenThrows('ObjectionAlreadyFiled');
  });

  it('given a filed objection, when the same id is filed by another objector (another mac), it is refused as ObjectionAlreadyFiled', () => {
    spec
      .given(aFiledObjection())
      .when(
        fileObjection({ data: { objector: sealed({ subject: 'someone-else', mac: 'c29tZW9uZS1lbHNl' }) } }),
      )
      .thenThrows('ObjectionAlreadyFiled');
  });
});

describe('starting the verification of an objection', () => {
  it('given no objection, when its verification is started, it is refused as ObjectionNotFound', () => {
    spec.given([]).when(startObjectionVerification()).thenThrows('ObjectionNotFound');
  });

  it('given a filed objection, when an officer of the dataset’s organisation starts the verification, it records ObjectionVerificationStarted', () => {
    spec.given(aFiledObjection()).when(startObjectionVerification()).then([objectionVerificationStarted()]);
  });

  it('given a filed objection on a suspended dataset, when the verification is started, it records ObjectionVerificationStarted', () => {
    spec
      .given(aFiledObjection())
      .when(startObjectionVerification({ dataset: aDatasetSuspendedByObjection(OBJECTION_X) }))
      .then([objectionVerificationStarted()]);
  });

  it('given a filed objection, when a publisher of the dataset’s organisation starts the verification, it records ObjectionVerificationStarted', () => {
    spec
      .given(aFiledObjection())
      .when(startObjectionVerification({ by: publisherOfOrgA }))
      .then([objectionVerificationStarted()]);
  });

  it.each(outsiders)(
    'given a filed objection, when %s starts the verification, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aFiledObjection())
        .when(startObjectionVerification({ by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );

  it('given an objection under verification, when the verification is started again, it records nothing', () => {
    spec.given(anObjectionUnderVerification()).when(startObjectionVerification()).then([]);
  });

  it.each(OUTCOMES)(
    'given an objection resolved as %s, when its verification is started, it is refused as ObjectionAlreadyResolved',
    (outcome) => {
      spec
        .given(aResolvedObjection(outcome))
        .when(startObjectionVerification())
        .thenThrows('ObjectionAlreadyResolved');
    },
  );

  it('given a filed objection whose dataset is not on the open list, when its verification is started, it is refused as DatasetNotFound', () => {
    spec
      .given(aFiledObjection())
      .when(startObjectionVerification({ dataset: [] }))
      .thenThrows('DatasetNotFound');
  });
});

describe('resolving an objection', () => {
  it('given no objection, when it is resolved, it is refused as ObjectionNotFound', () => {
    spec.given([]).when(resolveObjection('restored')).thenThrows('ObjectionNotFound');
  });

  it.each(OUTCOMES)(
    'given a filed objection, when it is resolved as %s before its verification started, it is refused as ObjectionNotUnderVerification',
    (outcome) => {
      spec
        .given(aFiledObjection())
        .when(
          resolveObjection(
            outcome,
            outcome === 'reopened_after_processing' ? { release: maskedRelease(2) } : {},
          ),
        )
        .thenThrows('ObjectionNotUnderVerification');
    },
  );

  it('given an objection under verification, when it is resolved as withdrawn, it records ObjectionResolved', () => {
    spec
      .given(anObjectionUnderVerification())
      .when(resolveObjection('withdrawn'))
      .then([objectionResolved('withdrawn')]);
  });

  it('given an objection under verification, when it is resolved as restored, it records ObjectionResolved', () => {
    spec
      .given(anObjectionUnderVerification())
      .when(resolveObjection('restored'))
      .then([objectionResolved('restored')]);
  });

  it('given an objection under verification, when it is resolved as reopened after processing with a release, it records ObjectionResolved naming the release version', () => {
    spec
      .given(anObjectionUnderVerification())
      .when(resolveObjection('reopened_after_processing', { release: maskedRelease(2) }))
      .then([objectionResolved('reopened_after_processing', 2)]);
  });

  it('given an objection under verification, when a publisher of the dataset’s organisation resolves it, it records ObjectionResolved', () => {
    spec
      .given(anObjectionUnderVerification())
      .when(resolveObjection('restored', { by: publisherOfOrgA }))
      .then([objectionResolved('restored')]);
  });

  it('given an objection under verification, when it is resolved as reopened after processing without a release, it is refused as ReleaseRequired', () => {
    spec
      .given(anObjectionUnderVerification())
      .when(resolveObjection('reopened_after_processing'))
      .thenThrows('ReleaseRequired');
  });

  it.each(['withdrawn', 'restored'] as const)(
    'given an objection under verification, when it is resolved as %s with a release, it is refused as ReleaseNotExpected',
    (outcome) => {
      spec
        .given(anObjectionUnderVerification())
        .when(resolveObjection(outcome, { release: maskedRelease(2) }))
        .thenThrows('ReleaseNotExpected');
    },
  );

  it.each(outsiders)(
    'given an objection under verification, when %s resolves it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(anObjectionUnderVerification())
        .when(resolveObjection('restored', { by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );

  it('given an objection under verification whose dataset is not on the open list, when it is resolved, it is refused as DatasetNotFound', () => {
    spec
      .given(anObjectionUnderVerification())
      .when(resolveObjection('restored', { dataset: [] }))
      .thenThrows('DatasetNotFound');
  });

  describe.each(OUTCOMES)('an objection resolved as %s is final', (resolvedAs) => {
    it.each(OUTCOMES.filter((outcome) => outcome !== resolvedAs))(
      `given an objection resolved as ${resolvedAs}, when it is resolved as %s, it is refused as ObjectionAlreadyResolved`,
      (outcome) => {
        spec
          .given(aResolvedObjection(resolvedAs))
          .when(
            resolveObjection(
              outcome,
              outcome === 'reopened_after_processing' ? { release: maskedRelease(3) } : {},
            ),
          )
          .thenThrows('ObjectionAlreadyResolved');
      },
    );

    it(`given an objection resolved as ${resolvedAs}, when exactly the same resolution is sent again (a retry), it records nothing`, () => {
      spec
        .given(aResolvedObjection(resolvedAs))
        .when(
          resolveObjection(
            resolvedAs,
            resolvedAs === 'reopened_after_processing' ? { release: maskedRelease(2) } : {},
          ),
        )
        .then([]);
    });

    it(`given an objection resolved as ${resolvedAs}, when it is resolved the same way with another explanation, it is refused as ObjectionAlreadyResolved`, () => {
      spec
        .given(aResolvedObjection(resolvedAs))
        .when(
          resolveObjection(resolvedAs, {
            explanation: 'a different explanation',
            ...(resolvedAs === 'reopened_after_processing' && { release: maskedRelease(2) }),
          }),
        )
        .thenThrows('ObjectionAlreadyResolved');
    });
  });
});

describe('folding an objection', () => {
  it('given verification and resolution events without a filing, when the objection is filed, it records ObjectionFiled (stray events are ignored)', () => {
    spec
      .given([objectionVerificationStarted(), objectionResolved('withdrawn')])
      .when(fileObjection({ dataset: anOpenDataset() }))
      .then([objectionFiled()]);
  });
});
