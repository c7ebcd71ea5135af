import type {
  Actor,
  CorrectionOutcome,
  CorrectionRequestedV1,
  DatasetReclassifiedV1,
  DatasetRegisteredV1,
  DatasetReleasedV1,
  ObjectionFiledV1,
  ObjectionOutcome,
  SealedPersonalDataV1,
  SuspensionCause,
} from '@ledger/events';
import type {
  DatasetContext,
  RequestCorrection,
  ResolveCorrection,
  StartCorrectionVerification,
} from '../correction/correction.commands';
import type { CorrectionEvent } from '../correction/correction.state';
import { CommandMetadata, fold } from '../decider';
import type {
  ReclassifyDataset,
  RegisterDataset,
  ReleaseDataset,
  RestoreDataset,
  SuspendDataset,
  WithdrawDataset,
} from '../dataset/dataset.commands';
import { datasetDecider } from '../dataset/dataset.decide';
import type { DatasetEvent } from '../dataset/dataset.state';
import type {
  FileObjection,
  ResolveObjection,
  StartObjectionVerification,
} from '../objection/objection.commands';
import type { ObjectionEvent } from '../objection/objection.state';

/*
 * Builders for the Measures' deciders (datasets, corrections, objections): every command and event
 * with defaults, so a test names only what it is about. Dataset histories are event lists, folded with
 * the dataset decider's own evolve wherever a command needs the dataset as context.
 */

export const NOW = new Date('2026-11-30T02:00:00Z');

export const DATASET_ID = 'bus-stops';
export const OBJECTION_X = 'objection-x';
export const OBJECTION_Y = 'objection-y';

export const bodyOfficer: Actor = { id: 'officer-1', role: 'body_officer', organizationId: 'org-a' };
export const otherOrgOfficer: Actor = { id: 'officer-2', role: 'body_officer', organizationId: 'org-b' };
export const publisherOfOrgA: Actor = { id: 'catalogue-a', role: 'publisher', organizationId: 'org-a' };
export const publisherOfOrgB: Actor = { id: 'catalogue-b', role: 'publisher', organizationId: 'org-b' };
export const anonymous: Actor = { id: 'anonymous', role: 'public' };
export const platformAdmin: Actor = { id: 'admin-1', role: 'platform_admin' };

export const by = (actor: Actor): CommandMetadata => ({ now: NOW, actor });

/** A sealed envelope; the defaults stand for one person's filing. */
export const sealed = (overrides: Partial<SealedPersonalDataV1> = {}): SealedPersonalDataV1 => ({
  sealed: 'A256GCM',
  subject: 'subject-1',
  iv: 'aXYtYXR0ZW1wdC0x',
  ciphertext: 'Y2lwaGVydGV4dC1hdHRlbXB0LTE=',
  mac: 'bWFjLW9mLXRoZS1wbGFpbnRleHQ=',
  ...overrides,
});

/** The same plaintext sealed again, as a retry seals it: a new IV and ciphertext, the same subject and mac. */
export const resealed = (envelope: SealedPersonalDataV1): SealedPersonalDataV1 => ({
  ...envelope,
  iv: `${envelope.iv}-retry`,
  ciphertext: `${envelope.ciphertext}-retry`,
});

// Datasets

export const registration = (overrides: Partial<DatasetRegisteredV1> = {}): DatasetRegisteredV1 => ({
  title: 'Bus stops of Shanghai (公交站点)',
  organizationId: 'org-a',
  classification: 'unconditional',
  classificationBasis: 'no personal information, no trade secrets',
  fields: ['stop_id', 'name', 'lat', 'lon'],
  updateFrequency: 'monthly',
  ...overrides,
});

export const release = (version: number, overrides: Partial<DatasetReleasedV1> = {}): DatasetReleasedV1 => ({
  version,
  checksum: String(version % 10).repeat(64),
  recordCount: 1200,
  format: 'csv',
  maskingRules: [],
  ...overrides,
});

/** A release that masks what an objection found (reopened after processing). */
export const maskedRelease = (version: number): Omit<DatasetReleasedV1, 'objectionId'> =>
  release(version, { maskingRules: [{ field: 'name', method: 'suppressed' }], notes: 'names masked' });

export const SUSPENSION_REASONS: Record<SuspensionCause, string> = {
  objection: 'a rights objection names personal data in the release',
  correction: 'a reported error makes the release unsafe to use',
  security: 'a security incident is under investigation',
  other: 'the source system is being replaced',
};

export const datasetRegistered = (overrides: Partial<DatasetRegisteredV1> = {}): DatasetEvent => ({
  type: 'DatasetRegistered',
  data: registration(overrides),
});

export const datasetReclassified = (data: DatasetReclassifiedV1): DatasetEvent => ({
  type: 'DatasetReclassified',
  data,
});

export const datasetReleased = (
  version: number,
  overrides: Partial<DatasetReleasedV1> = {},
): DatasetEvent => ({
  type: 'DatasetReleased',
  data: release(version, overrides),
});

