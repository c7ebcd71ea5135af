import type {
  AccessGrantedV1,
  AccessRevokedV1,
  GrantExpiredV1,
  GrantReinstatedV1,
  GrantSuspendedV1,
  UsageReportedV1,
} from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type GrantEvent =
  | DomainEvent<'AccessGranted', AccessGrantedV1>
  | DomainEvent<'UsageReported', UsageReportedV1>
  | DomainEvent<'GrantSuspended', GrantSuspendedV1>
  | DomainEvent<'GrantReinstated', GrantReinstatedV1>
  | DomainEvent<'AccessRevoked', AccessRevokedV1>
  | DomainEvent<'GrantExpired', GrantExpiredV1>;

export const GRANT_EVENT_TYPES: readonly GrantEvent['type'][] = [
  'AccessGranted',
  'UsageReported',
  'GrantSuspended',
  'GrantReinstated',
  'AccessRevoked',
  'GrantExpired',
];

/** `active ⇄ suspended → revoked | expired` (domain.md). */
export type GrantStatus = 'active' | 'suspended' | 'revoked' | 'expired';

export interface OpenedGrant {
  status: GrantStatus;
  grant: AccessGrantedV1;
  /** The end of the latest period reported on (RFC 3339); absent before the first report. */
  reportedUntil?: string;
  /** The report recorded last, so a retried report is recognised. */
  lastReport?: UsageReportedV1;
  revocation?: AccessRevokedV1;
}

export type GrantState = { status: 'none' } | OpenedGrant;

export const initialGrantState: GrantState = { status: 'none' };

export function evolveGrant(state: GrantState, event: GrantEvent): GrantState {
  if (event.type === 'AccessGranted') return { status: 'active', grant: event.data };
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'UsageReported': {
      const until = event.data.period.until;
      const later = !state.reportedUntil || Date.parse(until) > Date.parse(state.reportedUntil);
      return { ...state, lastReport: event.data, ...(later && { reportedUntil: until }) };
    }
    case 'GrantSuspended':
      return { ...state, status: 'suspended' };
    case 'GrantReinstated':
      return { ...state, status: 'active' };
    case 'AccessRevoked':
      return { ...state, status: 'revoked', revocation: event.data };
    case 'GrantExpired':
      return { ...state, status: 'expired' };
    default:
      return unchanged(event, state);
  }
}
