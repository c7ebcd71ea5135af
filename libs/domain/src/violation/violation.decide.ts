import { isDeepStrictEqual } from 'node:util';
import type { Actor } from '@ledger/events';
import { assertNever, Decider } from '../decider';
import type { ReportViolation, ViolationCommand } from './violation.commands';
import { ViolationError } from './violation.errors';
import {
  evolveViolation,
  initialViolationState,
  ReportedViolation,
  ViolationEvent,
  ViolationState,
} from './violation.state';

/**
 * A violation case, kept by supervisors: reported (by a person, or raised from a detection),
 * investigated, then confirmed or dismissed. What a confirmation does to the case's grant is decided
 * by the grant's decider in the same append: see violation.workflow.ts.
 */
export function decideViolation(command: ViolationCommand, state: ViolationState): ViolationEvent[] {
  if (command.type === 'ReportViolation') return report(command, state);
  const violation = reported(state);
  mustSupervise(command.metadata.actor);
  switch (command.type) {
    case 'OpenViolationInvestigation':
      // Opening twice changes nothing: a retried request is answered, not refused.
      if (violation.status === 'investigating') return [];
      mustNotBeClosed(violation);
      return [{ type: 'ViolationInvestigationOpened', data: {} }];
    case 'ConfirmViolation':
      // The same confirmation sent again is a retry: answered, not recorded twice.
      if (violation.confirmation && isDeepStrictEqual(violation.confirmation, command.data)) return [];
      mustNotBeClosed(violation);
      if (violation.status !== 'investigating') {
        throw new ViolationError(
          'ViolationNotUnderInvestigation',
          'open the investigation before confirming the violation',
        );
      }
      return [{ type: 'ViolationConfirmed', data: command.data }];
    case 'DismissViolation':
      if (violation.dismissal && isDeepStrictEqual(violation.dismissal, command.data)) return [];
      mustNotBeClosed(violation);
      return [{ type: 'ViolationDismissed', data: command.data }];
    default:
      return assertNever(command);
  }
}

function report(command: ReportViolation, state: ViolationState): ViolationEvent[] {
  mustSupervise(command.metadata.actor);
  if (state.status !== 'unreported') {
    if (isDeepStrictEqual(state.report, command.data)) return [];
    throw new ViolationError(
      'ViolationAlreadyReported',
      'a violation with this id was reported with other content; report yours under a new id',
    );
  }
  const { grantId, principal, source, accessEventId } = command.data;
  if ((grantId === undefined) === (principal === undefined)) {
    throw new ViolationError(
      'GrantOrPrincipalRequired',
      'a case is about one grant (grantId) or one principal (principal): name exactly one of the two',
    );
  }
  if (grantId !== undefined && command.context.grant.status === 'none') {
    throw new ViolationError('GrantNotFound', `no grant ${grantId} was opened; name an existing grant`);
  }
  if (source === 'detection' && accessEventId === undefined) {
    throw new ViolationError(
      'AccessEventRequired',
      'a case raised from a detection names the DataAccessed event it came from (accessEventId)',
    );
  }
  if (source === 'person' && accessEventId !== undefined) {
    throw new ViolationError(
      'AccessEventNotExpected',
      'a case reported by a person names no access event; drop accessEventId, or report it as a detection',
    );
  }
  return [{ type: 'ViolationReported', data: command.data }];
}

function reported(state: ViolationState): ReportedViolation {
  if (state.status === 'unreported') {
    throw new ViolationError('ViolationNotFound', 'no violation with this id was reported');
  }
  return state;
}

function mustSupervise(actor: Actor): void {
  if (actor.role !== 'supervisor') {
    throw new ViolationError('SupervisorsOnly', 'only a supervisor keeps violation cases');
  }
}

function mustNotBeClosed(violation: ReportedViolation): void {
  if (violation.status === 'confirmed' || violation.status === 'dismissed') {
    throw new ViolationError(
      'ViolationClosed',
      `the case was closed as ${violation.status}; open a new case for new findings`,
    );
  }
}

export const violationDecider: Decider<ViolationCommand, ViolationState, ViolationEvent> = {
  initialState: initialViolationState,
  decide: decideViolation,
  evolve: evolveViolation,
};
