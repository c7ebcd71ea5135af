import type { DeadlineClock } from '@ledger/domain';
import {
  AccessGrantedV1,
  AccessRevokedV1,
  AgreementSignedV1,
  aggregateIdOf,
  ApplicationRejectedV1,
  ApplicationSubmittedV1,
  DatasetRegisteredV1,
  EventType,
  SuspectedViolationDetectedV1,
  UsageReportedV1,
  ViolationConfirmedV1,
  ViolationReportedV1,
} from '@ledger/events';
import type { DeadlineBasis, Rulebooks } from '@ledger/runtime';
import type { SqlQueryable } from '@ledger/store';
import type { ProjectedEvent, Projection } from '../engine/projection';
import {
  ACCESS_VIEW_TABLES,
  accessViewTables,
  CLOSE_VIOLATION,
  DECIDE,
  EXPIRE_GRANT,
  FILL_IN_DATASET,
  FILL_IN_SANCTION,
  FILL_IN_VIOLATIONS_OF_GRANT,
  INSERT_APPLICATION,
  INSERT_DATASET,
  INSERT_DETECTION,
  INSERT_GRANT,
  INSERT_REVOCATION,
  INSERT_VIOLATION,
  inSchema,
  LINK_DETECTION,
  OPEN_INVESTIGATION,
  REPORT_USAGE,
  REQUEST_SUPPLEMENT,
  REVOKE_GRANT,
  SIGN_AGREEMENT,
  SUPPLEMENT,
  SUSPEND_OR_REINSTATE_GRANT,
  WITHDRAW_APPLICATION,
} from './access-views.sql';

export const ACCESS_VIEWS_PROJECTION = 'access_views';

const EVENT_TYPES = [
  'DatasetRegistered',
  'ApplicationSubmitted',
  'ApplicationSupplementRequested',
  'ApplicationSupplemented',
  'ApplicationApproved',
  'ApplicationRejected',
  'ApplicationWithdrawn',
  'AgreementSigned',
  'AccessGranted',
  'UsageReported',
  'GrantSuspended',
  'GrantReinstated',
  'AccessRevoked',
  'GrantExpired',
  'SuspectedViolationDetected',
  'ViolationReported',
  'ViolationInvestigationOpened',
  'ViolationConfirmed',
  'ViolationDismissed',
] as const satisfies readonly EventType[];

/**
 * Conditional access as the people who act on it need to see it (domain.md: AccessApplication, Grant,
 * Usage, ViolationCase): the applications queue with its `application_review` clock, the grants
 * registry with the next usage report due, the violation cases and the suspected violations the
 * detection raised, each with the organisation of its dataset (from the dataset's registration, kept
 * here), and the public notices of revocations made public (without the grantee).
 *
 * Deadlines are counted under the rulebook version the event that started the clock was recorded under
 * (`metadata.legalBasis.rulebook`). Nothing sealed (the applicant's details) is read, and no free text
 * the people concerned wrote (purpose, answers, findings) is kept.
 */
export function accessViewsProjection(rulebooks: Rulebooks): Projection {
  return {
    name: ACCESS_VIEWS_PROJECTION,
    version: 1,
    eventTypes: EVENT_TYPES,
    tables: ACCESS_VIEW_TABLES,
    createTables: accessViewTables,
    apply: async (tx, events, schema) => {
      for (const event of events) await applyOne(tx, event, schema, rulebooks);
    },
  };
}

