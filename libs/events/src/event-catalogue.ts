import { DETECTION_REASONS, VIOLATION_SANCTIONS, VIOLATION_SOURCES } from './access-events.v1';
import { ROLES } from './entry';
import {
  CLASSIFICATIONS,
  CORRECTION_OUTCOMES,
  MISSED_DEADLINES,
  OBJECTION_GROUNDS,
  OBJECTION_OUTCOMES,
  SUSPENSION_CAUSES,
  UPDATE_FREQUENCIES,
} from './measures-events.v1';
import { AGGREGATE_ID_PATTERN, STREAM_ID_PATTERN } from './stream-ids';

/** A JSON Schema (draft-07) describing an event's `data`. Kept as plain data so no validator is imported here. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface EventTypeDescription {
  /** The schema version new events of this type are written with. */
  readonly schemaVersion: number;
  /** The stream category events of this type are recorded in. */
  readonly streamCategory: string;
  /** Written only by the ledger itself; never accepted from publishers. */
  readonly administrative: boolean;
  /** May be published by other services through `POST /v1/events`. */
  readonly publishable: boolean;
  /**
   * For publishable types: the data member holding the aggregate id, so the stream is
   * `<streamCategory>-<data[streamKey]>`. Absent: the publisher names the stream as the CloudEvents
   * `subject`, which must be of the type's category.
   */
  readonly streamKey?: string;
  /** Data members holding personal data, stored sealed (SealedPersonalDataV1) under the person's key. */
  readonly personalData?: readonly string[];
  /** The `data` schema of the current schema version. */
  readonly dataSchema: JsonSchema;
}

const text = (maxLength: number): JsonSchema => ({ type: 'string', minLength: 1, maxLength });
const aggregateId: JsonSchema = { type: 'string', pattern: AGGREGATE_ID_PATTERN.source };
const role: JsonSchema = { type: 'string', enum: [...ROLES] };
const publishScope: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['types', 'sources'],
  properties: {
    types: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: text(100) },
    sources: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: text(500) },
  },
};
const position: JsonSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const object = (required: string[], properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

const nonNegativeInteger: JsonSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const releaseVersion: JsonSchema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const names = (maxItems: number): JsonSchema => ({
  type: 'array',
  maxItems,
  uniqueItems: true,
  items: text(200),
});
const oneOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
const base64 = (maxLength: number): JsonSchema => ({
  type: 'string',
  minLength: 4,
  maxLength,
  pattern: '^[A-Za-z0-9+/]+={0,2}$',
});
/** SealedPersonalDataV1: what the journal holds instead of a person's details. */
const sealed: JsonSchema = object(['sealed', 'subject', 'iv', 'ciphertext', 'mac'], {
  sealed: { const: 'A256GCM' },
  subject: aggregateId,
  iv: base64(16),
  ciphertext: base64(60_000),
  mac: base64(44),
});
const reason = text(2000);
/** RFC 3339 with a zone; the handlers normalise to UTC milliseconds before recording. */
const time: JsonSchema = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
};
const period: JsonSchema = object(['from', 'until'], { from: time, until: time });
/** An ISO 8601 period of whole days, weeks, months or years (`P30D`, `P1M`, `P1Y6M`): a reporting interval. */
const calendarDuration: JsonSchema = {
  type: 'string',
  maxLength: 40,
  pattern: '^P(?=\\d)(\\d{1,4}Y)?(\\d{1,4}M)?(\\d{1,4}W)?(\\d{1,4}D)?$',
};
const fieldNames: JsonSchema = { ...names(1000), minItems: 1 };
const datasetEvent = {
  schemaVersion: 1,
  streamCategory: 'dataset',
  administrative: false,
  publishable: true,
} as const;
const correctionEvent = {
  schemaVersion: 1,
  streamCategory: 'correction',
  administrative: false,
  publishable: true,
} as const;
const objectionEvent = {
  schemaVersion: 1,
  streamCategory: 'objection',
  administrative: false,
  publishable: true,
} as const;

// Conditional access is decided by commands only: applications carry personal data, and grants and
// violation cases are the ledger's own record of who may use what. Only usage (DataAccessed) is published.
const applicationEvent = {
  schemaVersion: 1,
  streamCategory: 'application',
  administrative: false,
  publishable: false,
} as const;
const grantEvent = {
  schemaVersion: 1,
  streamCategory: 'grant',
  administrative: false,
  publishable: false,
} as const;
const violationEvent = {
  schemaVersion: 1,
  streamCategory: 'violation',
  administrative: false,
  publishable: false,
} as const;

