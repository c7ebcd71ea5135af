import { assertNever, Decider } from '../decider';
import type { ErasureCommand } from './erasure.commands';
import { ErasureError } from './erasure.errors';
import { ErasureEvent, ErasureState, evolveErasure, initialErasureState } from './erasure.state';

/** Subjects per PersonalDataErased event: a principal with more keys than this is recorded in several events of one stream. */
export const MAX_SUBJECTS_PER_ERASURE_EVENT = 1000;

/**
 * One erasure, one stream (`erasure-<id>`): an erasure id is never reused, and an erasure that
 * erased nothing is not a fact. The subjects are recorded sorted and once each.
 */
export function decideErasure(command: ErasureCommand, state: ErasureState): ErasureEvent[] {
  switch (command.type) {
    case 'RecordPersonalDataErasure': {
      if (state.status === 'recorded') {
        throw new ErasureError('ErasureAlreadyRecorded', 'this erasure id was already used');
      }
      const subjects = [...new Set(command.data.subjects)].sort();
      if (subjects.length === 0) {
        throw new ErasureError('NoSubjectsErased', 'an erasure that erased no key is not recorded');
      }
      const { principalId, reason } = command.data;
      const events: ErasureEvent[] = [];
      for (let from = 0; from < subjects.length; from += MAX_SUBJECTS_PER_ERASURE_EVENT) {
        events.push({
          type: 'PersonalDataErased',
          data: {
            subjects: subjects.slice(from, from + MAX_SUBJECTS_PER_ERASURE_EVENT),
            ...(principalId !== undefined && { principalId }),
            reason,
          },
        });
      }
      return events;
    }
    default:
      return assertNever(command.type);
  }
}

export const erasureDecider: Decider<ErasureCommand, ErasureState, ErasureEvent> = {
  initialState: initialErasureState,
  decide: decideErasure,
  evolve: evolveErasure,
};
