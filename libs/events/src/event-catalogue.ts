import { ROLES } from './entry';
import { AGGREGATE_ID_PATTERN } from './stream-ids';

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
  /** For publishable types: the data member holding the aggregate id, so the stream is `<streamCategory>-<data[streamKey]>`. */
  readonly streamKey?: string;
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

/** The stream a published event belongs in, from its type and data; undefined when its type is not publishable. */
export function publishedStreamOf(
  type: EventType,
  data: Readonly<Record<string, unknown>>,
): string | undefined {
  const description: EventTypeDescription = EVENT_CATALOGUE[type];
  if (!description.publishable || description.streamKey === undefined) return undefined;
  return `${description.streamCategory}-${String(data[description.streamKey])}`;
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
