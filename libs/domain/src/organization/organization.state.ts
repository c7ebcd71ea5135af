import type { OrganizationRegisteredV1 } from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type OrganizationEvent = DomainEvent<'OrganizationRegistered', OrganizationRegisteredV1>;

export type OrganizationState = { status: 'unregistered' } | { status: 'registered'; name: string };

export const initialOrganizationState: OrganizationState = { status: 'unregistered' };

export function evolveOrganization(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  switch (event.type) {
    case 'OrganizationRegistered':
      return { status: 'registered', name: event.data.name };
    default:
      return unchanged(event.type, state);
  }
}
