import { grantDecider } from '../grant/grant.decide';
import { GrantError } from '../grant/grant.errors';
import {
  accessGranted,
  agreementSigned,
  anActiveGrant,
  anApprovedApplication,
  applicationApproved,
  applicationSubmitted,
  applicationSupplementRequested,
  applicationWithdrawn,
  approveApplication,
  aSignedApplication,
  aSubmittedApplication,
  CONDITIONAL_DATASET_ID,
  dataUser,
  GRANT_ID,
  OTHER_GRANT_ID,
  otherDataUser,
  requestApplicationSupplement,
  signAgreement,
  submitApplication,
  withdrawApplication,
} from '../testing/access-builders';
import { workflowSpec } from '../testing/workflow-spec';
import { applicationDecider } from './access-application.decide';
import { ApplicationError } from './access-application.errors';
import { decideApplicationWithGrant } from './access-application.workflow';

/* Every case decides application-1 (the builders' default); signing opens grant-1 unless told otherwise. */
const spec = workflowSpec(
  { application: applicationDecider, grant: grantDecider },
  decideApplicationWithGrant,
  [ApplicationError, GrantError],
);

describe('signing the agreement opens the grant in the same append', () => {
  it('given an approved application, when the applicant signs, it records AgreementSigned and AccessGranted in the grant’s stream', () => {
    spec
      .given({ application: anApprovedApplication() })
      .when(signAgreement())
      .then({ application: [agreementSigned()], grant: [accessGranted()] });
  });

  it('given an approved application, when the applicant signs, the grant is for the applicant, the application’s dataset and the agreement’s terms', () => {
    const terms = { fields: ['stop_id'], validUntil: '2027-06-01T00:00:00.000Z', reportingInterval: 'P1M' };
    spec
      .given({ application: [...aSubmittedApplication(), applicationApproved(terms)] })
      .when(signAgreement())
      .then({
        application: [agreementSigned()],
        grant: [
          {
            type: 'AccessGranted',
            data: {
              applicationId: 'application-1',
              datasetId: CONDITIONAL_DATASET_ID,
              grantee: dataUser.id,
              scope: 'feeder route planning for metro line 19, aggregated results only',
              fields: ['stop_id'],
              validFrom: '2026-12-01T00:00:00.000Z',
              validUntil: '2027-06-01T00:00:00.000Z',
              obligations: 'publish no figure below 10 boardings; report use every 90 days',
              reportingInterval: 'P1M',
            },
          },
        ],
      });
  });

  it('given an approved application of another applicant, when that applicant signs for grant-2, it records AccessGranted for them in grant-2', () => {
    const application = [
      ...aSubmittedApplication({ applicantPrincipal: otherDataUser.id }),
      applicationApproved(),
    ];
    spec
      .given({ application })
      .when(signAgreement({ by: otherDataUser, grantId: OTHER_GRANT_ID }))
      .then({
        application: [agreementSigned(OTHER_GRANT_ID, otherDataUser.id)],
        grant: [accessGranted({ grantee: otherDataUser.id })],
      });
  });

  it('given a signed application and its open grant, when the signature is retried, it records nothing in either stream', () => {
    spec
      .given({ application: aSignedApplication(), grant: anActiveGrant() })
      .when(signAgreement())
      .then({ application: [], grant: [] });
  });

  it('given an approved application, when it is signed for a grant id already in use, it is refused as GrantAlreadyOpened by the grant', () => {
    spec
      .given({
        application: anApprovedApplication(),
        grant: anActiveGrant({ applicationId: 'application-9' }),
      })
      .when(signAgreement({ grantId: GRANT_ID }))
      .thenThrows(GrantError, 'GrantAlreadyOpened');
  });

  it('given an approved application, when another data user signs, it is refused as NotYourApplication and no grant opens', () => {
    spec
      .given({ application: anApprovedApplication() })
      .when(signAgreement({ by: otherDataUser }))
      .thenThrows(ApplicationError, 'NotYourApplication');
  });

  it('given an application approved then withdrawn, when the applicant signs, it is refused as ApplicationNotApproved', () => {
    spec
      .given({ application: [...anApprovedApplication(), applicationWithdrawn()] })
      .when(signAgreement())
      .thenThrows(ApplicationError, 'ApplicationNotApproved');
  });

  it('given an approved application, when the applicant signs after the agreement ended, it is refused as AgreementExpired', () => {
    spec
      .given({ application: anApprovedApplication() })
      .when(signAgreement({ at: new Date('2028-01-01T00:00:00Z') }))
      .thenThrows(ApplicationError, 'AgreementExpired');
  });
});

describe('the other application commands record in the application’s stream only', () => {
  it('given a submitted application, when it is approved, it records ApplicationApproved and nothing in a grant', () => {
    spec
      .given({ application: aSubmittedApplication() })
      .when(approveApplication())
      .then({ application: [applicationApproved()], grant: [] });
  });

  it('given a submitted application, when a supplement is requested, it records ApplicationSupplementRequested and nothing in a grant', () => {
    spec
      .given({ application: aSubmittedApplication() })
      .when(requestApplicationSupplement())
      .then({ application: [applicationSupplementRequested()], grant: [] });
  });

  it('given an approved application, when the applicant withdraws it, it records ApplicationWithdrawn and nothing in a grant', () => {
    spec
      .given({ application: anApprovedApplication() })
      .when(withdrawApplication())
      .then({ application: [applicationWithdrawn()], grant: [] });
  });

  it('given no application, when one is submitted, it records ApplicationSubmitted and nothing in a grant', () => {
    spec
      .given({})
      .when(submitApplication())
      .then({ application: [applicationSubmitted()], grant: [] });
  });
});
