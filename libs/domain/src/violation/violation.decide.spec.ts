import type { Actor } from '@ledger/events';
import {
  aConfirmedViolation,
  aDismissedViolation,
  anExpiredGrant,
  aReportedViolation,
  aRevokedGrant,
  aViolationUnderInvestigation,
  complianceOfficer,
  confirmViolation,
  dataUser,
  detectionReport,
  dismissViolation,
  openViolationInvestigation,
  otherDataUser,
  reportViolation,
  systemActor,
  violationConfirmed,
  violationDismissed,
  violationInvestigationOpened,
  violationReport,
  violationReported,
} from '../testing/access-builders';
import { deciderSpec } from '../testing/decider-spec';
import { bodyOfficer, platformAdmin } from '../testing/measures-builders';
import { violationDecider } from './violation.decide';
import { ViolationError } from './violation.errors';

const spec = deciderSpec(violationDecider, ViolationError);

const notSupervisors: [string, Actor][] = [
  ['an officer of the dataset’s organisation', bodyOfficer],
  ['the platform admin', platformAdmin],
  ['a compliance officer', complianceOfficer],
  ['a data user', dataUser],
  ['the ledger itself', systemActor],
];

/** A report about a principal only: the grant named by the default report is dropped. */
const aboutPrincipal = () => {
  const { grantId, ...report } = violationReport({ principal: otherDataUser.id });
  void grantId;
  return report;
};

describe('reporting a violation', () => {
  it('given no case and an active grant, when a supervisor reports a violation of that grant, it records ViolationReported', () => {
    spec.given([]).when(reportViolation()).then([violationReported()]);
  });

  it.each([
    ['revoked', () => aRevokedGrant()],
    ['expired', anExpiredGrant],
  ])(
    'given no case and a %s grant, when a supervisor reports a violation of it, it records ViolationReported',
    (_, grant) => {
      spec
        .given([])
        .when(reportViolation(violationReport(), { grant: grant() }))
        .then([violationReported()]);
    },
  );

  it('given no case, when a supervisor reports a principal (no grant), it records ViolationReported about the principal', () => {
    const report = aboutPrincipal();
    spec
      .given([])
      .when(reportViolation(report, { grant: [] }))
      .then([{ type: 'ViolationReported', data: report }]);
  });

  it('given no case, when a supervisor raises a case from a detection naming its access event, it records ViolationReported', () => {
    spec
      .given([])
      .when(reportViolation(detectionReport(), { grant: [] }))
      .then([{ type: 'ViolationReported', data: detectionReport() }]);
  });

  it('given no case, when a detection about a grant is raised, it records ViolationReported naming the grant and the access event', () => {
    const { principal, ...aboutGrant } = detectionReport({ grantId: 'grant-1' });
    void principal;
    spec
      .given([])
      .when(reportViolation(aboutGrant))
      .then([{ type: 'ViolationReported', data: aboutGrant }]);
  });

  it.each(notSupervisors)(
    'given no case, when %s reports a violation, it is refused as SupervisorsOnly',
    (_, actor) => {
      spec
        .given([])
        .when(reportViolation(violationReport(), { by: actor }))
        .thenThrows('SupervisorsOnly');
    },
  );

  it('given no case, when the report names both a grant and a principal, it is refused as GrantOrPrincipalRequired', () => {
    spec
      .given([])
      .when(reportViolation(violationReport({ principal: dataUser.id })))
      .thenThrows('GrantOrPrincipalRequired');
  });

  it('given no case, when the report names neither a grant nor a principal, it is refused as GrantOrPrincipalRequired', () => {
    const { grantId, ...aboutNobody } = violationReport();
    void grantId;
    spec.given([]).when(reportViolation(aboutNobody)).thenThrows('GrantOrPrincipalRequired');
  });

  it('given no grant, when the report names a grant, it is refused as GrantNotFound', () => {
    spec
      .given([])
      .when(reportViolation(violationReport({ grantId: 'grant-404' }), { grant: [] }))
      .thenThrows('GrantNotFound');
  });

  it('given no case, when a detection names no access event, it is refused as AccessEventRequired', () => {
    const { accessEventId, ...withoutEvent } = detectionReport();
    void accessEventId;
    spec
      .given([])
      .when(reportViolation(withoutEvent, { grant: [] }))
      .thenThrows('AccessEventRequired');
  });

  it('given no case, when a person’s report names an access event, it is refused as AccessEventNotExpected', () => {
    spec
      .given([])
      .when(reportViolation(violationReport({ accessEventId: 'some-access' })))
      .thenThrows('AccessEventNotExpected');
  });

  it('given a reported case, when the same report is retried, it records nothing', () => {
    spec.given(aReportedViolation()).when(reportViolation()).then([]);
  });

  it('given a confirmed case, when its report is retried, it records nothing', () => {
    spec.given(aConfirmedViolation()).when(reportViolation()).then([]);
  });

  it('given a reported case, when the same id is reported with another description, it is refused as ViolationAlreadyReported', () => {
    spec
      .given(aReportedViolation())
      .when(reportViolation(violationReport({ description: 'another breach' })))
      .thenThrows('ViolationAlreadyReported');
  });

  it('given a reported case, when the same id is reported about a principal, it is refused as ViolationAlreadyReported', () => {
    spec
      .given(aReportedViolation())
      .when(reportViolation(aboutPrincipal(), { grant: [] }))
      .thenThrows('ViolationAlreadyReported');
  });
});