async function applyOne(
  tx: SqlQueryable,
  event: ProjectedEvent,
  schema: string,
  rulebooks: Rulebooks,
): Promise<void> {
  const { entry, globalPosition: position } = event;
  const id = aggregateIdOf(entry.streamId);
  const at = entry.recordedAt;
  const rulebook = entry.metadata.legalBasis.rulebook;
  const run = (sql: string, params: unknown[]) => tx.query(inSchema(sql, schema), params);
  // The journal checked the data against the event's schema when it was appended; upcast since.
  const data = event.data as unknown;
  const due = (clock: DeadlineClock, startedAt: string, basis?: DeadlineBasis) =>
    deadlineUnder(rulebooks, clock, startedAt, rulebook, basis);

  switch (entry.type as (typeof EVENT_TYPES)[number]) {
    case 'DatasetRegistered': {
      const registered = data as DatasetRegisteredV1;
      await run(INSERT_DATASET, [id, registered.organizationId, registered.title, position]);
      await run(FILL_IN_DATASET, [id, registered.organizationId, registered.title]);
      return;
    }
    case 'ApplicationSubmitted': {
      const submitted = data as ApplicationSubmittedV1;
      const review = due('application_review', at);
      await run(INSERT_APPLICATION, [
        id,
        submitted.datasetId,
        submitted.applicantPrincipal,
        at,
        review.rulebook,
        review.dueAt,
        position,
      ]);
      return;
    }
    case 'ApplicationSupplementRequested':
      await run(REQUEST_SUPPLEMENT, [id, at, position]);
      return;
    case 'ApplicationSupplemented': {
      const review = due('application_review', at);
      await run(SUPPLEMENT, [id, at, review.rulebook, review.dueAt, position]);
      return;
    }
    case 'ApplicationApproved':
      await run(DECIDE, [id, 'approved', at, null, position]);
      return;
    case 'ApplicationRejected':
      await run(DECIDE, [
        id,
        'rejected',
        at,
        JSON.stringify((data as ApplicationRejectedV1).reasonCodes),
        position,
      ]);
      return;
    case 'ApplicationWithdrawn':
      await run(WITHDRAW_APPLICATION, [id, at, position]);
      return;
    case 'AgreementSigned':
      await run(SIGN_AGREEMENT, [id, at, (data as AgreementSignedV1).grantId, position]);
      return;
    case 'AccessGranted': {
      const granted = data as AccessGrantedV1;
      const firstReport = due('usage_report', granted.validFrom, {
        reportingInterval: granted.reportingInterval,
      });
      await run(INSERT_GRANT, [
        id,
        granted.applicationId,
        granted.datasetId,
        granted.grantee,
        granted.scope,
        JSON.stringify(granted.fields),
        granted.validFrom,
        granted.validUntil,
        granted.reportingInterval,
        firstReport.rulebook,
        at,
        firstReport.dueAt,
        position,
      ]);
      await run(FILL_IN_VIOLATIONS_OF_GRANT, [id]);
      return;
    }
    case 'UsageReported': {
      const reported = data as UsageReportedV1;
      const [grant] = await tx.query<{ reporting_interval: string }>(
        inSchema('SELECT reporting_interval FROM $schema.access_grants WHERE id = $1', schema),
        [id],
      );
      if (!grant) return;
      const next = due('usage_report', reported.period.until, {
        reportingInterval: grant.reporting_interval,
      });
      await run(REPORT_USAGE, [id, reported.period.until, next.dueAt, position]);
      return;
    }
    case 'GrantSuspended':
      await run(SUSPEND_OR_REINSTATE_GRANT, [id, 'suspended', at, position]);
      return;
    case 'GrantReinstated':
      await run(SUSPEND_OR_REINSTATE_GRANT, [id, 'active', at, position]);
      return;
    case 'AccessRevoked': {
      const revoked = data as AccessRevokedV1;
      await run(REVOKE_GRANT, [
        id,
        at,
        revoked.reason,
        revoked.publicize,
        revoked.violationCaseId ?? null,
        position,
      ]);
      if (revoked.publicize)
        await run(INSERT_REVOCATION, [id, at, revoked.reason, revoked.violationCaseId ?? null, position]);
      return;
    }
    case 'GrantExpired':
      await run(EXPIRE_GRANT, [id, at, position]);
      return;
    case 'SuspectedViolationDetected': {
      const detected = data as SuspectedViolationDetectedV1;
      await run(INSERT_DETECTION, [
        entry.id,
        detected.accessEventId,
        detected.datasetId,
        detected.principal,
        detected.grantId ?? null,
        detected.reason,
        detected.fields === undefined ? null : JSON.stringify(detected.fields),
        at,
        position,
      ]);
      return;
    }
    case 'ViolationReported': {
      const reported = data as ViolationReportedV1;
      await run(INSERT_VIOLATION, [
        id,
        reported.source,
        reported.grantId ?? null,
        reported.principal ?? null,
        reported.datasetId ?? null,
        reported.accessEventId ?? null,
        at,
        position,
      ]);
      if (reported.source === 'detection' && reported.accessEventId !== undefined)
        await run(LINK_DETECTION, [reported.accessEventId, id]);
      return;
    }
    case 'ViolationInvestigationOpened':
      await run(OPEN_INVESTIGATION, [id, at, position]);
      return;
    case 'ViolationConfirmed': {
      const confirmed = data as ViolationConfirmedV1;
      await run(CLOSE_VIOLATION, [id, 'confirmed', at, confirmed.sanction, confirmed.publicize, position]);
      await run(FILL_IN_SANCTION, [id, confirmed.sanction]);
      return;
    }
    case 'ViolationDismissed':
      await run(CLOSE_VIOLATION, [id, 'dismissed', at, null, null, position]);
      return;
    default:
      return;
  }
}

/**
 * The deadline under the rulebook version the event names. A version this process does not know (a
 * newer one published elsewhere) must not stop the view: the version in force at the start is used,
 * and the row names the version it was counted under.
 */
function deadlineUnder(
  rulebooks: Rulebooks,
  clock: DeadlineClock,
  startedAt: string,
  rulebook: string,
  basis?: DeadlineBasis,
): { dueAt: string; rulebook: string } {
  const known = rulebooks.byRef(rulebook) ? rulebook : undefined;
  const deadline = rulebooks.deadline(clock, new Date(startedAt), known, basis);
  return { dueAt: deadline.dueAt.toISOString(), rulebook: deadline.rulebook };
}
