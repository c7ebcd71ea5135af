import type {
  ViolationConfirmedV1,
  ViolationDismissedV1,
  ViolationInvestigationOpenedV1,
  ViolationReportedV1,
} from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type ViolationEvent =
  | DomainEvent<'ViolationReported', ViolationReportedV1>
  | DomainEvent<'ViolationInvestigationOpened', ViolationInvestigationOpenedV1>
  | DomainEvent<'ViolationConfirmed', ViolationConfirmedV1>
  | DomainEvent<'ViolationDismissed', ViolationDismissedV1>;

export const VIOLATION_EVENT_TYPES: readonly ViolationEvent['type'][] = [
  'ViolationReported',
  'ViolationInvestigationOpened',
  'ViolationConfirmed',
  'ViolationDismissed',
];

/** `reported → investigating → confirmed | dismissed` (domain.md). */
export type ViolationStatus = 'reported' | 'investigating' | 'confirmed' | 'dismissed';

export interface ReportedViolation {
  status: ViolationStatus;
  report: ViolationReportedV1;
  confirmation?: ViolationConfirmedV1;
  dismissal?: ViolationDismissedV1;
}

export type ViolationState = { status: 'unreported' } | ReportedViolation;

export const initialViolationState: ViolationState = { status: 'unreported' };

export function evolveViolation(state: ViolationState, event: ViolationEvent): ViolationState {
  if (event.type === 'ViolationReported') return { status: 'reported', report: event.data };
  if (state.status === 'unreported') return state;
  switch (event.type) {
    case 'ViolationInvestigationOpened':
      return { ...state, status: 'investigating' };
    case 'ViolationConfirmed':
      return { ...state, status: 'confirmed', confirmation: event.data };
    case 'ViolationDismissed':
      return { ...state, status: 'dismissed', dismissal: event.data };
    default:
      return unchanged(event, state);
  }
}
