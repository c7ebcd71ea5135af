import { assertNever, Decider } from '../decider';
import type { OrganizationCommand } from './organization.commands';
import { OrganizationError } from './organization.errors';
import {
  evolveOrganization,
  initialOrganizationState,
  OrganizationEvent,
  OrganizationState,
} from './organization.state';

export function decideOrganization(
  command: OrganizationCommand,
  state: OrganizationState,
): OrganizationEvent[] {
  switch (command.type) {
    case 'RegisterOrganization':
      if (state.status === 'registered') {
        throw new OrganizationError(
          'OrganizationAlreadyRegistered',
          'an organisation with this id is already registered',
        );
      }
      return [{ type: 'OrganizationRegistered', data: { name: command.data.name } }];
    default:
      return assertNever(command.type);
  }
}

export const organizationDecider: Decider<OrganizationCommand, OrganizationState, OrganizationEvent> = {
  initialState: initialOrganizationState,
  decide: decideOrganization,
  evolve: evolveOrganization,
};
