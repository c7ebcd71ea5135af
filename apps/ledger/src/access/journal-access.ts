import {
  categoryOf,
  EVENT_CATALOGUE,
  isKnownEventType,
  Role,
  STREAM_CATEGORIES,
  streamIdOf,
} from '@ledger/events';
import type { StreamScope } from '@ledger/store';
import type { AuthenticatedPrincipal } from './principal-directory';

/** Roles that read the whole journal (http-api.md, "Reading the journal"). */
const READS_EVERYTHING: readonly Role[] = ['platform_admin', 'supervisor', 'compliance_officer'];

/** Any key may read the datasets' histories: they are public record. */
const CATEGORIES_OPEN_TO_EVERY_KEY = ['dataset'];

/**
 * Which case streams (corrections, objections, applications, grants, violation cases) concern an
 * organisation's datasets, and which applications and grants a data user owns.
 */
export interface CaseIndex {
  casesOfOrganization(organizationId: string): readonly string[];
  streamsOwnedBy(principalId: string): readonly string[];
  /** Whether the stream is a case on one of the organisation's datasets, without listing them all. */
  isCaseOfOrganization(organizationId: string, streamId: string): boolean;
  isOwnedBy(principalId: string, streamId: string): boolean;
}

const NO_CASES: CaseIndex = {
  casesOfOrganization: () => [],
  streamsOwnedBy: () => [],
  isCaseOfOrganization: () => false,
  isOwnedBy: () => false,
};

/**
 * The journal's read rules in one place: the streams a principal may read, or undefined for all of
 * them. Besides dataset streams, every principal reads its own principal stream, a body officer its
 * organisation's stream and the cases on its organisation's datasets, a data user its own
 * applications and grants, and a publisher the categories of the event types it may publish.
 */
export function readableScope(
  principal: AuthenticatedPrincipal,
  cases: CaseIndex = NO_CASES,
): StreamScope | undefined {
  if (READS_EVERYTHING.includes(principal.role)) return undefined;
  const streamIds = [streamIdOf(STREAM_CATEGORIES.principal, principal.id)];
  if (principal.role === 'body_officer' && principal.organizationId) {
    streamIds.push(
      streamIdOf(STREAM_CATEGORIES.organization, principal.organizationId),
      ...cases.casesOfOrganization(principal.organizationId),
    );
  }
  if (principal.role === 'data_user') streamIds.push(...cases.streamsOwnedBy(principal.id));
  return { categories: readableCategories(principal), streamIds };
}

/**
 * Whether the principal may read the stream: the same rules as `readableScope`, asked of one stream
 * (a live tail asks it of every entry) without listing every case of an organisation.
 */
export function canReadStream(
  principal: AuthenticatedPrincipal,
  streamId: string,
  cases: CaseIndex = NO_CASES,
): boolean {
  if (READS_EVERYTHING.includes(principal.role)) return true;
  const category = categoryOf(streamId);
  if (category !== undefined && readableCategories(principal).includes(category)) return true;
  if (streamId === streamIdOf(STREAM_CATEGORIES.principal, principal.id)) return true;
  if (principal.role === 'body_officer' && principal.organizationId) {
    return (
      streamId === streamIdOf(STREAM_CATEGORIES.organization, principal.organizationId) ||
      cases.isCaseOfOrganization(principal.organizationId, streamId)
    );
  }
  return principal.role === 'data_user' && cases.isOwnedBy(principal.id, streamId);
}

/** The categories every stream of which the principal reads: datasets, and a publisher's own categories. */
function readableCategories(principal: AuthenticatedPrincipal): string[] {
  const categories = [...CATEGORIES_OPEN_TO_EVERY_KEY];
  if (principal.role === 'publisher') {
    for (const type of principal.publish?.types ?? []) {
      if (isKnownEventType(type) && EVENT_CATALOGUE[type].publishable) {
        categories.push(EVENT_CATALOGUE[type].streamCategory);
      }
    }
  }
  return [...new Set(categories)];
}
