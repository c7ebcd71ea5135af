import type { Role } from '@ledger/events';
import { canReadStream, readableScope } from './journal-access';
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

  it('reads nothing from a stream id without a category', () => {
    expect(canRead({ role: 'data_user' }, 'dataset')).toBe(false);
    expect(canRead({ role: 'data_user' }, '-dataset-42')).toBe(false);
  });
});
