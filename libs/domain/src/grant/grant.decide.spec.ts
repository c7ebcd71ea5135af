import type { Actor } from '@ledger/events';
import {
  accessGranted,
  accessRevoked,
  aConditionalOpenDataset,
  anActiveGrant,
  anExpiredGrant,
  aRevokedGrant,
  aSuspendedGrant,
  complianceOfficer,
  dataUser,
  expireGrant,
  grantExpired,
  grantReinstated,
  grantSuspended,
  otherDataUser,
  reinstateGrant,
  REPORTED_AT,
  reportUsage,
  revokeGrant,
  suspendGrant,
  supervisor,
  systemActor,
  usageReport,
  usageReported,
} from '../testing/access-builders';
import { deciderSpec } from '../testing/decider-spec';
import { bodyOfficer, otherOrgOfficer, platformAdmin, publisherOfOrgA } from '../testing/measures-builders';
import { grantDecider } from './grant.decide';
import { GrantError } from './grant.errors';

const spec = deciderSpec(grantDecider, GrantError);

/** The default grant runs from 2026-12-01 until 2027-12-01. */
const VALID_UNTIL = new Date('2027-12-01T00:00:00.000Z');

const notOverseers: [string, Actor][] = [
  ['an officer of another organisation', otherOrgOfficer],
  ['a publisher of the dataset’s organisation', publisherOfOrgA],
  ['the platform admin', platformAdmin],
  ['a compliance officer', complianceOfficer],
  ['the grantee', dataUser],
];

const notSupervisors: [string, Actor][] = [
  ['an officer of the dataset’s organisation', bodyOfficer],
  ['the platform admin', platformAdmin],
  ['the grantee', dataUser],
  ['the ledger’s timer', systemActor],
];

describe('reporting usage', () => {
  it('given no grant, when usage is reported, it is refused as GrantNotFound', () => {
    spec.given([]).when(reportUsage()).thenThrows('GrantNotFound');
  });

  it('given an active grant, when the grantee reports on its first quarter, it records UsageReported', () => {
    spec.given(anActiveGrant()).when(reportUsage()).then([usageReported()]);
  });

  it('given an active grant, when the grantee reports without outputs, it records UsageReported without them', () => {
    const { outputs, ...bare } = usageReport();
    void outputs;
    spec
      .given(anActiveGrant())
      .when({ ...reportUsage(), data: bare })
      .then([{ type: 'UsageReported', data: bare }]);
  });

  it('given a suspended grant, when the grantee reports, it records UsageReported', () => {
    spec.given(aSuspendedGrant()).when(reportUsage()).then([usageReported()]);
  });

  it('given an expired grant, when the grantee makes a final report on its last months, it records UsageReported', () => {
    const period = { from: '2027-09-01T00:00:00.000Z', until: '2027-12-01T00:00:00.000Z' };
    spec
      .given(anExpiredGrant())
      .when(reportUsage({ period }, { at: new Date('2027-12-10T00:00:00Z') }))
      .then([usageReported({ period })]);
  });

  it('given an active grant, when the reported period only partly overlaps the grant, it records UsageReported', () => {
    const period = { from: '2026-11-01T00:00:00.000Z', until: '2026-12-15T00:00:00.000Z' };
    spec
      .given(anActiveGrant())
      .when(reportUsage({ period }))
      .then([usageReported({ period })]);
  });

  it('given a grant with a first report, when the next quarter is reported, it records UsageReported', () => {
    const period = { from: '2027-03-01T00:00:00.000Z', until: '2027-06-01T00:00:00.000Z' };
    spec
      .given([...anActiveGrant(), usageReported()])
      .when(reportUsage({ period }, { at: new Date('2027-06-03T00:00:00Z') }))
      .then([usageReported({ period })]);
  });

  it('given a grant with a first report, when the same report is retried, it records nothing', () => {
    spec
      .given([...anActiveGrant(), usageReported()])
      .when(reportUsage())
      .then([]);
  });

  it('given a grant with a first report, when the same period is reported with another summary, it records UsageReported (a correction of the report)', () => {
    spec
      .given([...anActiveGrant(), usageReported()])
      .when(reportUsage({ summary: 'the model also used alightings' }))
      .then([usageReported({ summary: 'the model also used alightings' })]);
  });

  it('given a grant whose report was recorded just before its revocation, when that report is retried, it records nothing', () => {
    spec
      .given([...anActiveGrant(), usageReported(), accessRevoked()])
      .when(reportUsage())
      .then([]);
  });

  it('given a revoked grant, when the grantee reports, it is refused as GrantRevoked', () => {
    spec.given(aRevokedGrant()).when(reportUsage()).thenThrows('GrantRevoked');
  });

  it.each<[string, Actor]>([
    ['another data user', otherDataUser],
    ['an officer of the dataset’s organisation', bodyOfficer],
    ['a supervisor', supervisor],
  ])('given an active grant, when %s reports usage, it is refused as NotYourGrant', (_, actor) => {
    spec
      .given(anActiveGrant())
      .when(reportUsage({}, { by: actor }))
      .thenThrows('NotYourGrant');
  });

  it.each([
    ['ends before it starts', { from: '2027-03-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' }],
    ['ends when it starts', { from: '2027-03-01T00:00:00.000Z', until: '2027-03-01T00:00:00.000Z' }],
    ['is not a time', { from: 'last winter', until: '2027-03-01T00:00:00.000Z' }],
  ])('given an active grant, when the reported period %s, it is refused as InvalidPeriod', (_, period) => {
    spec.given(anActiveGrant()).when(reportUsage({ period })).thenThrows('InvalidPeriod');
  });

  it.each([
    ['wholly before the grant', { from: '2026-06-01T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' }],
    ['ending when the grant begins', { from: '2026-06-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' }],
    [
      'beginning when the grant ends',
      { from: '2027-12-01T00:00:00.000Z', until: '2028-03-01T00:00:00.000Z' },
    ],
    ['wholly after the grant', { from: '2028-01-01T00:00:00.000Z', until: '2028-03-01T00:00:00.000Z' }],
  ])(
    'given an active grant, when the reported period lies %s, it is refused as ReportPeriodOutsideGrant',
    (_, period) => {
      spec
        .given(anActiveGrant())
        .when(reportUsage({ period }, { at: REPORTED_AT }))
        .thenThrows('ReportPeriodOutsideGrant');
    },
  );
});