export const datasetSuspended = (cause: SuspensionCause, causeRef?: string): DatasetEvent => ({
  type: 'DatasetSuspended',
  data: { reason: SUSPENSION_REASONS[cause], cause, ...(causeRef !== undefined && { causeRef }) },
});

export const datasetRestored = (reason = 'the incident is closed', objectionId?: string): DatasetEvent => ({
  type: 'DatasetRestored',
  data: { reason, ...(objectionId !== undefined && { objectionId }) },
});

export const datasetWithdrawn = (
  reason = 'the source is discontinued',
  objectionId?: string,
): DatasetEvent => ({
  type: 'DatasetWithdrawn',
  data: { reason, ...(objectionId !== undefined && { objectionId }) },
});

export const aRegisteredDataset = (overrides: Partial<DatasetRegisteredV1> = {}): DatasetEvent[] => [
  datasetRegistered(overrides),
];

/** Registered and released once (version 1). */
export const anOpenDataset = (overrides: Partial<DatasetRegisteredV1> = {}): DatasetEvent[] => [
  datasetRegistered(overrides),
  datasetReleased(1),
];

export const aSuspendedDataset = (cause: SuspensionCause, causeRef?: string): DatasetEvent[] => [
  ...anOpenDataset(),
  datasetSuspended(cause, causeRef),
];

export const aDatasetSuspendedByObjection = (objectionId: string): DatasetEvent[] =>
  aSuspendedDataset('objection', objectionId);

export const aDatasetSuspendedForSecurity = (): DatasetEvent[] => aSuspendedDataset('security', 'INC-2026-7');

export const aWithdrawnDataset = (): DatasetEvent[] => [...anOpenDataset(), datasetWithdrawn()];

export const registerDataset = (
  overrides: Partial<DatasetRegisteredV1> = {},
  actor: Actor = bodyOfficer,
): RegisterDataset => ({ type: 'RegisterDataset', data: registration(overrides), metadata: by(actor) });

export const reclassifyDataset = (
  data: ReclassifyDataset['data'],
  actor: Actor = bodyOfficer,
): ReclassifyDataset => ({ type: 'ReclassifyDataset', data, metadata: by(actor) });

export const releaseDataset = (
  version: number,
  overrides: Partial<DatasetReleasedV1> = {},
  actor: Actor = bodyOfficer,
): ReleaseDataset => ({ type: 'ReleaseDataset', data: release(version, overrides), metadata: by(actor) });

export const suspendDataset = (
  cause: SuspensionCause,
  causeRef?: string,
  actor: Actor = bodyOfficer,
): SuspendDataset => ({
  type: 'SuspendDataset',
  data: { reason: SUSPENSION_REASONS[cause], cause, ...(causeRef !== undefined && { causeRef }) },
  metadata: by(actor),
});

export const restoreDataset = (
  options: { objectionId?: string; by?: Actor } = {},
  reason = 'the incident is closed',
): RestoreDataset => ({
  type: 'RestoreDataset',
  data: { reason, ...(options.objectionId !== undefined && { objectionId: options.objectionId }) },
  metadata: by(options.by ?? bodyOfficer),
});

export const withdrawDataset = (
  options: { objectionId?: string; by?: Actor } = {},
  reason = 'the source is discontinued',
): WithdrawDataset => ({
  type: 'WithdrawDataset',
  data: { reason, ...(options.objectionId !== undefined && { objectionId: options.objectionId }) },
  metadata: by(options.by ?? bodyOfficer),
});

/** The dataset as a correction or objection sees it: its history folded with the dataset decider's own evolve. */
export const datasetContext = (history: DatasetEvent[]): DatasetContext => ({
  dataset: fold(datasetDecider, history),
});

/** Where a correction or objection command is decided: on which dataset history (default: open at version 1), by whom. */
export interface CaseOptions {
  dataset?: DatasetEvent[];
  by?: Actor;
}

// Corrections

export const correctionRequest = (overrides: Partial<CorrectionRequestedV1> = {}): CorrectionRequestedV1 => ({
  datasetId: DATASET_ID,
  datasetVersion: 1,
  description: 'stop 1042 carries the name of the stop before it',
  fields: ['name'],
  evidence: sealed({ subject: 'reporter-subject', mac: 'ZXZpZGVuY2UtbWFj' }),
  reporter: sealed({ subject: 'reporter-subject', mac: 'cmVwb3J0ZXItbWFj' }),
  ...overrides,
});

export const correctionRequested = (overrides: Partial<CorrectionRequestedV1> = {}): CorrectionEvent => ({
  type: 'CorrectionRequested',
  data: correctionRequest(overrides),
});

export const correctionVerificationStarted = (): CorrectionEvent => ({
  type: 'CorrectionVerificationStarted',
  data: {},
});

export const correctionResolved = (
  outcome: CorrectionOutcome,
  releaseVersion?: number,
  explanation = CORRECTION_EXPLANATIONS[outcome],
): CorrectionEvent => ({
  type: 'CorrectionResolved',
  data: { outcome, explanation, ...(releaseVersion !== undefined && { releaseVersion }) },
});

export const CORRECTION_EXPLANATIONS: Record<CorrectionOutcome, string> = {
  corrected: 'the name was fixed in the next release',
  no_error_found: 'the name matches the operator’s register',
};

