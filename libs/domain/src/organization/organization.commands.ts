import type { CommandMetadata } from '../decider';

export interface RegisterOrganization {
  type: 'RegisterOrganization';
  data: { name: string };
  metadata: CommandMetadata;
}

export type OrganizationCommand = RegisterOrganization;
