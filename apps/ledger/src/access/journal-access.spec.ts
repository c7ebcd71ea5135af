import type { Role } from '@ledger/events';
import type { CaseReader } from '@ledger/store';
import { canReadStream, CaseReadership, readableScope } from './journal-access';
import type { AuthenticatedPrincipal } from './principal-directory';

const principal = (overrides: Partial<AuthenticatedPrincipal> = {}): AuthenticatedPrincipal => ({
  id: 'abc',
  name: 'Li Wei',
  role: 'data_user',
  keyId: 'k1',
  ...overrides,
});

/** The case index as the database would answer it, for two bodies and two data users. */
const casesOf: Record<string, string[]> = {
  'city-bureau': ['correction-c1', 'objection-o1', 'application-a1', 'grant-g1', 'usage-42'],
  'other-bureau': ['correction-c2', 'application-a2', 'grant-g2'],
};
const ownedBy: Record<string, string[]> = {
  abc: ['application-a1', 'grant-g1'],
  xyz: ['application-a2'],
};
const cases: CaseReadership = {
  isReadableBy: async (streamId: string, reader: CaseReader) =>
    (reader.organizationId !== undefined && (casesOf[reader.organizationId] ?? []).includes(streamId)) ||
    (reader.principalId !== undefined && (ownedBy[reader.principalId] ?? []).includes(streamId)),
};

const canRead = (overrides: Partial<AuthenticatedPrincipal>, streamId: string) =>
  canReadStream(principal(overrides), streamId, cases);

