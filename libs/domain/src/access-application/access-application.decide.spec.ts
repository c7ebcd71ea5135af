import type { Actor } from '@ledger/events';
import {
  agreementSigned,
  aConditionalOpenDataset,
  anApplicationAwaitingSupplement,
  anApprovedApplication,
  ANSWERS,
  applicationApproved,
  applicationRejected,
  applicationSubmitted,
  applicationSupplemented,
  applicationSupplementRequested,
  applicationWithdrawn,
  approveApplication,
  aRejectedApplication,
  aSignedApplication,
  aSubmittedApplication,
  aSupplementedApplication,
  aWithdrawnApplication,
  complianceOfficer,
  dataUser,
  OTHER_GRANT_ID,
  otherDataUser,
  rejectApplication,
  requestApplicationSupplement,
  signAgreement,
  submission,
  submitApplication,
  supervisor,
  supplementApplication,
  withdrawApplication,
} from '../testing/access-builders';
import { deciderSpec } from '../testing/decider-spec';
import {
  anOpenDataset,
  aRegisteredDataset,
  bodyOfficer,
  datasetReclassified,
  datasetSuspended,
  datasetWithdrawn,
  NOW,
  otherOrgOfficer,
  platformAdmin,
  publisherOfOrgA,
  resealed,
  sealed,
} from '../testing/measures-builders';
import { applicationDecider } from './access-application.decide';
import { ApplicationError } from './access-application.errors';

const spec = deciderSpec(applicationDecider, ApplicationError);

const refusalOf = (decide: () => unknown): unknown => {
  try {
    decide();
  } catch (error) {
    return error;
  }
  throw new Error('the command was accepted');
};

const aSuspendedConditionalDataset = () => [
  ...aConditionalOpenDataset(),
  datasetSuspended('security', 'INC-9'),
];
const aWithdrawnConditionalDataset = () => [...aConditionalOpenDataset(), datasetWithdrawn()];
const aConditionalDatasetNeverReleased = () => aRegisteredDataset({ classification: 'conditional' });
const reclassifiedTo = (to: 'unconditional' | 'non_open') => [
  ...aConditionalOpenDataset(),
  datasetReclassified({ from: 'conditional', to, reason: 'the source changed', consentRef: 'CONSENT-1' }),
];

const notReviewers: [string, Actor][] = [
  ['an officer of another organisation', otherOrgOfficer],
  ['a publisher of the dataset’s organisation', publisherOfOrgA],
  ['a supervisor', supervisor],
  ['the platform admin', platformAdmin],
  ['the applicant', dataUser],
];

const notOwners: [string, Actor][] = [
  ['another data user', otherDataUser],
  ['an officer of the dataset’s organisation', bodyOfficer],
  ['a supervisor', supervisor],
];

