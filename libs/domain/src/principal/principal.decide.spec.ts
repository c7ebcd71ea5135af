import type { PublishScopeV1, Role } from '@ledger/events';
import { CommandMetadata, fold } from '../decider';
import { deciderSpec } from '../testing/decider-spec';
import type {
  AdministratorsContext,
  Authority,
  ChangePrincipalRole,
  CreatePrincipal,
  IssueApiKey,
  OrganizationsContext,
  RevokeApiKey,
} from './principal.commands';
import { principalDecider } from './principal.decide';
import { PrincipalError } from './principal.errors';
import { initialPrincipalState, PrincipalEvent } from './principal.state';

const metadata: CommandMetadata = {
  now: new Date('2026-11-29T08:00:00Z'),
  actor: { id: 'admin', role: 'platform_admin' },
};

const HASH_1 = '1'.repeat(64);
const HASH_2 = '2'.repeat(64);
const GATEWAY_SCOPE: PublishScopeV1 = { types: ['DataAccessed'], sources: ['urn:gateway:download'] };

const createPrincipal = (
  authority: Authority = { role: 'data_user' },
  context: Partial<OrganizationsContext> = {},
): CreatePrincipal => ({
  type: 'CreatePrincipal',
  data: { name: 'Li Wei', ...authority, key: { keyId: 'k1', keyHash: HASH_1 } },
  context: { organizationRegistered: true, ...context },
  metadata,
});

const issueApiKey = (keyId: string, replaces?: string): IssueApiKey => ({
  type: 'IssueApiKey',
  data: { keyId, keyHash: HASH_2, ...(replaces !== undefined && { replaces }) },
  metadata,
});

const revokeApiKey = (keyId: string, context: Partial<AdministratorsContext> = {}): RevokeApiKey => ({
  type: 'RevokeApiKey',
  data: { keyId, reason: 'lost laptop' },
  context: { otherActivePlatformAdmins: 1, ...context },
  metadata,
});

const changeRole = (
  authority: Authority,
  context: Partial<AdministratorsContext & OrganizationsContext> = {},
): ChangePrincipalRole => ({
  type: 'ChangePrincipalRole',
  data: authority,
  context: { otherActivePlatformAdmins: 1, organizationRegistered: true, ...context },
  metadata,
});

const principalCreated = (authority: Authority = { role: 'data_user' }): PrincipalEvent => ({
  type: 'PrincipalCreated',
  data: { name: 'Li Wei', ...authority },
});

const keyIssued = (keyId: string, keyHash = HASH_1): PrincipalEvent => ({
  type: 'ApiKeyIssued',
  data: { keyId, keyHash },
});

const keyRevoked = (keyId: string, reason = 'lost laptop'): PrincipalEvent => ({
  type: 'ApiKeyRevoked',
  data: { keyId, reason },
});

const roleChanged = (authority: Authority, previousRole: Role): PrincipalEvent => ({
  type: 'PrincipalRoleChanged',
  data: { ...authority, previousRole },
});

/** A principal as CreatePrincipal leaves it: created with one active key, k1. */
const existingPrincipal = (authority: Authority = { role: 'data_user' }): PrincipalEvent[] => [
  principalCreated(authority),
  keyIssued('k1'),
];

const spec = deciderSpec(principalDecider, PrincipalError);

