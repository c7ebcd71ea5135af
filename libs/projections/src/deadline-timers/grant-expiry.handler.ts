import { grantDecider } from '@ledger/domain';
import { SYSTEM_ACTOR } from '@ledger/events';
import type { CommandLoop, JobHandler } from '@ledger/runtime';
import { DeadlineNotYetDueError } from './deadline-timer.handler';
import { GrantExpiryPayload } from './grant-expiry';

export interface GrantExpiryHandlerDependencies {
  commands: Pick<CommandLoop, 'handle'>;
  /** The clock the expiry is decided at; injectable for tests. */
  now?: () => Date;
}

/**
 * The `grant-expiry` queue's handler: at the grant's validUntil, ExpireGrant goes through the command
 * loop to the grant decider, which records GrantExpired once — a grant already expired or revoked
 * records nothing, so a timer firing twice, or on two workers, expires it once. A timer firing before
 * validUntil (a clock running fast somewhere) is refused, and the runner tries again later.
 */
export function grantExpiryHandler(
  dependencies: GrantExpiryHandlerDependencies,
): JobHandler<GrantExpiryPayload> {
  const now = dependencies.now ?? (() => new Date());
  return async (timer) => {
    const at = now();
    if (at.getTime() < Date.parse(timer.validUntil)) {
      throw new DeadlineNotYetDueError(`${timer.grantStream} is valid until ${timer.validUntil}`);
    }
    await dependencies.commands.handle({
      decider: grantDecider,
      streamId: timer.grantStream,
      command: { type: 'ExpireGrant', metadata: { now: at, actor: SYSTEM_ACTOR } },
      correlation: { causationId: timer.startedBy },
    });
  };
}