describe('submitting an application', () => {
  it('given no application and a conditional open dataset, when a data user applies in their own name, it records ApplicationSubmitted', () => {
    spec.given([]).when(submitApplication()).then([applicationSubmitted()]);
  });

  it('given no application, when the applicant gives no personal details, it records ApplicationSubmitted without them', () => {
    const { applicant, ...anonymousApplicant } = submission();
    void applicant;
    spec
      .given([])
      .when({ ...submitApplication(), data: anonymousApplicant })
      .then([{ type: 'ApplicationSubmitted', data: anonymousApplicant }]);
  });

  it('given no application, when the requested period started in the past but ends in the future, it records ApplicationSubmitted', () => {
    const requestedPeriod = { from: '2026-01-01T00:00:00.000Z', until: '2026-12-31T00:00:00.000Z' };
    spec
      .given([])
      .when(submitApplication({ requestedPeriod }))
      .then([applicationSubmitted({ requestedPeriod })]);
  });

  it.each<[string, Actor]>([
    ['an officer of the dataset’s organisation', bodyOfficer],
    ['a supervisor', supervisor],
    ['a compliance officer', complianceOfficer],
    ['the platform admin', platformAdmin],
    ['an anonymous member of the public', { id: 'anonymous', role: 'public' }],
  ])('given no application, when %s applies, it is refused as OnlyDataUsersApply', (_, actor) => {
    spec
      .given([])
      .when(submitApplication({ applicantPrincipal: actor.id }, { by: actor }))
      .thenThrows('OnlyDataUsersApply');
  });

  it('given no application, when a data user applies in another principal’s name, it is refused as NotYourApplication', () => {
    spec
      .given([])
      .when(submitApplication({ applicantPrincipal: otherDataUser.id }))
      .thenThrows('NotYourApplication');
  });

  it('given no application, when the dataset is not on the open list, it is refused as DatasetNotFound', () => {
    spec
      .given([])
      .when(submitApplication({}, { dataset: [] }))
      .thenThrows('DatasetNotFound');
  });

  it('given no application, when the dataset is open without conditions, it is refused as DatasetNotConditional', () => {
    spec
      .given([])
      .when(
        submitApplication(
          {},
          { dataset: anOpenDataset({ fields: ['stop_id', 'hour', 'boardings', 'alightings'] }) },
        ),
      )
      .thenThrows('DatasetNotConditional');
  });

  it('given no application, when the dataset is non-open, it is refused as DatasetNotConditional', () => {
    spec
      .given([])
      .when(submitApplication({}, { dataset: reclassifiedTo('non_open') }))
      .thenThrows('DatasetNotConditional');
  });

  it.each([
    ['registered but never released', aConditionalDatasetNeverReleased],
    ['suspended', aSuspendedConditionalDataset],
    ['withdrawn', aWithdrawnConditionalDataset],
  ])(
    'given no application, when the conditional dataset is %s, it is refused as DatasetNotOpen',
    (_, dataset) => {
      spec
        .given([])
        .when(submitApplication({}, { dataset: dataset() }))
        .thenThrows('DatasetNotOpen');
    },
  );

  it('given no application, when a requested field is not in the dataset, it is refused as UnknownDatasetFields', () => {
    spec
      .given([])
      .when(submitApplication({ requestedFields: ['stop_id', 'card_number'] }))
      .thenThrows('UnknownDatasetFields');
  });

  it('given no application, when requested fields are not in the dataset, the refusal names them', () => {
    const command = submitApplication({ requestedFields: ['stop_id', 'card_number', 'rider_name'] });
    const refusal = refusalOf(() => applicationDecider.decide(command, applicationDecider.initialState));
    expect(refusal).toBeInstanceOf(ApplicationError);
    expect(refusal).toMatchObject({
      code: 'UnknownDatasetFields',
      details: { unknownFields: ['card_number', 'rider_name'] },
    });
  });

  it.each([
    ['ends before it starts', { from: '2027-06-01T00:00:00.000Z', until: '2027-01-01T00:00:00.000Z' }],
    ['ends when it starts', { from: '2027-01-01T00:00:00.000Z', until: '2027-01-01T00:00:00.000Z' }],
    ['ended already', { from: '2026-01-01T00:00:00.000Z', until: '2026-06-01T00:00:00.000Z' }],
    ['ends right now', { from: '2026-01-01T00:00:00.000Z', until: NOW.toISOString() }],
    ['is not a time', { from: 'soon', until: '2027-01-01T00:00:00.000Z' }],
  ])(
    'given no application, when the requested period %s, it is refused as InvalidPeriod',
    (_, requestedPeriod) => {
      spec.given([]).when(submitApplication({ requestedPeriod })).thenThrows('InvalidPeriod');
    },
  );

  it('given a submitted application, when the same submission is retried with the applicant sealed again (same mac), it records nothing', () => {
    const first = submission();
    spec
      .given(aSubmittedApplication())
      .when(submitApplication({ applicant: resealed(first.applicant ?? sealed()) }))
      .then([]);
  });

  it('given an approved application, when its submission is retried, it records nothing', () => {
    spec.given(anApprovedApplication()).when(submitApplication()).then([]);
  });

  it('given a submitted application on a dataset suspended since, when its submission is retried, it records nothing', () => {
    spec
      .given(aSubmittedApplication())
      .when(submitApplication({}, { dataset: aSuspendedConditionalDataset() }))
      .then([]);
  });

  it('given a submitted application, when the same id is submitted with another purpose, it is refused as ApplicationAlreadySubmitted', () => {
    spec
      .given(aSubmittedApplication())
      .when(submitApplication({ purpose: 'resell ridership figures' }))
      .thenThrows('ApplicationAlreadySubmitted');
  });

  it('given a submitted application, when the same id is submitted with other applicant details (another mac), it is refused as ApplicationAlreadySubmitted', () => {
    spec
      .given(aSubmittedApplication())
      .when(submitApplication({ applicant: sealed({ subject: 'applicant-subject', mac: 'b3RoZXItbWFj' }) }))
      .thenThrows('ApplicationAlreadySubmitted');
  });

  it('given a submitted application, when another data user submits under the same id, it is refused as ApplicationAlreadySubmitted', () => {
    spec
      .given(aSubmittedApplication())
      .when(submitApplication({ applicantPrincipal: otherDataUser.id }, { by: otherDataUser }))
      .thenThrows('ApplicationAlreadySubmitted');
  });
});

