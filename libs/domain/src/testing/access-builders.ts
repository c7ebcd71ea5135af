import type {
  AccessGrantedV1,
  AccessRevokedV1,
  Actor,
  AgreementTermsV1,
  ApplicationRejectedV1,
  ApplicationSubmittedV1,
  DatasetRegisteredV1,
  UsageReportedV1,
  ViolationConfirmedV1,
  ViolationReportedV1,
} from '@ledger/events';
import { SYSTEM_ACTOR } from '@ledger/events';
import type {
  ApproveApplication,
  RejectApplication,
  RequestApplicationSupplement,
  SignAgreement,
  SubmitApplication,
  SupplementApplication,
  WithdrawApplication,
} from '../access-application/access-application.commands';
import type { ApplicationEvent } from '../access-application/access-application.state';
import type { DatasetContext } from '../correction/correction.commands';
import { CommandMetadata, fold } from '../decider';
import type { DatasetEvent } from '../dataset/dataset.state';
import type {
  ExpireGrant,
  ReinstateGrant,
  ReportUsage,
  RevokeGrant,
  SuspendGrant,
} from '../grant/grant.commands';
import { grantDecider } from '../grant/grant.decide';
import type { GrantEvent } from '../grant/grant.state';
import type {
  ConfirmViolation,
  DismissViolation,
  GrantContext,
  OpenViolationInvestigation,
  ReportViolation,
} from '../violation/violation.commands';
import type { ViolationEvent } from '../violation/violation.state';
import { anOpenDataset, bodyOfficer, datasetContext, NOW, sealed } from './measures-builders';

/*
 * Builders for conditional access (applications, grants, violation cases): every command and event
 * with defaults, so a test names only what it is about. The defaults tell one story: data user-1
 * applies for org-a's conditional ridership dataset, officer-1 approves, user-1 signs and is granted
 * access from 2026-12-01 until 2027-12-01. The clock stands at NOW (2026-11-30) unless a builder is
 * given another time (`at`).
 */

export const APPLICATION_ID = 'application-1';
export const GRANT_ID = 'grant-1';
export const OTHER_GRANT_ID = 'grant-2';
export const VIOLATION_ID = 'violation-1';
export const CONDITIONAL_DATASET_ID = 'bus-ridership';
export const ACCESS_EVENT_ID = '0f6b1e5e-3f4d-4c2a-9a53-6c1c2b7e9d10';

export const dataUser: Actor = { id: 'user-1', role: 'data_user' };
export const otherDataUser: Actor = { id: 'user-2', role: 'data_user' };
export const supervisor: Actor = { id: 'supervisor-1', role: 'supervisor' };
export const complianceOfficer: Actor = { id: 'auditor-1', role: 'compliance_officer' };
export const systemActor: Actor = SYSTEM_ACTOR;

/** The clock of a command: NOW unless the test is about time. */
export const at = (actor: Actor, now: Date = NOW): CommandMetadata => ({ now, actor });

// Datasets

export const CONDITIONAL_FIELDS = ['stop_id', 'hour', 'boardings', 'alightings', 'card_type'];

export const conditionalRegistration = (
  overrides: Partial<DatasetRegisteredV1> = {},
): Partial<DatasetRegisteredV1> => ({
  title: 'Bus card ridership by stop and hour (公交刷卡客流)',
  classification: 'conditional',
  classificationBasis: 'continuous access to a time-sensitive, high-volume source',
  fields: CONDITIONAL_FIELDS,
  openConditions: 'a stated research or planning purpose and secured storage',
  ...overrides,
});

/** org-a's ridership data, conditional, registered and released once (open). */
export const aConditionalOpenDataset = (overrides: Partial<DatasetRegisteredV1> = {}): DatasetEvent[] =>
  anOpenDataset(conditionalRegistration(overrides));

/** Where an application or grant command is decided: on which dataset history (default: conditional and open), by whom, when. */
export interface AccessOptions {
  dataset?: DatasetEvent[];
  by?: Actor;
  at?: Date;
}

const contextOf = (options: AccessOptions): DatasetContext =>
  datasetContext(options.dataset ?? aConditionalOpenDataset());

// Applications

export const REQUESTED_PERIOD = { from: '2026-12-01T00:00:00.000Z', until: '2027-12-01T00:00:00.000Z' };

