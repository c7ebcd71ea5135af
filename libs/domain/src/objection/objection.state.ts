import type { ObjectionFiledV1, ObjectionResolvedV1, ObjectionVerificationStartedV1 } from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type ObjectionEvent =
  | DomainEvent<'ObjectionFiled', ObjectionFiledV1>
  | DomainEvent<'ObjectionVerificationStarted', ObjectionVerificationStartedV1>
  | DomainEvent<'ObjectionResolved', ObjectionResolvedV1>;

export const OBJECTION_EVENT_TYPES: readonly ObjectionEvent['type'][] = [
  'ObjectionFiled',
  'ObjectionVerificationStarted',
  'ObjectionResolved',
];

/** `filed → under_verification → withdrawn | reopened_after_processing | restored` (domain.md). */
export type ObjectionStatus =
  'filed' | 'under_verification' | 'withdrawn' | 'reopened_after_processing' | 'restored';

export interface FiledObjection {
  status: ObjectionStatus;
  filing: ObjectionFiledV1;
  resolution?: ObjectionResolvedV1;
}

export type ObjectionState = { status: 'unfiled' } | FiledObjection;

export const initialObjectionState: ObjectionState = { status: 'unfiled' };

export function evolveObjection(state: ObjectionState, event: ObjectionEvent): ObjectionState {
  if (event.type === 'ObjectionFiled') return { status: 'filed', filing: event.data };
  if (state.status === 'unfiled') return state;
  switch (event.type) {
    case 'ObjectionVerificationStarted':
      return { ...state, status: 'under_verification' };
    case 'ObjectionResolved':
      return { ...state, status: event.data.outcome, resolution: event.data };
    default:
      return unchanged(event, state);
  }
}
