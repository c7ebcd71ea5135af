import type { Classification, DetectionReason } from '@ledger/events';
import type { GrantStatus } from '../grant/grant.state';

/** One `DataAccessed`, as detection judges it. */
export interface JudgedAccess {
  datasetId: string;
  principal: string;
  grantId?: string;
  /** Absent: every field of the dataset. */
  fields?: readonly string[];
  /** When the access happened (its `occurredAt`, else when it was recorded): what validity is compared with. */
  occurredAt: string;
}

/** A grant as the journal had it just before the access: its terms and its status in journal order. */
export interface KnownGrant {
  grantId: string;
  grantee: string;
  datasetId: string;
  fields: readonly string[];
  validFrom: string;
  validUntil: string;
  status: GrantStatus;
}

/** The dataset as the journal had it just before the access. */
export interface KnownDataset {
  classification: Classification;
  fields: readonly string[];
}

export type AccessVerdict =
  | { suspected: false }
  | {
      suspected: true;
      reason: DetectionReason;
      /** The grant the access named, or the principal's grant that came nearest to covering it. */
      grantId?: string;
      /** `fields_outside_grant`: the accessed fields that grant does not cover. */
      fields?: string[];
    };

/** From nearest to covering (only fields beyond it) to farthest (closed for good). */
const NEARNESS: readonly DetectionReason[] = [
  'fields_outside_grant',
  'before_grant_validity',
  'grant_expired',
  'grant_suspended',
  'grant_revoked',
];

/** What a grant no longer active (as of the journal order) makes of an access under it. */
const CLOSED: Record<Exclude<GrantStatus, 'active'>, DetectionReason> = {
  suspended: 'grant_suspended',
  revoked: 'grant_revoked',
  expired: 'grant_expired',
};

const COVERED: AccessVerdict = { suspected: false };

/**
 * Whether an access to data looks like a violation (domain.md, "Usage"), given the dataset and the
 * grants known for the access's principal and dataset (plus the grant it names, whoever holds it).
 *
 * - Only conditional data is watched: an access to a dataset not (yet) known, or classified
 *   otherwise, is never suspected.
 * - An access naming a grant is judged against that grant only; a grant unknown, or of another
 *   principal or dataset, is `no_active_grant`.
 * - An access naming none is covered if any one of the principal's grants on the dataset covers it;
 *   otherwise it is judged by the grant that came nearest (see NEARNESS; then the fewest fields
 *   outside, then the grant id), or `no_active_grant` when the principal has none.
 * - A grant covers an access when it is active as of the journal order (a suspension, revocation or
 *   expiry recorded before the access counts, whatever time the access claims), the access occurred
 *   within [validFrom, validUntil), and the grant's fields include every accessed field. An access
 *   without `fields` accessed all the dataset's fields; an empty list accessed none.
 */
export function detectViolation(
  access: JudgedAccess,
  grants: readonly KnownGrant[],
  dataset: KnownDataset | undefined,
): AccessVerdict {
  if (dataset?.classification !== 'conditional') return COVERED;
  const accessed = access.fields ?? dataset.fields;
  const holds = (grant: KnownGrant) =>
    grant.grantee === access.principal && grant.datasetId === access.datasetId;

  if (access.grantId !== undefined) {
    const named = grants.find((grant) => grant.grantId === access.grantId);
    if (!named || !holds(named))
      return { suspected: true, reason: 'no_active_grant', grantId: access.grantId };
    return judge(named, access.occurredAt, accessed);
  }

  const verdicts = grants.filter(holds).map((grant) => judge(grant, access.occurredAt, accessed));
  if (verdicts.length === 0) return { suspected: true, reason: 'no_active_grant' };
  if (verdicts.some((verdict) => !verdict.suspected)) return COVERED;
  return verdicts.sort(byNearness)[0];
}

function judge(grant: KnownGrant, occurredAt: string, accessed: readonly string[]): AccessVerdict {
  const suspected = (reason: DetectionReason, fields?: string[]): AccessVerdict => ({
    suspected: true,
    reason,
    grantId: grant.grantId,
    ...(fields && { fields }),
  });
  if (grant.status !== 'active') return suspected(CLOSED[grant.status]);
  const at = Date.parse(occurredAt);
  if (at < Date.parse(grant.validFrom)) return suspected('before_grant_validity');
  if (at >= Date.parse(grant.validUntil)) return suspected('grant_expired');
  const allowed = new Set(grant.fields);
  const outside = accessed.filter((field) => !allowed.has(field));
  return outside.length > 0 ? suspected('fields_outside_grant', outside) : COVERED;
}

function byNearness(a: AccessVerdict, b: AccessVerdict): number {
  if (!a.suspected || !b.suspected) return 0;
  return (
    NEARNESS.indexOf(a.reason) - NEARNESS.indexOf(b.reason) ||
    (a.fields?.length ?? 0) - (b.fields?.length ?? 0) ||
    compareText(a.grantId ?? '', b.grantId ?? '')
  );
}

/** By UTF-16 code units, as JCS does: the same order on every machine, whatever its locale. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