export const submission = (overrides: Partial<ApplicationSubmittedV1> = {}): ApplicationSubmittedV1 => ({
  datasetId: CONDITIONAL_DATASET_ID,
  applicantPrincipal: dataUser.id,
  applicant: sealed({ subject: 'applicant-subject', mac: 'YXBwbGljYW50LW1hYw==' }),
  purpose: 'plan feeder bus routes for the new metro line 19',
  scenario: 'an origin-destination model of the district’s bus network',
  securityMeasures: 'encrypted storage in the institute’s data room; no copies leave it',
  requestedFields: ['stop_id', 'hour', 'boardings', 'alightings'],
  requestedPeriod: REQUESTED_PERIOD,
  ...overrides,
});

export const agreementTerms = (overrides: Partial<AgreementTermsV1> = {}): AgreementTermsV1 => ({
  scope: 'feeder route planning for metro line 19, aggregated results only',
  fields: ['stop_id', 'hour', 'boardings'],
  validFrom: REQUESTED_PERIOD.from,
  validUntil: REQUESTED_PERIOD.until,
  obligations: 'publish no figure below 10 boardings; report use every 90 days',
  reportingInterval: 'P90D',
  ...overrides,
});

export const QUESTIONS = 'Who besides the applicant will see the data?';
export const ANSWERS = 'Two named analysts of the institute, under the same measures.';

export const rejection = (overrides: Partial<ApplicationRejectedV1> = {}): ApplicationRejectedV1 => ({
  reasonCodes: ['purpose_not_specific'],
  explanation: 'the purpose does not say which decisions the data will inform',
  ...overrides,
});

export const applicationSubmitted = (overrides: Partial<ApplicationSubmittedV1> = {}): ApplicationEvent => ({
  type: 'ApplicationSubmitted',
  data: submission(overrides),
});

export const applicationSupplementRequested = (questions = QUESTIONS): ApplicationEvent => ({
  type: 'ApplicationSupplementRequested',
  data: { questions },
});

export const applicationSupplemented = (answers = ANSWERS): ApplicationEvent => ({
  type: 'ApplicationSupplemented',
  data: { answers },
});

export const applicationApproved = (overrides: Partial<AgreementTermsV1> = {}): ApplicationEvent => ({
  type: 'ApplicationApproved',
  data: { agreement: agreementTerms(overrides) },
});

export const applicationRejected = (overrides: Partial<ApplicationRejectedV1> = {}): ApplicationEvent => ({
  type: 'ApplicationRejected',
  data: rejection(overrides),
});

export const applicationWithdrawn = (): ApplicationEvent => ({ type: 'ApplicationWithdrawn', data: {} });

export const agreementSigned = (grantId = GRANT_ID, signedBy = dataUser.id): ApplicationEvent => ({
  type: 'AgreementSigned',
  data: { signedBy, grantId },
});

export const aSubmittedApplication = (
  overrides: Partial<ApplicationSubmittedV1> = {},
): ApplicationEvent[] => [applicationSubmitted(overrides)];

export const anApplicationAwaitingSupplement = (): ApplicationEvent[] => [
  applicationSubmitted(),
  applicationSupplementRequested(),
];

export const aSupplementedApplication = (): ApplicationEvent[] => [
  ...anApplicationAwaitingSupplement(),
  applicationSupplemented(),
];

export const anApprovedApplication = (overrides: Partial<AgreementTermsV1> = {}): ApplicationEvent[] => [
  applicationSubmitted(),
  applicationApproved(overrides),
];

export const aSignedApplication = (grantId = GRANT_ID): ApplicationEvent[] => [
  ...anApprovedApplication(),
  agreementSigned(grantId),
];

export const aRejectedApplication = (): ApplicationEvent[] => [applicationSubmitted(), applicationRejected()];

export const aWithdrawnApplication = (): ApplicationEvent[] => [
  applicationSubmitted(),
  applicationWithdrawn(),
];

export const submitApplication = (
  overrides: Partial<ApplicationSubmittedV1> = {},
  options: AccessOptions = {},
): SubmitApplication => ({
  type: 'SubmitApplication',
  data: submission(overrides),
  context: contextOf(options),
  metadata: at(options.by ?? dataUser, options.at),
});

export const requestApplicationSupplement = (
  questions = QUESTIONS,
  options: AccessOptions = {},
): RequestApplicationSupplement => ({
  type: 'RequestApplicationSupplement',
  data: { questions },
  context: contextOf(options),
  metadata: at(options.by ?? bodyOfficer, options.at),
});

export const supplementApplication = (
  answers = ANSWERS,
  options: AccessOptions = {},
): SupplementApplication => ({
  type: 'SupplementApplication',
  data: { answers },
  metadata: at(options.by ?? dataUser, options.at),
});

