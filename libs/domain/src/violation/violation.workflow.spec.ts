import { grantDecider } from '../grant/grant.decide';
import { GrantError } from '../grant/grant.errors';
import type { GrantEvent } from '../grant/grant.state';
import {
  aConfirmedViolation,
  anActiveGrant,
  anExpiredGrant,
  aReportedViolation,
  aRevokedGrant,
  aSuspendedGrant,
  aViolationUnderInvestigation,
  confirmViolation,
  dismissViolation,
  openViolationInvestigation,
  otherDataUser,
  reportViolation,
  violationConfirmed,
  violationDismissed,
  violationInvestigationOpened,
  VIOLATION_ID,
  violationReport,
  violationReported,
} from '../testing/access-builders';
import { bodyOfficer } from '../testing/measures-builders';
import { workflowSpec } from '../testing/workflow-spec';
import { violationDecider } from './violation.decide';
import { ViolationError } from './violation.errors';
import { decideViolationWithGrant, revocationReason } from './violation.workflow';

/*
 * Every case decides violation-1 about grant-1 (the builders' defaults). The grant history given to
 * the streams is the one the command carries as context, as the handler that reads both streams does.
 */
const spec = workflowSpec({ violation: violationDecider, grant: grantDecider }, decideViolationWithGrant, [
  ViolationError,
  GrantError,
]);

const revokedByTheCase = (publicize = true): GrantEvent => ({
  type: 'AccessRevoked',
  data: {
    reason: revocationReason(VIOLATION_ID, 'access_closed'),
    violationCaseId: VIOLATION_ID,
    publicize,
  },
});

const aCaseAboutAPrincipal = () => {
  const { grantId, ...report } = violationReport({ principal: otherDataUser.id });
  void grantId;
  return report;
};

describe('confirming a violation closes the grant’s access in the same append', () => {
  it('given a case about an active grant under investigation, when a supervisor confirms it, it records ViolationConfirmed and AccessRevoked naming the case', () => {
    const grant = anActiveGrant();
    spec
      .given({ violation: aViolationUnderInvestigation(), grant })
      .when(confirmViolation({}, { grant }))
      .then({ violation: [violationConfirmed()], grant: [revokedByTheCase()] });
  });

  it('given a case about a suspended grant, when a supervisor confirms it without publicity, it records AccessRevoked not to be made public', () => {
    const grant = aSuspendedGrant();
    spec
      .given({ violation: aViolationUnderInvestigation(), grant })
      .when(confirmViolation({ publicize: false }, { grant }))
      .then({ violation: [violationConfirmed({ publicize: false })], grant: [revokedByTheCase(false)] });
  });

  it.each(['agreement_terminated', 'credit_record'] as const)(
    'given a case about an active grant, when it is confirmed with the sanction %s, it records AccessRevoked naming that sanction',
    (sanction) => {
      const grant = anActiveGrant();
      spec
        .given({ violation: aViolationUnderInvestigation(), grant })
        .when(confirmViolation({ sanction }, { grant }))
        .then({
          violation: [violationConfirmed({ sanction })],
          grant: [
            {
              type: 'AccessRevoked',
              data: {
                reason: revocationReason(VIOLATION_ID, sanction),
                violationCaseId: VIOLATION_ID,
                publicize: true,
              },
            },
          ],
        });
    },
  );

  it('given a case about a grant revoked already, when it is confirmed, it records ViolationConfirmed and nothing for the grant', () => {
    const grant = aRevokedGrant();
    spec
      .given({ violation: aViolationUnderInvestigation(), grant })
      .when(confirmViolation({}, { grant }))
      .then({ violation: [violationConfirmed()], grant: [] });
  });

  it('given a case about an expired grant, when it is confirmed, it records ViolationConfirmed and nothing for the grant', () => {
    const grant = anExpiredGrant();
    spec
      .given({ violation: aViolationUnderInvestigation(), grant })
      .when(confirmViolation({}, { grant }))
      .then({ violation: [violationConfirmed()], grant: [] });
  });

  it('given a case about a principal (no grant), when it is confirmed, it records ViolationConfirmed and nothing for a grant', () => {
    spec
      .given({
        violation: [
          { type: 'ViolationReported', data: aCaseAboutAPrincipal() },
          violationInvestigationOpened(),
        ],
      })
      .when(confirmViolation({}, { grant: [] }))
      .then({ violation: [violationConfirmed()], grant: [] });
  });

  it('given a confirmed case and its revoked grant, when the confirmation is retried, it records nothing in either stream', () => {
    const grant = [...anActiveGrant(), revokedByTheCase()];
    spec
      .given({ violation: aConfirmedViolation(), grant })
      .when(confirmViolation({}, { grant }))
      .then({ violation: [], grant: [] });
  });

  it('given a reported case about an active grant, when it is confirmed before an investigation, it is refused as ViolationNotUnderInvestigation and the grant stays open', () => {
    const grant = anActiveGrant();
    spec
      .given({ violation: aReportedViolation(), grant })
      .when(confirmViolation({}, { grant }))
      .thenThrows(ViolationError, 'ViolationNotUnderInvestigation');
  });

  it('given a case about an active grant, when an officer of the dataset’s organisation confirms it, it is refused as SupervisorsOnly by the case', () => {
    const grant = anActiveGrant();
    spec
      .given({ violation: aViolationUnderInvestigation(), grant })
      .when(confirmViolation({}, { grant, by: bodyOfficer }))
      .thenThrows(ViolationError, 'SupervisorsOnly');
  });
});

describe('the other violation commands record in the case’s stream only', () => {
  it('given an active grant, when a case about it is reported, it records ViolationReported and nothing for the grant', () => {
    const grant = anActiveGrant();
    spec
      .given({ grant })
      .when(reportViolation(violationReport(), { grant }))
      .then({ violation: [violationReported()], grant: [] });
  });

  it('given a reported case about an active grant, when the investigation opens, it records ViolationInvestigationOpened and nothing for the grant', () => {
    spec
      .given({ violation: aReportedViolation(), grant: anActiveGrant() })
      .when(openViolationInvestigation())
      .then({ violation: [violationInvestigationOpened()], grant: [] });
  });

  it('given a case about an active grant under investigation, when it is dismissed, it records ViolationDismissed and the grant stays open', () => {
    spec
      .given({ violation: aViolationUnderInvestigation(), grant: anActiveGrant() })
      .when(dismissViolation())
      .then({ violation: [violationDismissed()], grant: [] });
  });
});