export const aSubmittedCorrection = (overrides: Partial<CorrectionRequestedV1> = {}): CorrectionEvent[] => [
  correctionRequested(overrides),
];

export const aCorrectionUnderVerification = (
  overrides: Partial<CorrectionRequestedV1> = {},
): CorrectionEvent[] => [correctionRequested(overrides), correctionVerificationStarted()];

export const requestCorrection = (
  overrides: Partial<CorrectionRequestedV1> = {},
  options: CaseOptions = {},
): RequestCorrection => ({
  type: 'RequestCorrection',
  data: correctionRequest(overrides),
  context: datasetContext(options.dataset ?? anOpenDataset()),
  metadata: by(options.by ?? anonymous),
});

export const startCorrectionVerification = (options: CaseOptions = {}): StartCorrectionVerification => ({
  type: 'StartCorrectionVerification',
  context: datasetContext(options.dataset ?? anOpenDataset()),
  metadata: by(options.by ?? bodyOfficer),
});

export const resolveCorrection = (
  outcome: CorrectionOutcome,
  releaseVersion?: number,
  options: CaseOptions = {},
): ResolveCorrection => ({
  type: 'ResolveCorrection',
  data: {
    outcome,
    explanation: CORRECTION_EXPLANATIONS[outcome],
    ...(releaseVersion !== undefined && { releaseVersion }),
  },
  context: datasetContext(options.dataset ?? anOpenDataset()),
  metadata: by(options.by ?? bodyOfficer),
});

// Objections

export const objectionFiling = (overrides: Partial<ObjectionFiledV1> = {}): ObjectionFiledV1 => ({
  datasetId: DATASET_ID,
  ground: 'privacy',
  description: 'the release names me as the keeper of stop 1042',
  evidence: sealed({ subject: 'objector-subject', mac: 'b2JqZWN0aW9uLWV2aWRlbmNl' }),
  objector: sealed({ subject: 'objector-subject', mac: 'b2JqZWN0b3ItbWFj' }),
  ...overrides,
});

export const objectionFiled = (overrides: Partial<ObjectionFiledV1> = {}): ObjectionEvent => ({
  type: 'ObjectionFiled',
  data: objectionFiling(overrides),
});

export const objectionVerificationStarted = (): ObjectionEvent => ({
  type: 'ObjectionVerificationStarted',
  data: {},
});

export const OBJECTION_EXPLANATIONS: Record<ObjectionOutcome, string> = {
  withdrawn: 'the data cannot be opened without the names',
  reopened_after_processing: 'the names are masked in a new release',
  restored: 'the release holds no personal information',
};

export const objectionResolved = (outcome: ObjectionOutcome, releaseVersion?: number): ObjectionEvent => ({
  type: 'ObjectionResolved',
  data: {
    outcome,
    explanation: OBJECTION_EXPLANATIONS[outcome],
    ...(releaseVersion !== undefined && { releaseVersion }),
  },
});

export const aFiledObjection = (): ObjectionEvent[] => [objectionFiled()];

export const anObjectionUnderVerification = (): ObjectionEvent[] => [
  objectionFiled(),
  objectionVerificationStarted(),
];

export const aResolvedObjection = (outcome: ObjectionOutcome): ObjectionEvent[] => [
  ...anObjectionUnderVerification(),
  objectionResolved(outcome, outcome === 'reopened_after_processing' ? 2 : undefined),
];

export const OBJECTION_SUSPENSION_REASON = 'suspended at once while the objection is verified';

export const fileObjection = (
  options: CaseOptions & {
    objectionId?: string;
    data?: Partial<ObjectionFiledV1>;
    /** Ask for the dataset's suspension in the same append. */
    suspend?: boolean;
  } = {},
): FileObjection => ({
  type: 'FileObjection',
  objectionId: options.objectionId ?? OBJECTION_X,
  data: objectionFiling(options.data),
  ...(options.suspend === true && { suspend: { reason: OBJECTION_SUSPENSION_REASON } }),
  context: datasetContext(options.dataset ?? anOpenDataset()),
  metadata: by(options.by ?? anonymous),
});

export const startObjectionVerification = (options: CaseOptions = {}): StartObjectionVerification => ({
  type: 'StartObjectionVerification',
  context: datasetContext(options.dataset ?? anOpenDataset()),
  metadata: by(options.by ?? bodyOfficer),
});

export const resolveObjection = (
  outcome: ObjectionOutcome,
  options: CaseOptions & {
    objectionId?: string;
    explanation?: string;
    release?: Omit<DatasetReleasedV1, 'objectionId'>;
  } = {},
): ResolveObjection => ({
  type: 'ResolveObjection',
  objectionId: options.objectionId ?? OBJECTION_X,
  data: {
    outcome,
    explanation: options.explanation ?? OBJECTION_EXPLANATIONS[outcome],
    ...(options.release !== undefined && { release: options.release }),
  },
  context: datasetContext(options.dataset ?? anOpenDataset()),
  metadata: by(options.by ?? bodyOfficer),
});
