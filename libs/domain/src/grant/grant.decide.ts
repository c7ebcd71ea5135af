import { isDeepStrictEqual } from 'node:util';
import { assertNever, Decider } from '../decider';
import type {
  ExpireGrant,
  GrantCommand,
  ReinstateGrant,
  ReportUsage,
  RevokeGrant,
  SuspendGrant,
} from './grant.commands';
import { GrantError } from './grant.errors';
import { evolveGrant, GrantEvent, GrantState, initialGrantState, OpenedGrant } from './grant.state';

/**
 * A grant under a signed agreement (opened by decideApplicationWithGrant): the grantee reports on
 * its use; a supervisor or the dataset's body suspends and reinstates it; a supervisor revokes it
 * (关闭数据获取权限); the ledger's timer expires it at the end of its validity.
 */
export function decideGrant(command: GrantCommand, state: GrantState): GrantEvent[] {
  const grant = opened(state);
  switch (command.type) {
    case 'ReportUsage':
      return report(command, grant);
    case 'SuspendGrant':
      return suspend(command, grant);
    case 'ReinstateGrant':
      return reinstate(command, grant);
    case 'RevokeGrant':
      return revoke(command, grant);
    case 'ExpireGrant':
      return expire(command, grant);
    default:
      return assertNever(command);
  }
}

function report(command: ReportUsage, grant: OpenedGrant): GrantEvent[] {
  if (command.metadata.actor.id !== grant.grant.grantee) {
    throw new GrantError('NotYourGrant', 'only the grantee reports on the use of its grant');
  }
  // The same report sent again right after it was recorded is a retry: answered, not recorded twice.
  if (grant.lastReport && isDeepStrictEqual(grant.lastReport, command.data)) return [];
  if (grant.status === 'revoked') {
    throw new GrantError('GrantRevoked', 'the grant was revoked; it takes no further usage reports');
  }
  const from = Date.parse(command.data.period.from);
  const until = Date.parse(command.data.period.until);
  if (!(from < until)) {
    throw new GrantError('InvalidPeriod', 'the period reported on must start before it ends');
  }
  const { validFrom, validUntil } = grant.grant;
  if (until <= Date.parse(validFrom) || from >= Date.parse(validUntil)) {
    throw new GrantError(
      'ReportPeriodOutsideGrant',
      `the grant runs from ${validFrom} until ${validUntil}; report on a period within it`,
    );
  }
  return [{ type: 'UsageReported', data: command.data }];
}

function suspend(command: SuspendGrant, grant: OpenedGrant): GrantEvent[] {
  mustOversee(command);
  if (grant.status === 'suspended') return [];
  mustNotBeClosed(grant);
  return [{ type: 'GrantSuspended', data: { reason: command.data.reason } }];
}

function reinstate(command: ReinstateGrant, grant: OpenedGrant): GrantEvent[] {
  mustOversee(command);
  if (grant.status === 'active') return [];
  mustNotBeClosed(grant);
  return [{ type: 'GrantReinstated', data: { reason: command.data.reason } }];
}

function revoke(command: RevokeGrant, grant: OpenedGrant): GrantEvent[] {
  if (command.metadata.actor.role !== 'supervisor') {
    throw new GrantError(
      'SupervisorsOnly',
      'only a supervisor revokes access; suspend the grant and report it',
    );
  }
  // The same revocation sent again is a retry: answered, not recorded twice.
  if (grant.revocation && isDeepStrictEqual(grant.revocation, command.data)) return [];
  mustNotBeClosed(grant);
  return [{ type: 'AccessRevoked', data: command.data }];
}

function expire(command: ExpireGrant, grant: OpenedGrant): GrantEvent[] {
  if (command.metadata.actor.role !== 'system') {
    throw new GrantError('SystemOnly', 'a grant expires by the ledger’s own timer, not on request');
  }
  if (grant.status === 'revoked' || grant.status === 'expired') return [];
  const { validUntil } = grant.grant;
  if (command.metadata.now.getTime() < Date.parse(validUntil)) {
    throw new GrantError('GrantNotYetExpired', `the grant is valid until ${validUntil}; expire it then`);
  }
  return [{ type: 'GrantExpired', data: { validUntil } }];
}

function opened(state: GrantState): OpenedGrant {
  if (state.status === 'none') throw new GrantError('GrantNotFound', 'no grant with this id was opened');
  return state;
}

/** Oversight of a grant: any supervisor, and the officers of the body whose dataset it opens. */
function mustOversee(command: SuspendGrant | ReinstateGrant): void {
  const { actor } = command.metadata;
  if (actor.role === 'supervisor') return;
  const dataset = command.context.dataset;
  const organizationId = dataset.status === 'unregistered' ? undefined : dataset.organizationId;
  if (
    actor.role !== 'body_officer' ||
    organizationId === undefined ||
    actor.organizationId !== organizationId
  ) {
    throw new GrantError(
      'NotYourOrganization',
      `only a supervisor or an officer of ${organizationId ?? 'the dataset’s body'} suspends or reinstates this grant`,
    );
  }
}

function mustNotBeClosed(grant: OpenedGrant): void {
  if (grant.status === 'revoked') {
    throw new GrantError(
      'GrantClosed',
      `the grant was revoked (${grant.revocation?.reason ?? 'no reason recorded'}); its access is closed for good`,
    );
  }
  if (grant.status === 'expired') {
    throw new GrantError(
      'GrantClosed',
      `the grant expired at ${grant.grant.validUntil}; the grantee applies again for new access`,
    );
  }
}

export const grantDecider: Decider<GrantCommand, GrantState, GrantEvent> = {
  initialState: initialGrantState,
  decide: decideGrant,
  evolve: evolveGrant,
};