export const approveApplication = (
  overrides: Partial<AgreementTermsV1> = {},
  options: AccessOptions = {},
): ApproveApplication => ({
  type: 'ApproveApplication',
  data: { agreement: agreementTerms(overrides) },
  context: contextOf(options),
  metadata: at(options.by ?? bodyOfficer, options.at),
});

export const rejectApplication = (
  overrides: Partial<ApplicationRejectedV1> = {},
  options: AccessOptions = {},
): RejectApplication => ({
  type: 'RejectApplication',
  data: rejection(overrides),
  context: contextOf(options),
  metadata: at(options.by ?? bodyOfficer, options.at),
});

export const withdrawApplication = (options: AccessOptions = {}): WithdrawApplication => ({
  type: 'WithdrawApplication',
  metadata: at(options.by ?? dataUser, options.at),
});

export const signAgreement = (options: AccessOptions & { grantId?: string } = {}): SignAgreement => ({
  type: 'SignAgreement',
  applicationId: APPLICATION_ID,
  grantId: options.grantId ?? GRANT_ID,
  context: contextOf(options),
  metadata: at(options.by ?? dataUser, options.at),
});

// Grants

/** The grant the default application's signature opens. */
export const accessGrant = (overrides: Partial<AccessGrantedV1> = {}): AccessGrantedV1 => ({
  applicationId: APPLICATION_ID,
  datasetId: CONDITIONAL_DATASET_ID,
  grantee: dataUser.id,
  ...agreementTerms(),
  ...overrides,
});

/** When the grantee reports on its first quarter. */
export const REPORTED_AT = new Date('2027-03-05T02:00:00Z');

export const usageReport = (overrides: Partial<UsageReportedV1> = {}): UsageReportedV1 => ({
  period: { from: '2026-12-01T00:00:00.000Z', until: '2027-03-01T00:00:00.000Z' },
  summary: 'boardings by hour fed the feeder-route model; no figures published yet',
  outputs: ['interim route options memo'],
  ...overrides,
});

export const revocation = (overrides: Partial<AccessRevokedV1> = {}): AccessRevokedV1 => ({
  reason: 'the data was shared with a third party',
  publicize: true,
  ...overrides,
});

export const SUSPENSION_REASON = 'a possible use beyond the agreed scope is being checked';
export const REINSTATEMENT_REASON = 'the check found the use within scope';

export const accessGranted = (overrides: Partial<AccessGrantedV1> = {}): GrantEvent => ({
  type: 'AccessGranted',
  data: accessGrant(overrides),
});

export const usageReported = (overrides: Partial<UsageReportedV1> = {}): GrantEvent => ({
  type: 'UsageReported',
  data: usageReport(overrides),
});

export const grantSuspended = (reason = SUSPENSION_REASON): GrantEvent => ({
  type: 'GrantSuspended',
  data: { reason },
});

export const grantReinstated = (reason = REINSTATEMENT_REASON): GrantEvent => ({
  type: 'GrantReinstated',
  data: { reason },
});

export const accessRevoked = (overrides: Partial<AccessRevokedV1> = {}): GrantEvent => ({
  type: 'AccessRevoked',
  data: revocation(overrides),
});

export const grantExpired = (validUntil = accessGrant().validUntil): GrantEvent => ({
  type: 'GrantExpired',
  data: { validUntil },
});

export const anActiveGrant = (overrides: Partial<AccessGrantedV1> = {}): GrantEvent[] => [
  accessGranted(overrides),
];

export const aSuspendedGrant = (): GrantEvent[] => [accessGranted(), grantSuspended()];

export const aRevokedGrant = (overrides: Partial<AccessRevokedV1> = {}): GrantEvent[] => [
  accessGranted(),
  accessRevoked(overrides),
];

export const anExpiredGrant = (): GrantEvent[] => [accessGranted(), grantExpired()];

export const reportUsage = (
  overrides: Partial<UsageReportedV1> = {},
  options: Omit<AccessOptions, 'dataset'> = {},
): ReportUsage => ({
  type: 'ReportUsage',
  data: usageReport(overrides),
  metadata: at(options.by ?? dataUser, options.at ?? REPORTED_AT),
});

export const suspendGrant = (options: AccessOptions & { reason?: string } = {}): SuspendGrant => ({
  type: 'SuspendGrant',
  data: { reason: options.reason ?? SUSPENSION_REASON },
  context: contextOf(options),
  metadata: at(options.by ?? supervisor, options.at),
});

export const reinstateGrant = (options: AccessOptions & { reason?: string } = {}): ReinstateGrant => ({
  type: 'ReinstateGrant',
  data: { reason: options.reason ?? REINSTATEMENT_REASON },
  context: contextOf(options),
  metadata: at(options.by ?? supervisor, options.at),
});