describe('opening the investigation', () => {
  it('given no case, when an investigation is opened, it is refused as ViolationNotFound', () => {
    spec.given([]).when(openViolationInvestigation()).thenThrows('ViolationNotFound');
  });

  it('given a reported case, when a supervisor opens the investigation, it records ViolationInvestigationOpened', () => {
    spec
      .given(aReportedViolation())
      .when(openViolationInvestigation())
      .then([violationInvestigationOpened()]);
  });

  it('given a case under investigation, when the investigation is opened again, it records nothing', () => {
    spec.given(aViolationUnderInvestigation()).when(openViolationInvestigation()).then([]);
  });

  it.each([
    ['confirmed', aConfirmedViolation],
    ['dismissed', aDismissedViolation],
  ])('given a %s case, when the investigation is opened, it is refused as ViolationClosed', (_, history) => {
    spec.given(history()).when(openViolationInvestigation()).thenThrows('ViolationClosed');
  });

  it.each(notSupervisors)(
    'given a reported case, when %s opens the investigation, it is refused as SupervisorsOnly',
    (_, actor) => {
      spec
        .given(aReportedViolation())
        .when(openViolationInvestigation({ by: actor }))
        .thenThrows('SupervisorsOnly');
    },
  );
});

describe('confirming a violation', () => {
  it('given no case, when a violation is confirmed, it is refused as ViolationNotFound', () => {
    spec.given([]).when(confirmViolation()).thenThrows('ViolationNotFound');
  });

  it('given a case under investigation, when a supervisor confirms it, it records ViolationConfirmed', () => {
    spec.given(aViolationUnderInvestigation()).when(confirmViolation()).then([violationConfirmed()]);
  });

  it('given a case about a principal under investigation, when a supervisor confirms it with a credit record, not public, it records ViolationConfirmed', () => {
    const confirmation = { sanction: 'credit_record', publicize: false } as const;
    spec
      .given([{ type: 'ViolationReported', data: aboutPrincipal() }, violationInvestigationOpened()])
      .when(confirmViolation(confirmation, { grant: [] }))
      .then([violationConfirmed(confirmation)]);
  });

  it('given a confirmed case, when the same confirmation is retried, it records nothing', () => {
    spec.given(aConfirmedViolation()).when(confirmViolation()).then([]);
  });

  it('given a confirmed case, when it is confirmed with another sanction, it is refused as ViolationClosed', () => {
    spec
      .given(aConfirmedViolation())
      .when(confirmViolation({ sanction: 'agreement_terminated' }))
      .thenThrows('ViolationClosed');
  });

  it('given a dismissed case, when it is confirmed, it is refused as ViolationClosed', () => {
    spec.given(aDismissedViolation()).when(confirmViolation()).thenThrows('ViolationClosed');
  });

  it('given a reported case, when it is confirmed before an investigation, it is refused as ViolationNotUnderInvestigation', () => {
    spec.given(aReportedViolation()).when(confirmViolation()).thenThrows('ViolationNotUnderInvestigation');
  });

  it.each(notSupervisors)(
    'given a case under investigation, when %s confirms it, it is refused as SupervisorsOnly',
    (_, actor) => {
      spec
        .given(aViolationUnderInvestigation())
        .when(confirmViolation({}, { by: actor }))
        .thenThrows('SupervisorsOnly');
    },
  );
});

describe('dismissing a violation', () => {
  it('given no case, when a violation is dismissed, it is refused as ViolationNotFound', () => {
    spec.given([]).when(dismissViolation()).thenThrows('ViolationNotFound');
  });

  it('given a reported case, when a supervisor dismisses it, it records ViolationDismissed', () => {
    spec.given(aReportedViolation()).when(dismissViolation()).then([violationDismissed()]);
  });

  it('given a case under investigation, when a supervisor dismisses it, it records ViolationDismissed', () => {
    spec.given(aViolationUnderInvestigation()).when(dismissViolation()).then([violationDismissed()]);
  });

  it('given a dismissed case, when the same dismissal is retried, it records nothing', () => {
    spec.given(aDismissedViolation()).when(dismissViolation()).then([]);
  });

  it('given a dismissed case, when it is dismissed with another explanation, it is refused as ViolationClosed', () => {
    spec
      .given(aDismissedViolation())
      .when(dismissViolation('no breach after all'))
      .thenThrows('ViolationClosed');
  });

  it('given a confirmed case, when it is dismissed, it is refused as ViolationClosed', () => {
    spec.given(aConfirmedViolation()).when(dismissViolation()).thenThrows('ViolationClosed');
  });

  it.each(notSupervisors)(
    'given a reported case, when %s dismisses it, it is refused as SupervisorsOnly',
    (_, actor) => {
      spec
        .given(aReportedViolation())
        .when(dismissViolation(undefined, { by: actor }))
        .thenThrows('SupervisorsOnly');
    },
  );
});
