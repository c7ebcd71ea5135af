import type { Role } from './entry';

/**
 * Frozen v1 data shapes of the ledger's own administrative events. A change of shape is a new
 * schema version with an upcaster (upcasters.ts); a change of meaning is a new event type.
 */

/** What a publisher may publish: event types and CloudEvents sources, matched exactly. */
export interface PublishScopeV1 {
  types: string[];
  sources: string[];
}

/** A platform admin registered an organisation: a data-opening body, a data user's company, the platform. */
export interface OrganizationRegisteredV1 {
  name: string;
}

/** A platform admin (or the ledger, for the bootstrap admin) created a principal with a role. */
export interface PrincipalCreatedV1 {
  name: string;
  role: Role;
  organizationId?: string;
  publish?: PublishScopeV1;
}

/** A platform admin changed a principal's role, organisation or publishing scope. */
export interface PrincipalRoleChangedV1 {
  role: Role;
  organizationId?: string;
  publish?: PublishScopeV1;
  previousRole: Role;
  previousOrganizationId?: string;
}

/** An API key was issued to a principal; only the SHA-256 of the token is kept. `replaces` names a key revoked by this rotation. */
export interface ApiKeyIssuedV1 {
  keyId: string;
  keyHash: string;
  replaces?: string;
}

/** An API key stopped being valid: revoked by a platform admin or its holder, or replaced by a rotation. */
export interface ApiKeyRevokedV1 {
  keyId: string;
  reason: string;
}

/** The platform's gateway served conditional or open data to a principal (published as a CloudEvent). */
export interface DataAccessedV1 {
  datasetId: string;
  grantId?: string;
  principal: string;
  channel: 'download' | 'api';
  recordCount: number;
  fields?: string[];
}

/** The filter an audit-trail export applied; absent members were not filtered on. */
export interface AuditTrailFilterV1 {
  from?: string;
  to?: string;
  fromPosition?: number;
  toPosition?: number;
  streamId?: string;
  type?: string[];
  actorId?: string;
  organizationId?: string;
}

/**
 * A compliance officer, supervisor or platform admin exported the audit trail: which positions, under
 * which checkpoint, with which filter and format. Recorded before the first entry leaves the ledger.
 */
export interface AuditTrailExportedV1 {
  format: 'ndjson' | 'csv';
  filter: AuditTrailFilterV1;
  range: { from: number; to: number };
  checkpointSize: number;
  trustedSize?: number;
}

/**
 * Someone read a case's personal data in plain text (a sensitive read, recorded before anything is
 * shown): which case, which sealed members, under which keys. Recorded in `disclosure-<id>`.
 */
export interface PersonalDataDisclosedV1 {
  caseStream: string;
  members: string[];
  subjects: string[];
}
