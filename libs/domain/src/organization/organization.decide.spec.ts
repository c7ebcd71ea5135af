import type { CommandMetadata } from '../decider';
import { deciderSpec } from '../testing/decider-spec';
import type { RegisterOrganization } from './organization.commands';
import { organizationDecider } from './organization.decide';
import { OrganizationError } from './organization.errors';
import type { OrganizationEvent } from './organization.state';

const metadata: CommandMetadata = {
  now: new Date('2026-11-29T08:00:00Z'),
  actor: { id: 'admin', role: 'platform_admin' },
};

const registerOrganization = (name = 'City Data Bureau'): RegisterOrganization => ({
  type: 'RegisterOrganization',
  data: { name },
  metadata,
});

const organizationRegistered = (name = 'City Data Bureau'): OrganizationEvent => ({
  type: 'OrganizationRegistered',
  data: { name },
});

const spec = deciderSpec(organizationDecider, OrganizationError);

describe('registering an organisation', () => {
  it('records OrganizationRegistered with its name when the id is free', () => {
    spec
      .given([])
      .when(registerOrganization('上海市大数据中心'))
      .then([organizationRegistered('上海市大数据中心')]);
  });

  it('is refused as OrganizationAlreadyRegistered when the id is taken', () => {
    spec
      .given([organizationRegistered()])
      .when(registerOrganization())
      .thenThrows('OrganizationAlreadyRegistered');
  });

  it('is refused as OrganizationAlreadyRegistered even under another name', () => {
    spec
      .given([organizationRegistered('Old Name')])
      .when(registerOrganization('New Name'))
      .thenThrows('OrganizationAlreadyRegistered');
  });
});
