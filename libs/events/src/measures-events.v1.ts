/**
 * Frozen v1 data shapes of the Measures' events (domain.md): datasets on the open list, data
 * corrections, rights objections, the rulebook and erasures. A change of shape is a new schema version
 * with an upcaster (upcasters.ts); a change of meaning is a new event type.
 */

export const CLASSIFICATIONS = ['unconditional', 'conditional', 'non_open'] as const;
/** 无条件开放 / 有条件开放 / 非开放. */
export type Classification = (typeof CLASSIFICATIONS)[number];

export const UPDATE_FREQUENCIES = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
export type UpdateFrequency = (typeof UPDATE_FREQUENCIES)[number];

export const SUSPENSION_CAUSES = ['objection', 'correction', 'security', 'other'] as const;
export type SuspensionCause = (typeof SUSPENSION_CAUSES)[number];

export const CORRECTION_OUTCOMES = ['corrected', 'no_error_found'] as const;
export type CorrectionOutcome = (typeof CORRECTION_OUTCOMES)[number];

export const OBJECTION_GROUNDS = ['privacy', 'trade_secret', 'other_rights'] as const;
export type ObjectionGround = (typeof OBJECTION_GROUNDS)[number];

export const OBJECTION_OUTCOMES = ['withdrawn', 'reopened_after_processing', 'restored'] as const;
export type ObjectionOutcome = (typeof OBJECTION_OUTCOMES)[number];

/** The statutory clocks (domain.md, "Deadlines") a DeadlineMissed may name. */
export const MISSED_DEADLINES = [
  'application_review',
  'correction_verification',
  'objection_suspension',
  'objection_verification',
  'usage_report',
  'dataset_update',
] as const;
export type MissedDeadline = (typeof MISSED_DEADLINES)[number];

/**
 * Personal data as the journal holds it (architecture.md §6): AES-256-GCM under the key of one person
 * (`subject`), which is kept outside the journal and wrapped by the master key. Erasing the person
 * deletes that key: the envelope stays, and so does every leaf hash, but nothing can open it, and the
 * `mac` (HMAC-SHA-256 of the plaintext under a key derived from the same person key) can no longer be
 * recomputed to link a guess to it.
 */
export interface SealedPersonalDataV1 {
  sealed: 'A256GCM';
  /** The person's key id: a random UUID, meaningless once the key is erased. */
  subject: string;
  /** Base64 of the 12-byte nonce. */
  iv: string;
  /** Base64 of the ciphertext followed by the 16-byte GCM tag. */
  ciphertext: string;
  /** Base64 of the keyed hash of the plaintext: how an idempotent retry is recognised. */
  mac: string;
}

/** A person's details as filed; only ever stored sealed. */
export interface ContactDetails {
  name: string;
  contact: string;
}

export interface MaskingRuleV1 {
  field: string;
  method: string;
}

/** A data-opening body put a data resource on its open list, classified. */
export interface DatasetRegisteredV1 {
  title: string;
  organizationId: string;
  classification: Classification;
  classificationBasis: string;
  fields: string[];
  updateFrequency: UpdateFrequency;
  openConditions?: string;
}

/** The body changed the classification; leaving `non_open` names a desensitisation or consent reference. */
export interface DatasetReclassifiedV1 {
  from: Classification;
  to: Classification;
  reason: string;
  desensitisationRef?: string;
  consentRef?: string;
}

/**
 * A version of the dataset was released (opened). `objectionId` is set when the release reopens the
 * dataset after processing, in the same append as that objection's resolution.
 */
export interface DatasetReleasedV1 {
  version: number;
  checksum: string;
  recordCount: number;
  format: string;
  maskingRules: MaskingRuleV1[];
  notes?: string;
  objectionId?: string;
}

export interface DatasetSuspendedV1 {
  reason: string;
  cause: SuspensionCause;
  causeRef?: string;
}

/** Opening resumed; `objectionId` when an objection's resolution restored it. */
export interface DatasetRestoredV1 {
  reason: string;
  objectionId?: string;
}

/** Opening ended for good; `objectionId` when an objection's resolution withdrew it. */
export interface DatasetWithdrawnV1 {
  reason: string;
  objectionId?: string;
}

/** Someone reported an error or omission in a released version (数据纠错). */
export interface CorrectionRequestedV1 {
  datasetId: string;
  datasetVersion: number;
  description: string;
  fields?: string[];
  evidence?: SealedPersonalDataV1;
  reporter?: SealedPersonalDataV1;
}

/** The fact itself is the whole event: no data. */
export type CorrectionVerificationStartedV1 = Record<string, never>;

/** `releaseVersion` (when corrected) names the release that carries the correction. */
export interface CorrectionResolvedV1 {
  outcome: CorrectionOutcome;
  releaseVersion?: number;
  explanation: string;
}

/** Someone who believes the opened data infringes their rights notified the body (权益保护). */
export interface ObjectionFiledV1 {
  datasetId: string;
  ground: ObjectionGround;
  description: string;
  evidence?: SealedPersonalDataV1;
  objector: SealedPersonalDataV1;
}

/** The fact itself is the whole event: no data. */
export type ObjectionVerificationStartedV1 = Record<string, never>;

/** `releaseVersion` names the release that reopened the dataset after processing. */
export interface ObjectionResolvedV1 {
  outcome: ObjectionOutcome;
  explanation: string;
  releaseVersion?: number;
}

/** A rulebook version came into force: its whole content, so the journal alone tells what every decision was taken under. */
export interface RulebookPublishedV1 {
  id: string;
  version: number;
  inForceFrom: string;
  /** Hex SHA-256 of the rulebook's canonical (RFC 8785) JSON. */
  digest: string;
  rulebook: Record<string, unknown>;
}

/** A platform admin erased a person's personal data: their keys are gone, so every envelope sealed under them is unreadable. */
export interface PersonalDataErasedV1 {
  /** The erased key ids (the `subject` of the envelopes). */
  subjects: string[];
  /** Set when the erasure named a principal rather than a contact. */
  principalId?: string;
  reason: string;
}

/**
 * A statutory clock ran out before what stops it happened (domain.md, "Clocks"): recorded by the ledger
 * itself, once per missed deadline, in the stream `deadline-<case stream>.<clock>[.v<release>]`.
 */
export interface DeadlineMissedV1 {
  /** The stream whose clock it was: `correction-…`, `objection-…`, `application-…`, `grant-…` (`usage_report`), or `dataset-…` (`dataset_update`). */
  caseStream: string;
  deadline: MissedDeadline;
  /** RFC 3339: when the clock ran out. */
  dueAt: string;
  /** ISO 8601 duration (`PT2H5M`): how late it was when recorded, or when the clock stopped late. */
  lateBy: string;
  /** `dataset_update`: the release after which the next one was due. */
  releaseVersion?: number;
  /** `application_review`: which review, 1 from the submission, 2, 3… from each supplement that restarted it. */
  round?: number;
}