describe('creating a principal', () => {
  it('records PrincipalCreated and ApiKeyIssued for its first key', () => {
    spec
      .given([])
      .when(createPrincipal({ role: 'data_user' }))
      .then([
        { type: 'PrincipalCreated', data: { name: 'Li Wei', role: 'data_user' } },
        { type: 'ApiKeyIssued', data: { keyId: 'k1', keyHash: HASH_1 } },
      ]);
  });

  it('records the organisation of a body officer', () => {
    spec
      .given([])
      .when(createPrincipal({ role: 'body_officer', organizationId: 'city-bureau' }))
      .then([principalCreated({ role: 'body_officer', organizationId: 'city-bureau' }), keyIssued('k1')]);
  });

  it('records the organisation of any other role that names a registered one', () => {
    spec
      .given([])
      .when(createPrincipal({ role: 'data_user', organizationId: 'acme' }))
      .then([principalCreated({ role: 'data_user', organizationId: 'acme' }), keyIssued('k1')]);
  });

  it('records the publishing scope of a publisher', () => {
    spec
      .given([])
      .when(createPrincipal({ role: 'publisher', publish: GATEWAY_SCOPE }))
      .then([principalCreated({ role: 'publisher', publish: GATEWAY_SCOPE }), keyIssued('k1')]);
  });

  it('is refused as PrincipalAlreadyExists when the id is taken', () => {
    spec.given(existingPrincipal()).when(createPrincipal()).thenThrows('PrincipalAlreadyExists');
  });

  it('is refused as OrganizationRequired for a body officer without an organisation', () => {
    spec
      .given([])
      .when(createPrincipal({ role: 'body_officer' }))
      .thenThrows('OrganizationRequired');
  });

  it('is refused as UnknownOrganization when the organisation is not registered', () => {
    spec
      .given([])
      .when(
        createPrincipal(
          { role: 'body_officer', organizationId: 'nowhere' },
          { organizationRegistered: false },
        ),
      )
      .thenThrows('UnknownOrganization');
  });

  it('does not consult the organisations when none is named', () => {
    spec
      .given([])
      .when(createPrincipal({ role: 'supervisor' }, { organizationRegistered: false }))
      .then([principalCreated({ role: 'supervisor' }), keyIssued('k1')]);
  });

  it('is refused as PublishScopeRequired for a publisher without a scope', () => {
    spec
      .given([])
      .when(createPrincipal({ role: 'publisher' }))
      .thenThrows('PublishScopeRequired');
  });

  it.each<Role>(['platform_admin', 'body_officer', 'data_user', 'supervisor', 'compliance_officer'])(
    'is refused as PublishScopeNotAllowed for a %s with a scope',
    (role) => {
      spec
        .given([])
        .when(createPrincipal({ role, organizationId: 'city-bureau', publish: GATEWAY_SCOPE }))
        .thenThrows('PublishScopeNotAllowed');
    },
  );
});

describe('issuing an API key', () => {
  it('records ApiKeyIssued for a new key', () => {
    spec
      .given(existingPrincipal())
      .when(issueApiKey('k2'))
      .then([{ type: 'ApiKeyIssued', data: { keyId: 'k2', keyHash: HASH_2 } }]);
  });

  it('is refused as PrincipalNotFound for a principal that does not exist', () => {
    spec.given([]).when(issueApiKey('k2')).thenThrows('PrincipalNotFound');
  });

  it('is refused as ApiKeyAlreadyExists when the key id is already active', () => {
    spec.given(existingPrincipal()).when(issueApiKey('k1')).thenThrows('ApiKeyAlreadyExists');
  });

  it('is refused as ApiKeyAlreadyExists when the key id was used by a revoked key', () => {
    spec
      .given([...existingPrincipal(), keyIssued('k2'), keyRevoked('k1')])
      .when(issueApiKey('k1'))
      .thenThrows('ApiKeyAlreadyExists');
  });
});

describe('rotating an API key (issuing with "replaces")', () => {
  it('records ApiKeyIssued naming the replaced key, then ApiKeyRevoked for it', () => {
    spec
      .given(existingPrincipal())
      .when(issueApiKey('k2', 'k1'))
      .then([
        { type: 'ApiKeyIssued', data: { keyId: 'k2', keyHash: HASH_2, replaces: 'k1' } },
        { type: 'ApiKeyRevoked', data: { keyId: 'k1', reason: 'replaced by key k2' } },
      ]);
  });

  it('is allowed for the only key of the last platform admin, since the new key keeps it in', () => {
    spec
      .given(existingPrincipal({ role: 'platform_admin' }))
      .when(issueApiKey('k2', 'k1'))
      .then([
        { type: 'ApiKeyIssued', data: { keyId: 'k2', keyHash: HASH_2, replaces: 'k1' } },
        { type: 'ApiKeyRevoked', data: { keyId: 'k1', reason: 'replaced by key k2' } },
      ]);
  });

  it('is refused as ApiKeyNotFound when the replaced key does not exist', () => {
    spec.given(existingPrincipal()).when(issueApiKey('k2', 'k9')).thenThrows('ApiKeyNotFound');
  });

  it('is refused as ApiKeyAlreadyRevoked when the replaced key is revoked', () => {
    spec
      .given([...existingPrincipal(), keyIssued('k2'), keyRevoked('k1')])
      .when(issueApiKey('k3', 'k1'))
      .thenThrows('ApiKeyAlreadyRevoked');
  });

  it('is refused as ApiKeyAlreadyExists before looking at the replaced key', () => {
    spec.given(existingPrincipal()).when(issueApiKey('k1', 'k1')).thenThrows('ApiKeyAlreadyExists');
  });

  it('is refused as PrincipalNotFound for a principal that does not exist', () => {
    spec.given([]).when(issueApiKey('k2', 'k1')).thenThrows('PrincipalNotFound');
  });

  it('regression: is refused as ApiKeyNotFound when the replaced key id is an Object.prototype member name', () => {
    spec.given(existingPrincipal()).when(issueApiKey('k2', 'toString')).thenThrows('ApiKeyNotFound');
  });
});

