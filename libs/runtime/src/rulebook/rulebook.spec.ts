import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EVENT_CATALOGUE } from '@ledger/events';
import { projectPath } from '@ledger/store';
import { loadRulebooks, Rulebook, RulebookError, rulebookRef, Rulebooks } from './rulebook';

const SHIPPED = projectPath('rulebooks');
const TEMP_ROOT = join(dirname(SHIPPED), '.tmp');

const shipped = JSON.parse(
  readFileSync(join(SHIPPED, 'shanghai-public-data-2019.v1.json'), 'utf8'),
) as Rulebook;

/** A valid rulebook covering every event type; overrides replace whole members. */
const rulebook = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'test-rulebook',
  version: 1,
  title: 'Test rulebook',
  inForceFrom: '2020-01-01',
  sources: ['the test'],
  legalBasis: Object.fromEntries(
    Object.keys(EVENT_CATALOGUE).map((type) => [type, { article: `art. ${type}` }]),
  ),
  ...overrides,
});

describe('rulebooks', () => {
  describe('the shipped rulebooks', () => {
    it('load, each with a legal basis for every event type', () => {
      const loaded = loadRulebooks();
      expect(loaded.map(rulebookRef)).toContain('shanghai-public-data-2019/v1');
      for (const book of loaded) {
        expect(Object.keys(book.legalBasis)).toEqual(expect.arrayContaining(Object.keys(EVENT_CATALOGUE)));
      }
    });

    it.each(Object.keys(EVENT_CATALOGUE))('cite the rulebook version and the article for %s', (type) => {
      const rulebooks = new Rulebooks(loadRulebooks());
      expect(rulebooks.legalBasisFor(type, new Date('2026-11-29T08:00:00Z'))).toEqual({
        rulebook: 'shanghai-public-data-2019/v1',
        article: shipped.legalBasis[type].article,
      });
    });
  });

  describe('choosing the rulebook in force', () => {
    const first = rulebook({ id: 'city', version: 1, inForceFrom: '2019-10-01' }) as unknown as Rulebook;
    const second = rulebook({
      id: 'city',
      version: 2,
      inForceFrom: '2026-01-01',
      legalBasis: { DataAccessed: { article: 'art. 12 (2026)' } },
    }) as unknown as Rulebook;
    const rulebooks = new Rulebooks([first, second]);

    it('takes the latest rulebook in force on the day', () => {
      expect(rulebooks.legalBasisFor('DataAccessed', new Date('2026-11-29T08:00:00Z'))).toEqual({
        rulebook: 'city/v2',
        article: 'art. 12 (2026)',
      });
    });

    it('takes the earlier rulebook before the later one came into force', () => {
      expect(rulebooks.legalBasisFor('DataAccessed', new Date('2025-12-31T23:59:59Z'))).toEqual({
        rulebook: 'city/v1',
        article: 'art. DataAccessed',
      });
    });

    it('refuses an event type its rulebook has no legal basis for', () => {
      expect(() => rulebooks.legalBasisFor('PrincipalCreated', new Date('2026-11-29T08:00:00Z'))).toThrow(
        new RulebookError('rulebook city/v2 has no legal basis for PrincipalCreated'),
      );
    });
  });

  describe('loading rulebook files', () => {
    let directory: string;

    beforeEach(() => {
      mkdirSync(TEMP_ROOT, { recursive: true });
      directory = mkdtempSync(join(TEMP_ROOT, 'rulebooks-'));
    });

    afterEach(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    const write = (file: string, content: unknown) =>
      writeFileSync(join(directory, file), typeof content === 'string' ? content : JSON.stringify(content));

    it('loads every .json file, ordered by the day it came into force, and ignores other files', () => {
      write('b.json', rulebook({ id: 'later', inForceFrom: '2024-05-01' }));
      write('a.json', rulebook({ id: 'earlier', inForceFrom: '2019-10-01' }));
      write('README.md', '# not a rulebook');
      expect(loadRulebooks(directory).map((book) => book.id)).toEqual(['earlier', 'later']);
    });

    it('refuses a rulebook missing a legal basis for an event type', () => {
      const { DataAccessed: _, ...legalBasis } = rulebook().legalBasis as Record<string, unknown>;
      write('gap.json', rulebook({ legalBasis }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError('gap.json: no legal basis for DataAccessed'),
      );
    });

    it('refuses a rulebook with an unknown member', () => {
      write('extra.json', rulebook({ deadlines: { reply: 15 } }));
      expect(() => loadRulebooks(directory)).toThrow(RulebookError);
      expect(() => loadRulebooks(directory)).toThrow(/^extra\.json: .*must NOT have additional properties/);
    });

    it('refuses a citation with an unknown member', () => {
      const legalBasis = {
        ...(rulebook().legalBasis as object),
        DataAccessed: { article: 'art. 1', page: 3 },
      };
      write('citation.json', rulebook({ legalBasis }));
      expect(() => loadRulebooks(directory)).toThrow(/^citation\.json: \/legalBasis\/DataAccessed /);
    });

    it.each<[string, Record<string, unknown>]>([
      ['an empty article', { legalBasis: { DataAccessed: { article: '' } } }],
      ['a version of 0', { version: 0 }],
      ['an id with capitals', { id: 'City' }],
      ['a date that is not a day', { inForceFrom: '2020-01-01T00:00:00Z' }],
    ])('refuses %s', (_, overrides) => {
      write('bad.json', rulebook(overrides));
      expect(() => loadRulebooks(directory)).toThrow(RulebookError);
    });

    it('refuses a directory without rulebooks', () => {
      expect(() => loadRulebooks(directory)).toThrow(new RulebookError(`no rulebook in ${directory}`));
    });
  });
});