describe('requesting a supplement', () => {
  it('given no application, when a supplement is requested, it is refused as ApplicationNotFound', () => {
    spec.given([]).when(requestApplicationSupplement()).thenThrows('ApplicationNotFound');
  });

  it('given a submitted application, when an officer of the dataset’s organisation asks questions, it records ApplicationSupplementRequested', () => {
    spec
      .given(aSubmittedApplication())
      .when(requestApplicationSupplement())
      .then([applicationSupplementRequested()]);
  });

  it('given a supplemented application, when the officer asks further questions, it records ApplicationSupplementRequested', () => {
    spec
      .given(aSupplementedApplication())
      .when(requestApplicationSupplement('Where is the data room?'))
      .then([applicationSupplementRequested('Where is the data room?')]);
  });

  it('given an application awaiting a supplement, when the same questions are asked again, it records nothing', () => {
    spec.given(anApplicationAwaitingSupplement()).when(requestApplicationSupplement()).then([]);
  });

  it('given an application awaiting a supplement, when other questions are asked before the answers, it is refused as ApplicationNotUnderReview', () => {
    spec
      .given(anApplicationAwaitingSupplement())
      .when(requestApplicationSupplement('Where is the data room?'))
      .thenThrows('ApplicationNotUnderReview');
  });

  it.each([
    ['approved', anApprovedApplication],
    ['signed', () => aSignedApplication()],
    ['rejected', aRejectedApplication],
    ['withdrawn', aWithdrawnApplication],
  ])(
    'given an application %s, when a supplement is requested, it is refused as ApplicationNotUnderReview',
    (_, history) => {
      spec.given(history()).when(requestApplicationSupplement()).thenThrows('ApplicationNotUnderReview');
    },
  );

  it.each(notReviewers)(
    'given a submitted application, when %s asks questions, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aSubmittedApplication())
        .when(requestApplicationSupplement(undefined, { by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );

  it('given a submitted application whose dataset is not on the open list, when a supplement is requested, it is refused as DatasetNotFound', () => {
    spec
      .given(aSubmittedApplication())
      .when(requestApplicationSupplement(undefined, { dataset: [] }))
      .thenThrows('DatasetNotFound');
  });
});

describe('supplementing an application', () => {
  it('given no application, when it is supplemented, it is refused as ApplicationNotFound', () => {
    spec.given([]).when(supplementApplication()).thenThrows('ApplicationNotFound');
  });

  it('given an application awaiting a supplement, when the applicant answers, it records ApplicationSupplemented', () => {
    spec
      .given(anApplicationAwaitingSupplement())
      .when(supplementApplication())
      .then([applicationSupplemented()]);
  });

  it('given a supplemented application, when the same answers are retried, it records nothing', () => {
    spec.given(aSupplementedApplication()).when(supplementApplication()).then([]);
  });

  it('given a supplemented application, when other answers are sent unasked, it is refused as SupplementNotRequested', () => {
    spec
      .given(aSupplementedApplication())
      .when(supplementApplication('One more analyst joined.'))
      .thenThrows('SupplementNotRequested');
  });

  it('given an application asked again after a first supplement, when the applicant gives the same answers as before, it records ApplicationSupplemented', () => {
    spec
      .given([...aSupplementedApplication(), applicationSupplementRequested('And who else?')])
      .when(supplementApplication(ANSWERS))
      .then([applicationSupplemented(ANSWERS)]);
  });

  it.each([
    ['submitted', () => aSubmittedApplication()],
    ['approved', anApprovedApplication],
    ['rejected', aRejectedApplication],
    ['withdrawn', aWithdrawnApplication],
  ])(
    'given an application %s and no questions open, when the applicant answers, it is refused as SupplementNotRequested',
    (_, history) => {
      spec.given(history()).when(supplementApplication()).thenThrows('SupplementNotRequested');
    },
  );

  it.each(notOwners)(
    'given an application awaiting a supplement, when %s answers, it is refused as NotYourApplication',
    (_, actor) => {
      spec
        .given(anApplicationAwaitingSupplement())
        .when(supplementApplication(undefined, { by: actor }))
        .thenThrows('NotYourApplication');
    },
  );
});

describe('approving an application', () => {
  it('given no application, when it is approved, it is refused as ApplicationNotFound', () => {
    spec.given([]).when(approveApplication()).thenThrows('ApplicationNotFound');
  });

  it('given a submitted application, when an officer of the dataset’s organisation approves with an agreement, it records ApplicationApproved', () => {
    spec.given(aSubmittedApplication()).when(approveApplication()).then([applicationApproved()]);
  });

  it('given a supplemented application, when the officer approves, it records ApplicationApproved', () => {
    spec.given(aSupplementedApplication()).when(approveApplication()).then([applicationApproved()]);
  });

  it('given a submitted application, when every requested field is granted with a monthly interval, it records ApplicationApproved', () => {
    const terms = { fields: ['stop_id', 'hour', 'boardings', 'alightings'], reportingInterval: 'P1M' };
    spec
      .given(aSubmittedApplication())
      .when(approveApplication(terms))
      .then([applicationApproved(terms)]);
  });

  it('given an approved application, when the same approval is retried, it records nothing', () => {
    spec.given(anApprovedApplication()).when(approveApplication()).then([]);
  });

  it('given a signed application, when its approval is retried, it records nothing', () => {
    spec.given(aSignedApplication()).when(approveApplication()).then([]);
  });

  it('given an approved application, when it is approved again with other terms, it is refused as ApplicationNotUnderReview', () => {
    spec
      .given(anApprovedApplication())
      .when(approveApplication({ reportingInterval: 'P30D' }))
      .thenThrows('ApplicationNotUnderReview');
  });

  it('given an application awaiting a supplement, when it is approved, it is refused as ApplicationNotUnderReview (it waits for the answers)', () => {
    spec
      .given(anApplicationAwaitingSupplement())
      .when(approveApplication())
      .thenThrows('ApplicationNotUnderReview');
  });

  it.each([
    ['rejected', aRejectedApplication],
    ['withdrawn', aWithdrawnApplication],
    ['approved, then withdrawn', () => [...anApprovedApplication(), applicationWithdrawn()]],
  ])(
    'given an application %s, when it is approved, it is refused as ApplicationNotUnderReview',
    (_, history) => {
      spec.given(history()).when(approveApplication()).thenThrows('ApplicationNotUnderReview');
    },
  );

  it.each(notReviewers)(
    'given a submitted application, when %s approves, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aSubmittedApplication())
        .when(approveApplication({}, { by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );

  it('given a submitted application whose dataset is not on the open list, when it is approved, it is refused as DatasetNotFound', () => {
    spec
      .given(aSubmittedApplication())
      .when(approveApplication({}, { dataset: [] }))
      .thenThrows('DatasetNotFound');
  });

  it.each(['unconditional', 'non_open'] as const)(
    'given a submitted application on a dataset reclassified %s since, when it is approved, it is refused as DatasetNotConditional',
    (to) => {
      spec
        .given(aSubmittedApplication())
        .when(approveApplication({}, { dataset: reclassifiedTo(to) }))
        .thenThrows('DatasetNotConditional');
    },
  );

  it.each([
    ['suspended', aSuspendedConditionalDataset],
    ['withdrawn', aWithdrawnConditionalDataset],
  ])(
    'given a submitted application on a dataset %s since, when it is approved, it is refused as DatasetNotOpen',
    (_, dataset) => {
      spec
        .given(aSubmittedApplication())
        .when(approveApplication({}, { dataset: dataset() }))
        .thenThrows('DatasetNotOpen');
    },
  );

  it('given a submitted application, when the agreement grants a field that was not requested, it is refused as AgreementFieldsNotRequested', () => {
    spec
      .given(aSubmittedApplication())
      .when(approveApplication({ fields: ['stop_id', 'card_type'] }))
      .thenThrows('AgreementFieldsNotRequested');
  });

  it('given a submitted application, when the agreement grants a field the dataset does not have, it is refused as AgreementFieldsNotRequested', () => {
    spec
      .given(aSubmittedApplication())
      .when(approveApplication({ fields: ['stop_id', 'card_number'] }))
      .thenThrows('AgreementFieldsNotRequested');
  });

  it('given a submitted application and a dataset listing fewer fields than were requested, when the agreement grants a field it lacks, it is refused as UnknownDatasetFields', () => {
    const narrower = aConditionalOpenDataset({ fields: ['stop_id', 'hour'] });
    spec
      .given(aSubmittedApplication())
      .when(approveApplication({}, { dataset: narrower }))
      .thenThrows('UnknownDatasetFields');
  });

  it.each([
    [
      'ends before it starts',
      { validFrom: '2027-06-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' },
    ],
    [
      'ends when it starts',
      { validFrom: '2027-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z' },
    ],
    ['ended already', { validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2026-11-01T00:00:00.000Z' }],
    ['ends right now', { validFrom: '2026-01-01T00:00:00.000Z', validUntil: NOW.toISOString() }],
    ['is not a time', { validFrom: '2026-12-01T00:00:00.000Z', validUntil: 'next year' }],
  ])(
    'given a submitted application, when the agreement’s validity %s, it is refused as InvalidAgreementPeriod',
    (_, validity) => {
      spec
        .given(aSubmittedApplication())
        .when(approveApplication(validity))
        .thenThrows('InvalidAgreementPeriod');
    },
  );

  it.each(['P0D', 'P0Y0M0D', 'P0W', 'PT12H', '30 days', ''])(
    'given a submitted application, when the reporting interval is %j, it is refused as InvalidReportingInterval',
    (reportingInterval) => {
      spec
        .given(aSubmittedApplication())
        .when(approveApplication({ reportingInterval }))
        .thenThrows('InvalidReportingInterval');
    },
  );
});

describe('rejecting an application', () => {
  it('given no application, when it is rejected, it is refused as ApplicationNotFound', () => {
    spec.given([]).when(rejectApplication()).thenThrows('ApplicationNotFound');
  });

  it('given a submitted application, when an officer of the dataset’s organisation rejects it with reasons, it records ApplicationRejected', () => {
    spec.given(aSubmittedApplication()).when(rejectApplication()).then([applicationRejected()]);
  });

  it('given an application awaiting a supplement, when the officer rejects it, it records ApplicationRejected', () => {
    spec.given(anApplicationAwaitingSupplement()).when(rejectApplication()).then([applicationRejected()]);
  });

  it('given a submitted application on a dataset withdrawn since, when the officer rejects it, it records ApplicationRejected', () => {
    spec
      .given(aSubmittedApplication())
      .when(rejectApplication({}, { dataset: aWithdrawnConditionalDataset() }))
      .then([applicationRejected()]);
  });

  it('given a rejected application, when the same rejection is retried, it records nothing', () => {
    spec.given(aRejectedApplication()).when(rejectApplication()).then([]);
  });

  it('given a rejected application, when it is rejected again for other reasons, it is refused as ApplicationNotUnderReview', () => {
    spec
      .given(aRejectedApplication())
      .when(rejectApplication({ reasonCodes: ['security_insufficient'] }))
      .thenThrows('ApplicationNotUnderReview');
  });

  it.each([
    ['approved', anApprovedApplication],
    ['signed', () => aSignedApplication()],
    ['withdrawn', aWithdrawnApplication],
  ])(
    'given an application %s, when it is rejected, it is refused as ApplicationNotUnderReview',
    (_, history) => {
      spec.given(history()).when(rejectApplication()).thenThrows('ApplicationNotUnderReview');
    },
  );

  it('given a submitted application, when it is rejected without a reason code, it is refused as ReasonsRequired', () => {
    spec
      .given(aSubmittedApplication())
      .when(rejectApplication({ reasonCodes: [] }))
      .thenThrows('ReasonsRequired');
  });

  it.each(notReviewers)(
    'given a submitted application, when %s rejects it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aSubmittedApplication())
        .when(rejectApplication({}, { by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );
});

describe('withdrawing an application', () => {
  it('given no application, when it is withdrawn, it is refused as ApplicationNotFound', () => {
    spec.given([]).when(withdrawApplication()).thenThrows('ApplicationNotFound');
  });

  it.each([
    ['submitted', () => aSubmittedApplication()],
    ['awaiting a supplement', anApplicationAwaitingSupplement],
    ['supplemented', aSupplementedApplication],
    ['approved', () => anApprovedApplication()],
  ])(
    'given an application %s, when the applicant withdraws it, it records ApplicationWithdrawn',
    (_, history) => {
      spec.given(history()).when(withdrawApplication()).then([applicationWithdrawn()]);
    },
  );

  it('given a withdrawn application, when it is withdrawn again, it records nothing', () => {
    spec.given(aWithdrawnApplication()).when(withdrawApplication()).then([]);
  });

  it.each([
    ['signed', () => aSignedApplication()],
    ['rejected', aRejectedApplication],
  ])(
    'given an application %s, when the applicant withdraws it, it is refused as ApplicationClosed',
    (_, history) => {
      spec.given(history()).when(withdrawApplication()).thenThrows('ApplicationClosed');
    },
  );

  it.each(notOwners)(
    'given a submitted application, when %s withdraws it, it is refused as NotYourApplication',
    (_, actor) => {
      spec
        .given(aSubmittedApplication())
        .when(withdrawApplication({ by: actor }))
        .thenThrows('NotYourApplication');
    },
  );
});

describe('signing the agreement', () => {
  it('given no application, when an agreement is signed, it is refused as ApplicationNotFound', () => {
    spec.given([]).when(signAgreement()).thenThrows('ApplicationNotFound');
  });

  it('given an approved application, when the applicant signs, it records AgreementSigned naming the signer and the grant', () => {
    spec.given(anApprovedApplication()).when(signAgreement()).then([agreementSigned()]);
  });

  it('given an approved application, when the applicant signs after the agreement’s validity began, it records AgreementSigned', () => {
    spec
      .given(anApprovedApplication())
      .when(signAgreement({ at: new Date('2027-02-01T00:00:00Z') }))
      .then([agreementSigned()]);
  });

  it('given an approved application on a dataset reclassified unconditional since, when the applicant signs, it records AgreementSigned', () => {
    spec
      .given(anApprovedApplication())
      .when(signAgreement({ dataset: reclassifiedTo('unconditional') }))
      .then([agreementSigned()]);
  });

  it('given a signed application, when the signature is retried with the same grant, it records nothing', () => {
    spec.given(aSignedApplication()).when(signAgreement()).then([]);
  });

  it('given a signed application, when it is signed again for another grant, it is refused as ApplicationNotApproved', () => {
    spec
      .given(aSignedApplication())
      .when(signAgreement({ grantId: OTHER_GRANT_ID }))
      .thenThrows('ApplicationNotApproved');
  });

  it.each([
    ['submitted', () => aSubmittedApplication()],
    ['awaiting a supplement', anApplicationAwaitingSupplement],
    ['rejected', aRejectedApplication],
    ['withdrawn', aWithdrawnApplication],
    ['approved, then withdrawn', () => [...anApprovedApplication(), applicationWithdrawn()]],
  ])(
    'given an application %s, when the applicant signs, it is refused as ApplicationNotApproved',
    (_, history) => {
      spec.given(history()).when(signAgreement()).thenThrows('ApplicationNotApproved');
    },
  );

  it.each(notOwners)(
    'given an approved application, when %s signs, it is refused as NotYourApplication',
    (_, actor) => {
      spec
        .given(anApprovedApplication())
        .when(signAgreement({ by: actor }))
        .thenThrows('NotYourApplication');
    },
  );

  it('given an approved application, when the applicant signs at the end of the agreement’s validity, it is refused as AgreementExpired', () => {
    spec
      .given(anApprovedApplication())
      .when(signAgreement({ at: new Date('2027-12-01T00:00:00Z') }))
      .thenThrows('AgreementExpired');
  });

  it('given an approved application, when the applicant signs after the agreement’s validity, it is refused as AgreementExpired', () => {
    spec
      .given(anApprovedApplication())
      .when(signAgreement({ at: new Date('2028-01-15T00:00:00Z') }))
      .thenThrows('AgreementExpired');
  });

  it.each([
    ['suspended', aSuspendedConditionalDataset],
    ['withdrawn', aWithdrawnConditionalDataset],
  ])(
    'given an approved application on a dataset %s since, when the applicant signs, it is refused as DatasetNotOpen',
    (_, dataset) => {
      spec
        .given(anApprovedApplication())
        .when(signAgreement({ dataset: dataset() }))
        .thenThrows('DatasetNotOpen');
    },
  );

  it('given an approved application on a dataset reclassified non-open since, when the applicant signs, it is refused as DatasetNotConditional', () => {
    spec
      .given(anApprovedApplication())
      .when(signAgreement({ dataset: reclassifiedTo('non_open') }))
      .thenThrows('DatasetNotConditional');
  });

  it('given an approved application whose dataset is not on the open list, when the applicant signs, it is refused as DatasetNotFound', () => {
    spec
      .given(anApprovedApplication())
      .when(signAgreement({ dataset: [] }))
      .thenThrows('DatasetNotFound');
  });
});
