import type { DeadlineMissedV1 } from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type DeadlineEvent = DomainEvent<'DeadlineMissed', DeadlineMissedV1>;

/** One clock of one case (its own stream): running until a miss is recorded, and then never again. */
export type DeadlineState = { status: 'not_recorded' } | { status: 'missed'; dueAt: string; lateBy: string };

export const initialDeadlineState: DeadlineState = { status: 'not_recorded' };

export function evolveDeadline(state: DeadlineState, event: DeadlineEvent): DeadlineState {
  switch (event.type) {
    case 'DeadlineMissed':
      return { status: 'missed', dueAt: event.data.dueAt, lateBy: event.data.lateBy };
    default:
      return unchanged(event.type, state);
  }
}
