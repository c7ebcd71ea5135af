import type { PersonalDataErasedV1 } from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type ErasureEvent = DomainEvent<'PersonalDataErased', PersonalDataErasedV1>;

export type ErasureState = { status: 'none' } | { status: 'recorded'; subjects: number };

export const initialErasureState: ErasureState = { status: 'none' };

export function evolveErasure(state: ErasureState, event: ErasureEvent): ErasureState {
  switch (event.type) {
    case 'PersonalDataErased':
      return {
        status: 'recorded',
        subjects: (state.status === 'recorded' ? state.subjects : 0) + event.data.subjects.length,
      };
    default:
      return unchanged(event.type, state);
  }
}