describe('revoking an API key', () => {
  it('records ApiKeyRevoked with the reason', () => {
    spec
      .given([...existingPrincipal(), keyIssued('k2')])
      .when(revokeApiKey('k2'))
      .then([{ type: 'ApiKeyRevoked', data: { keyId: 'k2', reason: 'lost laptop' } }]);
  });

  it('records nothing when the key is already revoked', () => {
    spec
      .given([...existingPrincipal(), keyIssued('k2'), keyRevoked('k1')])
      .when(revokeApiKey('k1'))
      .then([]);
  });

  it('is refused as ApiKeyNotFound when the principal never had the key', () => {
    spec.given(existingPrincipal()).when(revokeApiKey('k9')).thenThrows('ApiKeyNotFound');
  });

  it('regression: is refused as ApiKeyNotFound when the key id is an Object.prototype member name', () => {
    spec.given(existingPrincipal()).when(revokeApiKey('constructor')).thenThrows('ApiKeyNotFound');
  });

  it('is refused as PrincipalNotFound for a principal that does not exist', () => {
    spec.given([]).when(revokeApiKey('k1')).thenThrows('PrincipalNotFound');
  });

  it('is refused as LastPlatformAdmin for the last active key of the last platform admin', () => {
    spec
      .given(existingPrincipal({ role: 'platform_admin' }))
      .when(revokeApiKey('k1', { otherActivePlatformAdmins: 0 }))
      .thenThrows('LastPlatformAdmin');
  });

  it('is refused as LastPlatformAdmin when the admin’s other keys are all revoked', () => {
    spec
      .given([...existingPrincipal({ role: 'platform_admin' }), keyIssued('k2'), keyRevoked('k2')])
      .when(revokeApiKey('k1', { otherActivePlatformAdmins: 0 }))
      .thenThrows('LastPlatformAdmin');
  });

  it('is allowed for the last key of a platform admin when another admin holds an active key', () => {
    spec
      .given(existingPrincipal({ role: 'platform_admin' }))
      .when(revokeApiKey('k1', { otherActivePlatformAdmins: 1 }))
      .then([keyRevoked('k1')]);
  });

  it('is allowed for a key of the last platform admin that keeps another active key', () => {
    spec
      .given([...existingPrincipal({ role: 'platform_admin' }), keyIssued('k2')])
      .when(revokeApiKey('k1', { otherActivePlatformAdmins: 0 }))
      .then([keyRevoked('k1')]);
  });

  it('is allowed for the last key of a principal that is not a platform admin', () => {
    spec
      .given(existingPrincipal({ role: 'supervisor' }))
      .when(revokeApiKey('k1', { otherActivePlatformAdmins: 0 }))
      .then([keyRevoked('k1')]);
  });
});