describe('suspending a grant', () => {
  it('given no grant, when it is suspended, it is refused as GrantNotFound', () => {
    spec.given([]).when(suspendGrant()).thenThrows('GrantNotFound');
  });

  it('given an active grant, when a supervisor suspends it, it records GrantSuspended', () => {
    spec.given(anActiveGrant()).when(suspendGrant()).then([grantSuspended()]);
  });

  it('given an active grant, when an officer of the dataset’s organisation suspends it, it records GrantSuspended', () => {
    spec
      .given(anActiveGrant())
      .when(suspendGrant({ by: bodyOfficer }))
      .then([grantSuspended()]);
  });

  it('given an active grant on a dataset not on the open list, when a supervisor suspends it, it records GrantSuspended', () => {
    spec
      .given(anActiveGrant())
      .when(suspendGrant({ dataset: [] }))
      .then([grantSuspended()]);
  });

  it('given a grant suspended and reinstated, when it is suspended again, it records GrantSuspended', () => {
    spec
      .given([...aSuspendedGrant(), grantReinstated()])
      .when(suspendGrant({ reason: 'a second report came in' }))
      .then([grantSuspended('a second report came in')]);
  });

  it('given a suspended grant, when it is suspended again, it records nothing', () => {
    spec.given(aSuspendedGrant()).when(suspendGrant()).then([]);
  });

  it.each([
    ['revoked', () => aRevokedGrant()],
    ['expired', anExpiredGrant],
  ])('given a %s grant, when it is suspended, it is refused as GrantClosed', (_, history) => {
    spec.given(history()).when(suspendGrant()).thenThrows('GrantClosed');
  });

  it.each(notOverseers)(
    'given an active grant, when %s suspends it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(anActiveGrant())
        .when(suspendGrant({ by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );

  it('given an active grant on a dataset not on the open list, when a body officer suspends it, it is refused as NotYourOrganization', () => {
    spec
      .given(anActiveGrant())
      .when(suspendGrant({ by: bodyOfficer, dataset: [] }))
      .thenThrows('NotYourOrganization');
  });

  it('given an active grant on org-b’s dataset, when an officer of org-b suspends it, it records GrantSuspended', () => {
    spec
      .given(anActiveGrant())
      .when(
        suspendGrant({ by: otherOrgOfficer, dataset: aConditionalOpenDataset({ organizationId: 'org-b' }) }),
      )
      .then([grantSuspended()]);
  });
});

describe('reinstating a grant', () => {
  it('given no grant, when it is reinstated, it is refused as GrantNotFound', () => {
    spec.given([]).when(reinstateGrant()).thenThrows('GrantNotFound');
  });

  it('given a suspended grant, when a supervisor reinstates it, it records GrantReinstated', () => {
    spec.given(aSuspendedGrant()).when(reinstateGrant()).then([grantReinstated()]);
  });

  it('given a suspended grant, when an officer of the dataset’s organisation reinstates it, it records GrantReinstated', () => {
    spec
      .given(aSuspendedGrant())
      .when(reinstateGrant({ by: bodyOfficer }))
      .then([grantReinstated()]);
  });

  it('given an active grant, when it is reinstated, it records nothing', () => {
    spec.given(anActiveGrant()).when(reinstateGrant()).then([]);
  });

  it('given a grant suspended and reinstated, when the reinstatement is retried, it records nothing', () => {
    spec
      .given([...aSuspendedGrant(), grantReinstated()])
      .when(reinstateGrant())
      .then([]);
  });

  it.each([
    ['revoked', () => aRevokedGrant()],
    ['expired', anExpiredGrant],
    ['suspended, then revoked', () => [...aSuspendedGrant(), accessRevoked()]],
    ['suspended, then expired', () => [...aSuspendedGrant(), grantExpired()]],
  ])('given a %s grant, when it is reinstated, it is refused as GrantClosed', (_, history) => {
    spec.given(history()).when(reinstateGrant()).thenThrows('GrantClosed');
  });

  it.each(notOverseers)(
    'given a suspended grant, when %s reinstates it, it is refused as NotYourOrganization',
    (_, actor) => {
      spec
        .given(aSuspendedGrant())
        .when(reinstateGrant({ by: actor }))
        .thenThrows('NotYourOrganization');
    },
  );
});

describe('revoking a grant', () => {
  it('given no grant, when it is revoked, it is refused as GrantNotFound', () => {
    spec.given([]).when(revokeGrant()).thenThrows('GrantNotFound');
  });

  it('given an active grant, when a supervisor revokes it, it records AccessRevoked', () => {
    spec.given(anActiveGrant()).when(revokeGrant()).then([accessRevoked()]);
  });

  it('given a suspended grant, when a supervisor revokes it naming a violation case, it records AccessRevoked with the case', () => {
    const data = { violationCaseId: 'violation-1', publicize: false };
    spec
      .given(aSuspendedGrant())
      .when(revokeGrant(data))
      .then([accessRevoked(data)]);
  });

  it('given a revoked grant, when the same revocation is retried, it records nothing', () => {
    spec.given(aRevokedGrant()).when(revokeGrant()).then([]);
  });

  it('given a revoked grant, when it is revoked again for another reason, it is refused as GrantClosed', () => {
    spec
      .given(aRevokedGrant())
      .when(revokeGrant({ reason: 'a second breach' }))
      .thenThrows('GrantClosed');
  });

  it('given a revoked grant, when it is revoked again with another publicity, it is refused as GrantClosed', () => {
    spec
      .given(aRevokedGrant())
      .when(revokeGrant({ publicize: false }))
      .thenThrows('GrantClosed');
  });

  it('given an expired grant, when it is revoked, it is refused as GrantClosed', () => {
    spec.given(anExpiredGrant()).when(revokeGrant()).thenThrows('GrantClosed');
  });

  it.each(notSupervisors)(
    'given an active grant, when %s revokes it, it is refused as SupervisorsOnly',
    (_, actor) => {
      spec
        .given(anActiveGrant())
        .when(revokeGrant({}, { by: actor }))
        .thenThrows('SupervisorsOnly');
    },
  );
});

describe('expiring a grant', () => {
  it('given no grant, when it is expired, it is refused as GrantNotFound', () => {
    spec.given([]).when(expireGrant()).thenThrows('GrantNotFound');
  });

  it('given an active grant, when the timer fires at its validUntil, it records GrantExpired with that time', () => {
    spec
      .given(anActiveGrant())
      .when(expireGrant())
      .then([grantExpired('2027-12-01T00:00:00.000Z')]);
  });

  it('given an active grant, when the timer fires a day after its validUntil, it records GrantExpired', () => {
    spec
      .given(anActiveGrant())
      .when(expireGrant({ at: new Date('2027-12-02T00:00:00Z') }))
      .then([grantExpired()]);
  });

  it('given a suspended grant, when the timer fires at its validUntil, it records GrantExpired', () => {
    spec.given(aSuspendedGrant()).when(expireGrant()).then([grantExpired()]);
  });

  it('given a suspended grant valid until 1 March 2027, when the timer fires then, it records GrantExpired with that validUntil', () => {
    const validUntil = '2027-03-01T00:00:00.000Z';
    spec
      .given([accessGranted({ validUntil }), grantSuspended()])
      .when(expireGrant({ at: new Date(validUntil) }))
      .then([grantExpired(validUntil)]);
  });

  it.each([
    ['an expired', anExpiredGrant],
    ['a revoked', () => aRevokedGrant()],
  ])('given %s grant, when the timer fires, it records nothing', (_, history) => {
    spec.given(history()).when(expireGrant()).then([]);
  });

  it('given an active grant, when the timer fires a second before its validUntil, it is refused as GrantNotYetExpired', () => {
    spec
      .given(anActiveGrant())
      .when(expireGrant({ at: new Date(VALID_UNTIL.getTime() - 1000) }))
      .thenThrows('GrantNotYetExpired');
  });

  it.each<[string, Actor]>([
    ['a supervisor', supervisor],
    ['an officer of the dataset’s organisation', bodyOfficer],
    ['the grantee', dataUser],
    ['the platform admin', platformAdmin],
  ])(
    'given an active grant past its validUntil, when %s expires it, it is refused as SystemOnly',
    (_, actor) => {
      spec
        .given(anActiveGrant())
        .when(expireGrant({ by: actor }))
        .thenThrows('SystemOnly');
    },
  );
});
