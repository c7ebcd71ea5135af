import type { SealedPersonalDataV1 } from './measures-events.v1';

/**
 * Frozen v1 data shapes of conditional access (domain.md: AccessApplication, Grant, Usage,
 * ViolationCase): a data user applies for conditional data, the dataset's body reviews, approval
 * carries the data utilisation agreement (数据利用协议), signing it opens a grant, the grant's use is
 * reported and watched, and a violation closes the access (关闭数据获取权限). A change of shape is a
 * new schema version with an upcaster; a change of meaning is a new event type.
 */

/** A span of time, both ends RFC 3339, `from` before `until`. */
export interface PeriodV1 {
  from: string;
  until: string;
}

/** A data user applied for a conditional dataset, stating purpose, scenario and security measures. */
export interface ApplicationSubmittedV1 {
  datasetId: string;
  /** The principal that submitted the application: its owner, the only one who supplements, withdraws and signs. */
  applicantPrincipal: string;
  /** The applicant's details as given (name, contact), sealed under the person's key. */
  applicant?: SealedPersonalDataV1;
  purpose: string;
  scenario: string;
  securityMeasures: string;
  requestedFields: string[];
  requestedPeriod: PeriodV1;
}

/** The reviewing body asked the applicant for more; the review clock stops until the answers come. */
export interface ApplicationSupplementRequestedV1 {
  questions: string;
}

/** The applicant answered; the review clock starts again. */
export interface ApplicationSupplementedV1 {
  answers: string;
}

/** The data utilisation agreement an approval carries: what the grant will allow, until when, on what terms. */
export interface AgreementTermsV1 {
  scope: string;
  fields: string[];
  validFrom: string;
  validUntil: string;
  obligations: string;
  /** ISO 8601 duration (`P30D`, `P1M`): how often the grantee reports on use. */
  reportingInterval: string;
}

export interface ApplicationApprovedV1 {
  agreement: AgreementTermsV1;
}

/** Refused, with the reasons named (codes for the statistics, an explanation for the applicant). */
export interface ApplicationRejectedV1 {
  reasonCodes: string[];
  explanation: string;
}

/** The applicant withdrew the application: the fact is the whole event. */
export type ApplicationWithdrawnV1 = Record<string, never>;

/** The applicant signed the agreement; the grant `grant-<grantId>` opens in the same append. */
export interface AgreementSignedV1 {
  signedBy: string;
  grantId: string;
}

/** Access opened under a signed agreement: who may use which fields of which dataset, from when until when. */
export interface AccessGrantedV1 {
  applicationId: string;
  datasetId: string;
  /** The principal the grant is for (the application's owner). */
  grantee: string;
  scope: string;
  fields: string[];
  validFrom: string;
  validUntil: string;
  obligations: string;
  reportingInterval: string;
}

/** The grantee reported on its use of the data for a period. */
export interface UsageReportedV1 {
  period: PeriodV1;
  summary: string;
  outputs?: string[];
}

export interface GrantSuspendedV1 {
  reason: string;
}

export interface GrantReinstatedV1 {
  reason: string;
}

/** Access closed for good; `violationCaseId` when a confirmed violation closed it, `publicize` when the notice is public. */
export interface AccessRevokedV1 {
  reason: string;
  violationCaseId?: string;
  publicize: boolean;
}

/** The grant reached its `validUntil` (recorded by the ledger's timer). */
export interface GrantExpiredV1 {
  validUntil: string;
}

export const DETECTION_REASONS = [
  'no_active_grant',
  'fields_outside_grant',
  'before_grant_validity',
  'grant_expired',
  'grant_suspended',
  'grant_revoked',
] as const;
/** Why an access to conditional data looked like a violation. */
export type DetectionReason = (typeof DETECTION_REASONS)[number];

/**
 * The ledger's detection saw an access to conditional data that no active grant covers, recorded in
 * `detection-<datasetId>`. A suspicion for supervisors to look into, not a finding.
 */
export interface SuspectedViolationDetectedV1 {
  /** The `DataAccessed` event's id. */
  accessEventId: string;
  datasetId: string;
  principal: string;
  grantId?: string;
  reason: DetectionReason;
  /** The accessed fields the grant does not cover (`fields_outside_grant`). */
  fields?: string[];
}

export const VIOLATION_SOURCES = ['person', 'detection'] as const;
export type ViolationSource = (typeof VIOLATION_SOURCES)[number];

/** A violation was reported, about a grant or a principal; by a person or raised from a detection. */
export interface ViolationReportedV1 {
  grantId?: string;
  principal?: string;
  /** The dataset concerned, when known (always for detections). */
  datasetId?: string;
  description: string;
  source: ViolationSource;
  /** `source: detection`: the `DataAccessed` event that raised it. */
  accessEventId?: string;
}

export type ViolationInvestigationOpenedV1 = Record<string, never>;

export const VIOLATION_SANCTIONS = ['access_closed', 'agreement_terminated', 'credit_record'] as const;
export type ViolationSanction = (typeof VIOLATION_SANCTIONS)[number];

/** The supervisor confirmed the violation; with a grant, its `AccessRevoked` is recorded in the same append. */
export interface ViolationConfirmedV1 {
  sanction: ViolationSanction;
  findings: string;
  publicize: boolean;
}

export interface ViolationDismissedV1 {
  explanation: string;
}
