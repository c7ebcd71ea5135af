import { assertNever, Decider } from '../decider';
import type { DeadlineCommand } from './deadline.commands';
import { DeadlineError } from './deadline.errors';
import { DeadlineEvent, DeadlineState, evolveDeadline, initialDeadlineState } from './deadline.state';

/**
 * A missed deadline is recorded once: a timer that fires again (or a second worker) records nothing.
 * A clock that has not run out — stopped in time, or not yet due — is refused as DeadlineNotMissed.
 */
export function decideDeadline(command: DeadlineCommand, state: DeadlineState): DeadlineEvent[] {
  switch (command.type) {
    case 'RecordDeadlineMissed': {
      if (state.status === 'missed') return [];
      const { caseStream, deadline, dueAt, stoppedAt, releaseVersion, round } = command.data;
      const lateMs =
        (stoppedAt === undefined ? command.metadata.now.getTime() : Date.parse(stoppedAt)) -
        Date.parse(dueAt);
      if (!(lateMs > 0)) {
        throw new DeadlineError(
          'DeadlineNotMissed',
          `${deadline} of ${caseStream} was due at ${dueAt} and ${stoppedAt === undefined ? 'has not run out yet' : `stopped in time, at ${stoppedAt}`}`,
        );
      }
      return [
        {
          type: 'DeadlineMissed',
          data: {
            caseStream,
            deadline,
            dueAt,
            lateBy: isoDuration(lateMs),
            ...(releaseVersion !== undefined && { releaseVersion }),
            ...(round !== undefined && { round }),
          },
        },
      ];
    }
    default:
      return assertNever(command.type);
  }
}

/**
 * An exact ISO 8601 duration in hours, minutes and seconds (`PT2H5M`, `PT250H`, `PT0.5S`): no days,
 * which ISO counts as nominal days rather than 24 hours.
 */
export function isoDuration(ms: number): string {
  const whole = Math.floor(ms);
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const millis = whole % 60_000;
  const seconds =
    millis % 1_000 === 0 ? String(millis / 1_000) : (millis / 1_000).toFixed(3).replace(/0+$/, '');
  const parts = `${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${millis > 0 ? `${seconds}S` : ''}`;
  return `PT${parts || '0S'}`;
}

export const deadlineDecider: Decider<DeadlineCommand, DeadlineState, DeadlineEvent> = {
  initialState: initialDeadlineState,
  decide: decideDeadline,
  evolve: evolveDeadline,
};