/** The streams of `streamIds` the principal may read, in order. */
async function readableOf(who: AuthenticatedPrincipal, streamIds: string[]): Promise<string[]> {
  const readable = await Promise.all(streamIds.map((streamId) => canReadStream(who, streamId, cases)));
  return streamIds.filter((_, i) => readable[i]);
}

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
    it('reads every stream', async () => {
      expect(await readableOf(principal({ role }), SOME_STREAMS)).toEqual(SOME_STREAMS);
    });

    it('has no scope to narrow its reads', () => {
      expect(readableScope(principal({ role }))).toBeUndefined();
    });
  });

  describe.each<Role>(['data_user', 'body_officer', 'publisher'])('a %s', (role) => {
    it('reads the dataset streams and its own principal stream', async () => {
      expect(await canRead({ role }, 'dataset-42')).toBe(true);
      expect(await canRead({ role }, 'principal-abc')).toBe(true);
    });

    it('does not read another principal’s stream', async () => {
      expect(await canRead({ role }, 'principal-someone-else')).toBe(false);
    });

    it('does not read a principal stream whose id merely starts with its own', async () => {
      expect(await canRead({ role, id: 'abc' }, 'principal-abcdef')).toBe(false);
      expect(await canRead({ role, id: 'abc' }, 'principal-abc-def')).toBe(false);
    });

    it('does not read a principal stream whose id merely ends with its own', async () => {
      expect(await canRead({ role, id: 'abc' }, 'principal-xabc')).toBe(false);
    });

    it('does not read a category that merely starts with "dataset"', async () => {
      expect(await canRead({ role }, 'datasets-42')).toBe(false);
      expect(await canRead({ role }, 'dataset_draft-42')).toBe(false);
    });
  });

  describe('a data user', () => {
    it('reads only dataset streams and its own principal stream', async () => {
      expect(await readableOf(principal({ role: 'data_user' }), SOME_STREAMS)).toEqual([
        'dataset-42',
        'principal-abc',
      ]);
    });

    it('does not read its organisation’s stream', async () => {
      expect(
        await canRead({ role: 'data_user', organizationId: 'city-bureau' }, 'organization-city-bureau'),
      ).toBe(false);
    });
  });

  describe('a body officer', () => {
    const officer = { role: 'body_officer', organizationId: 'city-bureau' } as const;

    it('also reads its own organisation’s stream, and its dataset’s usage records (a case of its)', async () => {
      expect(await readableOf(principal(officer), SOME_STREAMS)).toEqual([
        'dataset-42',
        'usage-42',
        'principal-abc',
        'organization-city-bureau',
      ]);
    });

    it('does not read an organisation stream whose id merely starts with its own', async () => {
      expect(await canRead(officer, 'organization-city-bureau-east')).toBe(false);
    });

    it('reads no organisation stream when it has no organisation', async () => {
      expect(await canRead({ role: 'body_officer' }, 'organization-city-bureau')).toBe(false);
    });
  });

  describe('a publisher', () => {
    const publisher = (types: string[]): Partial<AuthenticatedPrincipal> => ({
      role: 'publisher',
      publish: { types, sources: ['urn:gateway:download'] },
    });

    it('reads the usage category when it may publish DataAccessed', async () => {
      expect(await readableOf(principal(publisher(['DataAccessed'])), SOME_STREAMS)).toEqual([
        'dataset-42',
        'usage-42',
        'principal-abc',
      ]);
    });

    it('does not read the usage category when it may not publish DataAccessed', async () => {
      expect(await canRead(publisher(['SomethingElse']), 'usage-42')).toBe(false);
    });

    it('does not read the usage category without a publishing scope', async () => {
      expect(await canRead({ role: 'publisher' }, 'usage-42')).toBe(false);
    });

    it('has a scope listing each category once', () => {
      expect(readableScope(principal(publisher(['DataAccessed', 'DataAccessed'])))).toEqual({
        categories: ['dataset', 'usage'],
        streamIds: ['principal-abc'],
      });
    });
  });

  describe('cases on an organisation’s datasets and a data user’s own applications and grants', () => {
    const STREAMS = [
      ...SOME_STREAMS,
      ...Object.values(casesOf).flat(),
      'organization-city-bureau',
      'violation-v9',
    ];
    it('given a body officer, when it reads, then it reads its own organisation’s cases and not another’s', async () => {
      const officer = principal({ role: 'body_officer', organizationId: 'city-bureau' });

      expect(await canReadStream(officer, 'correction-c1', cases)).toBe(true);
      expect(await canReadStream(officer, 'grant-g1', cases)).toBe(true);
      expect(await canReadStream(officer, 'correction-c2', cases)).toBe(false);
      expect(await canReadStream(officer, 'organization-other', cases)).toBe(false);
    });

    it('given a data user, when it reads, then it reads its own application and grant only', async () => {
      expect(await canReadStream(principal({ id: 'abc' }), 'application-a1', cases)).toBe(true);
      expect(await canReadStream(principal({ id: 'abc' }), 'application-a2', cases)).toBe(false);
      expect(await canReadStream(principal({ id: 'xyz' }), 'grant-g1', cases)).toBe(false);
    });

    it.each<[string, Partial<AuthenticatedPrincipal>, CaseReader | undefined]>([
      [
        'a body officer reads its organisation’s',
        { role: 'body_officer', organizationId: 'city-bureau' },
        { organizationId: 'city-bureau' },
      ],
      ['a body officer without an organisation reads no', { role: 'body_officer' }, undefined],
      ['a data user reads its own', { role: 'data_user', id: 'xyz' }, { principalId: 'xyz' }],
      [
        'a publisher reads no',
        { role: 'publisher', publish: { types: ['DataAccessed'], sources: ['urn:gateway'] } },
        undefined,
      ],
    ])('the scope a read is narrowed to names whose cases: %s', (_, caller, reader) => {
      expect(readableScope(principal(caller))?.casesReadableBy).toEqual(reader);
    });

    it('given every case of the index, when each caller reads them one at a time, then it reads exactly its own', async () => {
      expect(
        await readableOf(principal({ role: 'body_officer', organizationId: 'other-bureau' }), STREAMS),
      ).toEqual(['dataset-42', 'principal-abc', 'correction-c2', 'application-a2', 'grant-g2']);
      expect(await readableOf(principal({ role: 'data_user', id: 'xyz' }), STREAMS)).toEqual([
        'dataset-42',
        'application-a2',
      ]);
    });
  });

  it('reads nothing from a stream id without a category', async () => {
    expect(await canRead({ role: 'data_user' }, 'dataset')).toBe(false);
    expect(await canRead({ role: 'data_user' }, '-dataset-42')).toBe(false);
  });
});
