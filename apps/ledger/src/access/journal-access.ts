import {
  categoryOf,
  EVENT_CATALOGUE,
  isKnownEventType,
  Role,
  STREAM_CATEGORIES,
  streamIdOf,
} from '@ledger/events';
import type { CaseReader, StreamScope } from '@ledger/store';
import type { AuthenticatedPrincipal } from './principal-directory';

/** Roles that read the whole journal (http-api.md, "Reading the journal"). */
const READS_EVERYTHING: readonly Role[] = ['platform_admin', 'supervisor', 'compliance_officer'];

/** Any key may read the datasets' histories: they are public record. */
const CATEGORIES_OPEN_TO_EVERY_KEY = ['dataset'];

/** Asks whether a case stream is one the reader may read (`CaseIndex`, over the database's case index). */
export interface CaseReadership {
  isReadableBy(streamId: string, reader: CaseReader): Promise<boolean>;
}

/**
 * The journal's read rules in one place: the streams a principal may read, or undefined for all of
 * them. Besides dataset streams, every principal reads its own principal stream, a body officer its
 * organisation's stream and the cases on its organisation's datasets, a data user its own
 * applications and grants, and a publisher the categories of the event types it may publish. The
 * cases are named by whose they are (`casesReadableBy`), not listed: the store reads them from the
 * case index.
 */
export function readableScope(principal: AuthenticatedPrincipal): StreamScope | undefined {
  if (READS_EVERYTHING.includes(principal.role)) return undefined;
  const streamIds = [streamIdOf(STREAM_CATEGORIES.principal, principal.id)];
  let casesReadableBy: CaseReader | undefined;
  if (principal.role === 'body_officer' && principal.organizationId) {
    streamIds.push(streamIdOf(STREAM_CATEGORIES.organization, principal.organizationId));
    casesReadableBy = { organizationId: principal.organizationId };
  }
  if (principal.role === 'data_user') casesReadableBy = { principalId: principal.id };
  return { categories: readableCategories(principal), streamIds, casesReadableBy };
}

/** Whether the principal may read the stream: `readableScope` asked of one stream. */
export async function canReadStream(
  principal: AuthenticatedPrincipal,
  streamId: string,
  cases: CaseReadership,
): Promise<boolean> {
  const scope = readableScope(principal);
  if (scope === undefined) return true;
  const category = categoryOf(streamId);
  if (category !== undefined && scope.categories.includes(category)) return true;
  if (scope.streamIds.includes(streamId)) return true;
  return scope.casesReadableBy !== undefined && cases.isReadableBy(streamId, scope.casesReadableBy);
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
