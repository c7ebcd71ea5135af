import { decideGrant } from '../grant/grant.decide';
import type { GrantEvent, GrantState } from '../grant/grant.state';
import type { ConfirmViolation, ViolationCommand } from './violation.commands';
import { decideViolation } from './violation.decide';
import type { ViolationEvent, ViolationState } from './violation.state';

export interface ViolationAndGrant {
  violation: ViolationState;
  grant: GrantState;
}

export interface ViolationAndGrantEvents {
  violation: ViolationEvent[];
  grant: GrantEvent[];
}

/**
 * A confirmed violation closes the user's access (关闭数据获取权限) in the same atomic append: when the
 * case names a grant that is still active or suspended, `AccessRevoked` is recorded in its stream,
 * decided by the grant's own decider (a supervisor's RevokeGrant with the command's metadata). A grant
 * already revoked or expired gets nothing.
 */
export function decideViolationWithGrant(
  command: ViolationCommand,
  states: ViolationAndGrant,
): ViolationAndGrantEvents {
  const violation = decideViolation(command, states.violation);
  if (violation.length === 0 || command.type !== 'ConfirmViolation') return { violation, grant: [] };
  return { violation, grant: revocationOnConfirmation(command, states) };
}

function revocationOnConfirmation(command: ConfirmViolation, states: ViolationAndGrant): GrantEvent[] {
  const { violation, grant } = states;
  if (violation.status === 'unreported' || violation.report.grantId === undefined) return [];
  if (grant.status !== 'active' && grant.status !== 'suspended') return [];
  const { sanction, publicize } = command.data;
  return decideGrant(
    {
      type: 'RevokeGrant',
      data: {
        reason: revocationReason(command.violationId, sanction),
        violationCaseId: command.violationId,
        publicize,
      },
      metadata: command.metadata,
    },
    grant,
  );
}

/**
 * The revocation's reason, possibly shown on the public notice: the case and the sanction, not the
 * findings (which may name people and run longer than a reason).
 */
export function revocationReason(violationId: string, sanction: string): string {
  return `violation case ${violationId} was confirmed (sanction: ${sanction})`;
}
