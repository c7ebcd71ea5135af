import type { Role } from '@ledger/events';
import { canReadStream, CaseIndex, readableScope } from './journal-access';
import type { AuthenticatedPrincipal } from './principal-directory';

const principal = (overrides: Partial<AuthenticatedPrincipal> = {}): AuthenticatedPrincipal => ({
  id: 'abc',
  name: 'Li Wei',
  role: 'data_user',
  keyId: 'k1',
  ...overrides,
});

const canRead = (overrides: Partial<AuthenticatedPrincipal>, streamId: string) =>
  canReadStream(principal(overrides), streamId);

const SOME_STREAMS = [
  'dataset-42',
  'usage-42',
  'principal-abc',
  'principal-someone-else',
  'organization-city-bureau',
  'organization-other',
  'grant_request-7',
];

describe('who may read which journal stream', () => {
  describe.each<Role>(['platform_admin', 'supervisor', 'compliance_officer'])('a %s', (role) => {
    it('reads every stream', () => {
      expect(SOME_STREAMS.filter((streamId) => canRead({ role }, streamId))).toEqual(SOME_STREAMS);
    });

    it('has no scope to narrow its reads', () => {
      expect(readableScope(principal({ role }))).toBeUndefined();
    });
  });

  describe.each<Role>(['data_user', 'body_officer', 'publisher'])('a %s', (role) => {
    it('reads the dataset streams and its own principal stream', () => {
      expect(canRead({ role }, 'dataset-42')).toBe(true);
      expect(canRead({ role }, 'principal-abc')).toBe(true);
    });

    it('does not read another principal’s stream', () => {
      expect(canRead({ role }, 'principal-someone-else')).toBe(false);
    });

    it('does not read a principal stream whose id merely starts with its own', () => {
      expect(canRead({ role, id: 'abc' }, 'principal-abcdef')).toBe(false);
      expect(canRead({ role, id: 'abc' }, 'principal-abc-def')).toBe(false);
    });

    it('does not read a principal stream whose id merely ends with its own', () => {
      expect(canRead({ role, id: 'abc' }, 'principal-xabc')).toBe(false);
    });

    it('does not read a category that merely starts with "dataset"', () => {
      expect(canRead({ role }, 'datasets-42')).toBe(false);
      expect(canRead({ role }, 'dataset_draft-42')).toBe(false);
    });
  });

  describe('a data user', () => {
    it('reads only dataset streams and its own principal stream', () => {
      expect(SOME_STREAMS.filter((streamId) => canRead({ role: 'data_user' }, streamId))).toEqual([
        'dataset-42',
        'principal-abc',
      ]);
    });

    it('does not read its organisation’s stream', () => {
      expect(canRead({ role: 'data_user', organizationId: 'city-bureau' }, 'organization-city-bureau')).toBe(
        false,
      );
    });
  });

  describe('a body officer', () => {
    const officer = { role: 'body_officer', organizationId: 'city-bureau' } as const;

    it('also reads its own organisation’s stream', () => {
      expect(SOME_STREAMS.filter((streamId) => canRead(officer, streamId))).toEqual([
        'dataset-42',
        'principal-abc',
        'organization-city-bureau',
      ]);
    });

    it('does not read an organisation stream whose id merely starts with its own', () => {
      expect(canRead(officer, 'organization-city-bureau-east')).toBe(false);
    });

    it('reads no organisation stream when it has no organisation', () => {
      expect(canRead({ role: 'body_officer' }, 'organization-city-bureau')).toBe(false);
    });
  });

  describe('a publisher', () => {
    const publisher = (types: string[]): Partial<AuthenticatedPrincipal> => ({
      role: 'publisher',
      publish: { types, sources: ['urn:gateway:download'] },
    });

    it('reads the usage category when it may publish DataAccessed', () => {
      expect(SOME_STREAMS.filter((streamId) => canRead(publisher(['DataAccessed']), streamId))).toEqual([
        'dataset-42',
        'usage-42',
        'principal-abc',
      ]);
    });

    it('does not read the usage category when it may not publish DataAccessed', () => {
      expect(canRead(publisher(['SomethingElse']), 'usage-42')).toBe(false);
    });

    it('does not read the usage category without a publishing scope', () => {
      expect(canRead({ role: 'publisher' }, 'usage-42')).toBe(false);
    });

    it('has a scope listing each category once', () => {
      expect(readableScope(principal(publisher(['DataAccessed', 'DataAccessed'])))).toEqual({
        categories: ['dataset', 'usage'],
        streamIds: ['principal-abc'],
      });
    });
  });

  describe('cases on an organisation’s datasets and a data user’s own applications and grants', () => {
    /** What the principal directory folds from the journal, for two bodies and two data users. */
    const casesOf: Record<string, string[]> = {
      'city-bureau': ['correction-c1', 'objection-o1', 'application-a1', 'grant-g1', 'usage-42'],
      'other-bureau': ['correction-c2', 'application-a2', 'grant-g2'],
    };
    const ownedBy: Record<string, string[]> = {
      abc: ['application-a1', 'grant-g1'],
      xyz: ['application-a2'],
    };
    const cases: CaseIndex = {
      casesOfOrganization: (organizationId) => casesOf[organizationId] ?? [],
      streamsOwnedBy: (principalId) => ownedBy[principalId] ?? [],
      isCaseOfOrganization: (organizationId, streamId) => (casesOf[organizationId] ?? []).includes(streamId),
      isOwnedBy: (principalId, streamId) => (ownedBy[principalId] ?? []).includes(streamId),
    };
    const STREAMS = [
      ...SOME_STREAMS,
      ...Object.values(casesOf).flat(),
      'organization-city-bureau',
      'violation-v9',
    ];
    const callers: Partial<AuthenticatedPrincipal>[] = [
      { role: 'body_officer', organizationId: 'city-bureau' },
      { role: 'body_officer', organizationId: 'other-bureau' },
      { role: 'body_officer' },
      { role: 'data_user', id: 'abc' },
      { role: 'data_user', id: 'xyz' },
      { role: 'publisher', publish: { types: ['DataAccessed'], sources: ['urn:gateway'] } },
      { role: 'supervisor' },
    ];

    it('given a body officer, when it reads, then it reads its own organisation’s cases and not another’s', () => {
      const officer = principal({ role: 'body_officer', organizationId: 'city-bureau' });

      expect(canReadStream(officer, 'correction-c1', cases)).toBe(true);
      expect(canReadStream(officer, 'grant-g1', cases)).toBe(true);
      expect(canReadStream(officer, 'correction-c2', cases)).toBe(false);
      expect(canReadStream(officer, 'organization-other', cases)).toBe(false);
    });

    it('given a data user, when it reads, then it reads its own application and grant only', () => {
      expect(canReadStream(principal({ id: 'abc' }), 'application-a1', cases)).toBe(true);
      expect(canReadStream(principal({ id: 'abc' }), 'application-a2', cases)).toBe(false);
      expect(canReadStream(principal({ id: 'xyz' }), 'grant-g1', cases)).toBe(false);
    });

    it.each(callers)('one stream at a time agrees with the scope a read is narrowed to (%o)', (caller) => {
      const who = principal(caller);
      const scope = readableScope(who, cases);
      const inScope = (streamId: string) =>
        scope === undefined ||
        scope.streamIds.includes(streamId) ||
        scope.categories.includes(streamId.slice(0, streamId.indexOf('-')));

      expect(STREAMS.filter((streamId) => canReadStream(who, streamId, cases))).toEqual(
        STREAMS.filter(inScope),
      );
    });
  });

  it('reads nothing from a stream id without a category', () => {
    expect(canRead({ role: 'data_user' }, 'dataset')).toBe(false);
    expect(canRead({ role: 'data_user' }, '-dataset-42')).toBe(false);
  });
});