/** Every event type the ledger records, with where it lives and who may write it. */
export const EVENT_CATALOGUE = {
  OrganizationRegistered: {
    schemaVersion: 1,
    streamCategory: 'organization',
    administrative: true,
    publishable: false,
    dataSchema: object(['name'], { name: text(200) }),
  },
  PrincipalCreated: {
    schemaVersion: 1,
    streamCategory: 'principal',
    administrative: true,
    publishable: false,
    dataSchema: object(['name', 'role'], {
      name: text(200),
      role,
      organizationId: aggregateId,
      publish: publishScope,
    }),
  },
  PrincipalRoleChanged: {
    schemaVersion: 1,
    streamCategory: 'principal',
    administrative: true,
    publishable: false,
    dataSchema: object(['role', 'previousRole'], {
      role,
      organizationId: aggregateId,
      publish: publishScope,
      previousRole: role,
      previousOrganizationId: aggregateId,
    }),
  },
  ApiKeyIssued: {
    schemaVersion: 1,
    streamCategory: 'principal',
    administrative: true,
    publishable: false,
    dataSchema: object(['keyId', 'keyHash'], {
      keyId: aggregateId,
      keyHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      replaces: aggregateId,
    }),
  },
  ApiKeyRevoked: {
    schemaVersion: 1,
    streamCategory: 'principal',
    administrative: true,
    publishable: false,
    dataSchema: object(['keyId', 'reason'], { keyId: aggregateId, reason: text(1000) }),
  },
  AuditTrailExported: {
    schemaVersion: 1,
    streamCategory: 'audit',
    administrative: true,
    publishable: false,
    dataSchema: object(['format', 'filter', 'range', 'checkpointSize'], {
      format: { type: 'string', enum: ['ndjson', 'csv'] },
      filter: object([], {
        from: text(40),
        to: text(40),
        fromPosition: position,
        toPosition: position,
        streamId: text(200),
        type: { type: 'array', maxItems: 50, items: text(100) },
        actorId: text(200),
        organizationId: text(200),
      }),
      range: object(['from', 'to'], { from: position, to: position }),
      checkpointSize: position,
      trustedSize: position,
    }),
  },
  RulebookPublished: {
    schemaVersion: 1,
    streamCategory: 'rulebook',
    administrative: true,
    publishable: false,
    dataSchema: object(['id', 'version', 'inForceFrom', 'digest', 'rulebook'], {
      id: aggregateId,
      version: releaseVersion,
      inForceFrom: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      digest: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      rulebook: { type: 'object' },
    }),
  },
  PersonalDataErased: {
    schemaVersion: 1,
    streamCategory: 'erasure',
    administrative: true,
    publishable: false,
    dataSchema: object(['subjects', 'reason'], {
      subjects: { type: 'array', maxItems: 10_000, uniqueItems: true, items: aggregateId },
      principalId: aggregateId,
      reason,
    }),
  },
  PersonalDataDisclosed: {
    schemaVersion: 1,
    streamCategory: 'disclosure',
    administrative: true,
    publishable: false,
    dataSchema: object(['caseStream', 'members', 'subjects'], {
      caseStream: { type: 'string', pattern: STREAM_ID_PATTERN.source },
      members: { type: 'array', minItems: 1, maxItems: 10, uniqueItems: true, items: text(50) },
      subjects: { type: 'array', minItems: 1, maxItems: 10, uniqueItems: true, items: aggregateId },
    }),
  },
  DatasetRegistered: {
    ...datasetEvent,
    dataSchema: object(
      ['title', 'organizationId', 'classification', 'classificationBasis', 'fields', 'updateFrequency'],
      {
        title: text(500),
        organizationId: aggregateId,
        classification: oneOf(CLASSIFICATIONS),
        classificationBasis: text(2000),
        fields: { ...names(1000), minItems: 1 },
        updateFrequency: oneOf(UPDATE_FREQUENCIES),
        openConditions: text(4000),
      },
    ),
  },
  DatasetReclassified: {
    ...datasetEvent,
    dataSchema: object(['from', 'to', 'reason'], {
      from: oneOf(CLASSIFICATIONS),
      to: oneOf(CLASSIFICATIONS),
      reason,
      desensitisationRef: text(500),
      consentRef: text(500),
    }),
  },
  DatasetReleased: {
    ...datasetEvent,
    dataSchema: object(['version', 'checksum', 'recordCount', 'format', 'maskingRules'], {
      version: releaseVersion,
      checksum: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      recordCount: nonNegativeInteger,
      format: text(100),
      maskingRules: {
        type: 'array',
        maxItems: 1000,
        items: object(['field', 'method'], { field: text(200), method: text(500) }),
      },
      notes: text(4000),
      objectionId: aggregateId,
    }),
  },
  DatasetSuspended: {
    ...datasetEvent,
    dataSchema: object(['reason', 'cause'], {
      reason,
      cause: oneOf(SUSPENSION_CAUSES),
      causeRef: text(500),
    }),
  },
  DatasetRestored: {
    ...datasetEvent,
    dataSchema: object(['reason'], { reason, objectionId: aggregateId }),
  },
  DatasetWithdrawn: {
    ...datasetEvent,
    dataSchema: object(['reason'], { reason, objectionId: aggregateId }),
  },
  // Filings carry personal data the ledger seals on arrival: they come in through POST /v1/corrections
  // and /v1/objections (no key needed), never published.
  CorrectionRequested: {
    ...correctionEvent,
    publishable: false,
    personalData: ['evidence', 'reporter'],
    dataSchema: object(['datasetId', 'datasetVersion', 'description'], {
      datasetId: aggregateId,
      datasetVersion: releaseVersion,
      description: text(10_000),
      fields: names(1000),
      evidence: sealed,
      reporter: sealed,
    }),
  },
  CorrectionVerificationStarted: { ...correctionEvent, dataSchema: object([], {}) },
  CorrectionResolved: {
    ...correctionEvent,
    dataSchema: object(['outcome', 'explanation'], {
      outcome: oneOf(CORRECTION_OUTCOMES),
      releaseVersion,
      explanation: text(10_000),
    }),
  },
  ObjectionFiled: {
    ...objectionEvent,
    publishable: false,
    personalData: ['evidence', 'objector'],
    dataSchema: object(['datasetId', 'ground', 'description', 'objector'], {
      datasetId: aggregateId,
      ground: oneOf(OBJECTION_GROUNDS),
      description: text(10_000),
      evidence: sealed,
      objector: sealed,
    }),
  },
  ObjectionVerificationStarted: { ...objectionEvent, dataSchema: object([], {}) },
  ObjectionResolved: {
    ...objectionEvent,
    dataSchema: object(['outcome', 'explanation'], {
      outcome: oneOf(OBJECTION_OUTCOMES),
      explanation: text(10_000),
      releaseVersion,
    }),
  },
  DeadlineMissed: {
    schemaVersion: 1,
    streamCategory: 'deadline',
    administrative: true,
    publishable: false,
    dataSchema: object(['caseStream', 'deadline', 'dueAt', 'lateBy'], {
      caseStream: { type: 'string', pattern: STREAM_ID_PATTERN.source },
      deadline: oneOf(MISSED_DEADLINES),
      dueAt: time,
      lateBy: { type: 'string', maxLength: 40, pattern: '^PT(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d{1,3})?S)?$' },
      releaseVersion,
      round: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    }),
  },
  ApplicationSubmitted: {
    ...applicationEvent,
    personalData: ['applicant'],
    dataSchema: object(
      [
        'datasetId',
        'applicantPrincipal',
        'purpose',
        'scenario',
        'securityMeasures',
        'requestedFields',
        'requestedPeriod',
      ],
      {
        datasetId: aggregateId,
        applicantPrincipal: aggregateId,
        applicant: sealed,
        purpose: text(10_000),
        scenario: text(10_000),
        securityMeasures: text(10_000),
        requestedFields: fieldNames,
        requestedPeriod: period,
      },
    ),
  },
  ApplicationSupplementRequested: {
    ...applicationEvent,
    dataSchema: object(['questions'], { questions: text(10_000) }),
  },
  ApplicationSupplemented: {
    ...applicationEvent,
    dataSchema: object(['answers'], { answers: text(10_000) }),
  },
  ApplicationApproved: {
    ...applicationEvent,
    dataSchema: object(['agreement'], {
      agreement: object(['scope', 'fields', 'validFrom', 'validUntil', 'obligations', 'reportingInterval'], {
        scope: text(4000),
        fields: fieldNames,
        validFrom: time,
        validUntil: time,
        obligations: text(10_000),
        reportingInterval: calendarDuration,
      }),
    }),
  },
  ApplicationRejected: {
    ...applicationEvent,
    dataSchema: object(['reasonCodes', 'explanation'], {
      reasonCodes: { ...names(50), minItems: 1 },
      explanation: text(10_000),
    }),
  },
  ApplicationWithdrawn: { ...applicationEvent, dataSchema: object([], {}) },
  AgreementSigned: {
    ...applicationEvent,
    dataSchema: object(['signedBy', 'grantId'], { signedBy: aggregateId, grantId: aggregateId }),
  },
  AccessGranted: {
    ...grantEvent,
    dataSchema: object(
      [
        'applicationId',
        'datasetId',
        'grantee',
        'scope',
        'fields',
        'validFrom',
        'validUntil',
        'obligations',
        'reportingInterval',
      ],
      {
        applicationId: aggregateId,
        datasetId: aggregateId,
        grantee: aggregateId,
        scope: text(4000),
        fields: fieldNames,
        validFrom: time,
        validUntil: time,
        obligations: text(10_000),
        reportingInterval: calendarDuration,
      },
    ),
  },
  UsageReported: {
    ...grantEvent,
    dataSchema: object(['period', 'summary'], {
      period,
      summary: text(10_000),
      outputs: { type: 'array', maxItems: 100, items: text(2000) },
    }),
  },
  GrantSuspended: { ...grantEvent, dataSchema: object(['reason'], { reason }) },
  GrantReinstated: { ...grantEvent, dataSchema: object(['reason'], { reason }) },
  AccessRevoked: {
    ...grantEvent,
    dataSchema: object(['reason', 'publicize'], {
      reason,
      violationCaseId: aggregateId,
      publicize: { type: 'boolean' },
    }),
  },
  GrantExpired: {
    ...grantEvent,
    administrative: true,
    dataSchema: object(['validUntil'], { validUntil: time }),
  },
  SuspectedViolationDetected: {
    schemaVersion: 1,
    streamCategory: 'detection',
    administrative: true,
    publishable: false,
    dataSchema: object(['accessEventId', 'datasetId', 'principal', 'reason'], {
      accessEventId: text(200),
      datasetId: aggregateId,
      principal: aggregateId,
      grantId: aggregateId,
      reason: oneOf(DETECTION_REASONS),
      fields: names(1000),
    }),
  },
  ViolationReported: {
    ...violationEvent,
    dataSchema: object(['description', 'source'], {
      grantId: aggregateId,
      principal: aggregateId,
      datasetId: aggregateId,
      description: text(10_000),
      source: oneOf(VIOLATION_SOURCES),
      accessEventId: text(200),
    }),
  },
  ViolationInvestigationOpened: { ...violationEvent, dataSchema: object([], {}) },
  ViolationConfirmed: {
    ...violationEvent,
    dataSchema: object(['sanction', 'findings', 'publicize'], {
      sanction: oneOf(VIOLATION_SANCTIONS),
      findings: text(10_000),
      publicize: { type: 'boolean' },
    }),
  },
  ViolationDismissed: {
    ...violationEvent,
    dataSchema: object(['explanation'], { explanation: text(10_000) }),
  },
  DataAccessed: {
    schemaVersion: 1,
    streamCategory: 'usage',
    administrative: false,
    publishable: true,
    streamKey: 'datasetId',
    dataSchema: object(['datasetId', 'principal', 'channel', 'recordCount'], {
      datasetId: aggregateId,
      grantId: aggregateId,
      principal: aggregateId,
      channel: { type: 'string', enum: ['download', 'api'] },
      recordCount: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      fields: { type: 'array', maxItems: 1000, uniqueItems: true, items: text(200) },
    }),
  },
} as const satisfies Record<string, EventTypeDescription>;

export type EventType = keyof typeof EVENT_CATALOGUE;

/**
 * The stream a published event belongs in, from its type and data; undefined when its type is not
 * publishable, or when the type's stream is named by the publisher (no streamKey: see `subject`).
 */
export function publishedStreamOf(
  type: EventType,
  data: Readonly<Record<string, unknown>>,
): string | undefined {
  const description: EventTypeDescription = EVENT_CATALOGUE[type];
  if (!description.publishable || description.streamKey === undefined) return undefined;
  return `${description.streamCategory}-${String(data[description.streamKey])}`;
}

/** The data members of a type that hold personal data (stored sealed); empty for most types. */
export function personalDataMembersOf(type: EventType): readonly string[] {
  const description: EventTypeDescription = EVENT_CATALOGUE[type];
  return description.personalData ?? [];
}

export function isKnownEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);
}

export function describeEventType(type: EventType): EventTypeDescription {
  return EVENT_CATALOGUE[type];
}

/** The types other services may publish through `POST /v1/events`. */
export const PUBLISHABLE_EVENT_TYPES: readonly EventType[] = (
  Object.keys(EVENT_CATALOGUE) as EventType[]
).filter((type) => EVENT_CATALOGUE[type].publishable);