describe('changing a principal’s role', () => {
  it('records PrincipalRoleChanged with the new role and the previous one', () => {
    spec
      .given(existingPrincipal({ role: 'data_user' }))
      .when(changeRole({ role: 'supervisor' }))
      .then([{ type: 'PrincipalRoleChanged', data: { role: 'supervisor', previousRole: 'data_user' } }]);
  });

  it('records the new and the previous organisation when a body officer moves', () => {
    spec
      .given(existingPrincipal({ role: 'body_officer', organizationId: 'city-bureau' }))
      .when(changeRole({ role: 'body_officer', organizationId: 'district-office' }))
      .then([
        {
          type: 'PrincipalRoleChanged',
          data: {
            role: 'body_officer',
            organizationId: 'district-office',
            previousRole: 'body_officer',
            previousOrganizationId: 'city-bureau',
          },
        },
      ]);
  });

  it('records the previous organisation when the principal leaves it', () => {
    spec
      .given(existingPrincipal({ role: 'body_officer', organizationId: 'city-bureau' }))
      .when(changeRole({ role: 'compliance_officer' }))
      .then([
        {
          type: 'PrincipalRoleChanged',
          data: {
            role: 'compliance_officer',
            previousRole: 'body_officer',
            previousOrganizationId: 'city-bureau',
          },
        },
      ]);
  });

  it('records the scope of a principal that becomes a publisher', () => {
    spec
      .given(existingPrincipal({ role: 'data_user' }))
      .when(changeRole({ role: 'publisher', publish: GATEWAY_SCOPE }))
      .then([
        {
          type: 'PrincipalRoleChanged',
          data: { role: 'publisher', publish: GATEWAY_SCOPE, previousRole: 'data_user' },
        },
      ]);
  });

  it('records a change of the publishing scope alone', () => {
    const wider: PublishScopeV1 = { types: ['DataAccessed'], sources: ['urn:gateway:download', 'urn:api'] };
    spec
      .given(existingPrincipal({ role: 'publisher', publish: GATEWAY_SCOPE }))
      .when(changeRole({ role: 'publisher', publish: wider }))
      .then([
        {
          type: 'PrincipalRoleChanged',
          data: { role: 'publisher', publish: wider, previousRole: 'publisher' },
        },
      ]);
  });

  it('records nothing when role, organisation and scope are unchanged', () => {
    spec
      .given(existingPrincipal({ role: 'body_officer', organizationId: 'city-bureau' }))
      .when(changeRole({ role: 'body_officer', organizationId: 'city-bureau' }))
      .then([]);
  });

  it('records nothing when the scope is the same set in another order', () => {
    spec
      .given(
        existingPrincipal({ role: 'publisher', publish: { types: ['DataAccessed'], sources: ['a', 'b'] } }),
      )
      .when(changeRole({ role: 'publisher', publish: { types: ['DataAccessed'], sources: ['b', 'a'] } }))
      .then([]);
  });

  it('records nothing when the principal already has the role it was changed to earlier', () => {
    spec
      .given([...existingPrincipal({ role: 'data_user' }), roleChanged({ role: 'supervisor' }, 'data_user')])
      .when(changeRole({ role: 'supervisor' }))
      .then([]);
  });

  it('records nothing for the last platform admin kept as platform admin', () => {
    spec
      .given(existingPrincipal({ role: 'platform_admin' }))
      .when(changeRole({ role: 'platform_admin' }, { otherActivePlatformAdmins: 0 }))
      .then([]);
  });

  it('is refused as PrincipalNotFound for a principal that does not exist', () => {
    spec
      .given([])
      .when(changeRole({ role: 'supervisor' }))
      .thenThrows('PrincipalNotFound');
  });

  it('is refused as OrganizationRequired for a body officer without an organisation', () => {
    spec
      .given(existingPrincipal({ role: 'data_user' }))
      .when(changeRole({ role: 'body_officer' }))
      .thenThrows('OrganizationRequired');
  });

  it('is refused as UnknownOrganization when the organisation is not registered', () => {
    spec
      .given(existingPrincipal({ role: 'data_user' }))
      .when(
        changeRole({ role: 'body_officer', organizationId: 'nowhere' }, { organizationRegistered: false }),
      )
      .thenThrows('UnknownOrganization');
  });

  it('is refused as PublishScopeRequired for a publisher without a scope', () => {
    spec
      .given(existingPrincipal({ role: 'data_user' }))
      .when(changeRole({ role: 'publisher' }))
      .thenThrows('PublishScopeRequired');
  });

  it('is refused as PublishScopeNotAllowed for a scope on another role', () => {
    spec
      .given(existingPrincipal({ role: 'publisher', publish: GATEWAY_SCOPE }))
      .when(changeRole({ role: 'data_user', publish: GATEWAY_SCOPE }))
      .thenThrows('PublishScopeNotAllowed');
  });

  it('is refused as LastPlatformAdmin when it demotes the last platform admin', () => {
    spec
      .given(existingPrincipal({ role: 'platform_admin' }))
      .when(changeRole({ role: 'supervisor' }, { otherActivePlatformAdmins: 0 }))
      .thenThrows('LastPlatformAdmin');
  });

  it('is allowed to demote a platform admin when another admin holds an active key', () => {
    spec
      .given(existingPrincipal({ role: 'platform_admin' }))
      .when(changeRole({ role: 'supervisor' }, { otherActivePlatformAdmins: 1 }))
      .then([roleChanged({ role: 'supervisor' }, 'platform_admin')]);
  });

  it('is allowed to promote to platform admin when there is no other admin', () => {
    spec
      .given(existingPrincipal({ role: 'supervisor' }))
      .when(changeRole({ role: 'platform_admin' }, { otherActivePlatformAdmins: 0 }))
      .then([roleChanged({ role: 'platform_admin' }, 'supervisor')]);
  });
});

describe('evolving a principal', () => {
  const strayEvents = [
    keyIssued('k1'),
    roleChanged({ role: 'platform_admin' }, 'data_user'),
    keyRevoked('k1'),
  ];

  it('ignores key and role events for a principal that was never created', () => {
    expect(fold(principalDecider, strayEvents)).toStrictEqual(initialPrincipalState);
  });

  it('still lets the principal be created after stray events', () => {
    spec
      .given(strayEvents)
      .when(createPrincipal())
      .then([principalCreated(), keyIssued('k1')]);
  });

  it('still knows no principal after stray events', () => {
    spec.given(strayEvents).when(issueApiKey('k2')).thenThrows('PrincipalNotFound');
  });
});
