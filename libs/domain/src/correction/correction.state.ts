import type {
  CorrectionRequestedV1,
  CorrectionResolvedV1,
  CorrectionVerificationStartedV1,
} from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type CorrectionEvent =
  | DomainEvent<'CorrectionRequested', CorrectionRequestedV1>
  | DomainEvent<'CorrectionVerificationStarted', CorrectionVerificationStartedV1>
  | DomainEvent<'CorrectionResolved', CorrectionResolvedV1>;

export const CORRECTION_EVENT_TYPES: readonly CorrectionEvent['type'][] = [
  'CorrectionRequested',
  'CorrectionVerificationStarted',
  'CorrectionResolved',
];

/** `submitted → under_verification → corrected | no_error_found` (domain.md). */
export type CorrectionStatus = 'submitted' | 'under_verification' | 'corrected' | 'no_error_found';

export interface FiledCorrection {
  status: CorrectionStatus;
  request: CorrectionRequestedV1;
  resolution?: CorrectionResolvedV1;
}

export type CorrectionState = { status: 'unfiled' } | FiledCorrection;

export const initialCorrectionState: CorrectionState = { status: 'unfiled' };

export function evolveCorrection(state: CorrectionState, event: CorrectionEvent): CorrectionState {
  if (event.type === 'CorrectionRequested') return { status: 'submitted', request: event.data };
  if (state.status === 'unfiled') return state;
  switch (event.type) {
    case 'CorrectionVerificationStarted':
      return { ...state, status: 'under_verification' };
    case 'CorrectionResolved':
      return { ...state, status: event.data.outcome, resolution: event.data };
    default:
      return unchanged(event, state);
  }
}