export const revokeGrant = (
  overrides: Partial<AccessRevokedV1> = {},
  options: Omit<AccessOptions, 'dataset'> = {},
): RevokeGrant => ({
  type: 'RevokeGrant',
  data: revocation(overrides),
  metadata: at(options.by ?? supervisor, options.at),
});

/** The timer's command, by default at the moment the default grant's validity ends. */
export const expireGrant = (options: Omit<AccessOptions, 'dataset'> = {}): ExpireGrant => ({
  type: 'ExpireGrant',
  metadata: at(options.by ?? systemActor, options.at ?? new Date(accessGrant().validUntil)),
});

/** The grant as a violation case sees it: its history folded with the grant decider's own evolve. */
export const grantContext = (history: GrantEvent[]): GrantContext => ({ grant: fold(grantDecider, history) });

// Violation cases

export const violationReport = (overrides: Partial<ViolationReportedV1> = {}): ViolationReportedV1 => ({
  grantId: GRANT_ID,
  datasetId: CONDITIONAL_DATASET_ID,
  description: 'route model outputs with per-card journeys appeared on a public forum',
  source: 'person',
  ...overrides,
});

/** A case raised from a detection: about a principal with no active grant, naming the access event. */
export const detectionReport = (overrides: Partial<ViolationReportedV1> = {}): ViolationReportedV1 => ({
  principal: otherDataUser.id,
  datasetId: CONDITIONAL_DATASET_ID,
  description: 'downloaded conditional data without an active grant (no_active_grant)',
  source: 'detection',
  accessEventId: ACCESS_EVENT_ID,
  ...overrides,
});

export const confirmation = (overrides: Partial<ViolationConfirmedV1> = {}): ViolationConfirmedV1 => ({
  sanction: 'access_closed',
  findings: 'the grantee’s analyst posted journey-level extracts; the agreement allows aggregates only',
  publicize: true,
  ...overrides,
});

export const DISMISSAL_EXPLANATION = 'the posted figures were aggregated above the agreed threshold';

export const violationReported = (overrides: Partial<ViolationReportedV1> = {}): ViolationEvent => ({
  type: 'ViolationReported',
  data: violationReport(overrides),
});

export const violationInvestigationOpened = (): ViolationEvent => ({
  type: 'ViolationInvestigationOpened',
  data: {},
});

export const violationConfirmed = (overrides: Partial<ViolationConfirmedV1> = {}): ViolationEvent => ({
  type: 'ViolationConfirmed',
  data: confirmation(overrides),
});

export const violationDismissed = (explanation = DISMISSAL_EXPLANATION): ViolationEvent => ({
  type: 'ViolationDismissed',
  data: { explanation },
});

export const aReportedViolation = (overrides: Partial<ViolationReportedV1> = {}): ViolationEvent[] => [
  violationReported(overrides),
];

export const aViolationUnderInvestigation = (
  overrides: Partial<ViolationReportedV1> = {},
): ViolationEvent[] => [violationReported(overrides), violationInvestigationOpened()];

export const aConfirmedViolation = (): ViolationEvent[] => [
  ...aViolationUnderInvestigation(),
  violationConfirmed(),
];

export const aDismissedViolation = (): ViolationEvent[] => [
  ...aViolationUnderInvestigation(),
  violationDismissed(),
];

/** Where a violation command is decided: on which grant history (default: an active grant), by whom. */
export interface ViolationOptions {
  grant?: GrantEvent[];
  by?: Actor;
}

export const reportViolation = (
  data: ViolationReportedV1 = violationReport(),
  options: ViolationOptions = {},
): ReportViolation => ({
  type: 'ReportViolation',
  data,
  context: grantContext(options.grant ?? anActiveGrant()),
  metadata: at(options.by ?? supervisor),
});

export const openViolationInvestigation = (options: ViolationOptions = {}): OpenViolationInvestigation => ({
  type: 'OpenViolationInvestigation',
  metadata: at(options.by ?? supervisor),
});

export const confirmViolation = (
  overrides: Partial<ViolationConfirmedV1> = {},
  options: ViolationOptions = {},
): ConfirmViolation => ({
  type: 'ConfirmViolation',
  violationId: VIOLATION_ID,
  data: confirmation(overrides),
  context: grantContext(options.grant ?? anActiveGrant()),
  metadata: at(options.by ?? supervisor),
});

export const dismissViolation = (
  explanation = DISMISSAL_EXPLANATION,
  options: ViolationOptions = {},
): DismissViolation => ({
  type: 'DismissViolation',
  data: { explanation },
  metadata: at(options.by ?? supervisor),
});
