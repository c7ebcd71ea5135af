/**
 * The ledger entry: what is hashed, stored and returned for every event (http-api.md, "The ledger entry").
 * Optional members are absent, never `null`, so that two implementations canonicalise alike.
 */
export interface LedgerEntry<TData extends JsonObject = JsonObject> {
  id: string;
  type: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  recordedAt: string;
  occurredAt?: string;
  source: string;
  data: TData;
  metadata: EntryMetadata;
  schemaVersion: number;
}

export interface EntryMetadata {
  actor: Actor;
  correlationId?: string;
  causationId?: string;
  legalBasis: LegalBasis;
}

/** Who caused an event. Anonymous filers are `{id:"anonymous",role:"public"}`, the ledger's own reactions `{id:"system",role:"system"}`. */
export interface Actor {
  id: string;
  role: ActorRole;
  organizationId?: string;
}

/** The rulebook version and the article an event was recorded under. */
export interface LegalBasis {
  rulebook: string;
  article: string;
}

export const ROLES = [
  'platform_admin',
  'body_officer',
  'data_user',
  'supervisor',
  'compliance_officer',
  'publisher',
] as const;
export type Role = (typeof ROLES)[number];
export type ActorRole = Role | 'public' | 'system';

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };
export const ANONYMOUS_ACTOR: Actor = { id: 'anonymous', role: 'public' };

/** `source` of every event recorded by a command over the ledger's own API. */
export const API_SOURCE = 'urn:open-data-ledger:api';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
