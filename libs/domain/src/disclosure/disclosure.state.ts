import type { PersonalDataDisclosedV1 } from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type DisclosureEvent = DomainEvent<'PersonalDataDisclosed', PersonalDataDisclosedV1>;

/** One read, one stream (`disclosure-<id>`), like an export. */
export type DisclosureState = { status: 'none' } | { status: 'recorded' };

export const initialDisclosureState: DisclosureState = { status: 'none' };

export function evolveDisclosure(state: DisclosureState, event: DisclosureEvent): DisclosureState {
  switch (event.type) {
    case 'PersonalDataDisclosed':
      return { status: 'recorded' };
    default:
      return unchanged(event.type, state);
  }
}
