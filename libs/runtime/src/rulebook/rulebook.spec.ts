import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import canonicalize from 'canonicalize';
import { DEADLINE_CLOCKS } from '@ledger/domain';
import { EVENT_CATALOGUE } from '@ledger/events';
import { projectPath } from '@ledger/store';
import {
  CalendarFallback,
  loadRulebooks,
  parseRulebookReference,
  Rulebook,
  RulebookError,
  rulebookRef,
  Rulebooks,
} from './rulebook';

const SHIPPED = projectPath('rulebooks');
const TEMP_ROOT = join(dirname(SHIPPED), '.tmp');
const SHIPPED_FILE = join(SHIPPED, 'shanghai-public-data-2019.v1.json');

const shipped = JSON.parse(readFileSync(SHIPPED_FILE, 'utf8')) as Rulebook;

/** A valid rulebook covering every event type and clock; overrides replace whole members. */
const rulebook = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'test-rulebook',
  version: 1,
  title: 'Test rulebook',
  inForceFrom: '2020-01-01',
  sources: ['the test'],
  legalBasis: Object.fromEntries(
    Object.keys(EVENT_CATALOGUE).map((type) => [type, { article: `art. ${type}` }]),
  ),
  deadlines: {
    application_review: { workingDays: 10 },
    correction_verification: { workingDays: 10 },
    objection_suspension: { workingDays: 0 },
    objection_verification: { workingDays: 15 },
    usage_report: { from: 'agreement.reportingInterval' },
    dataset_update: {
      from: 'dataset.updateFrequency',
      periods: { daily: 'P1D', weekly: 'P7D', monthly: 'P1M', quarterly: 'P3M', yearly: 'P1Y' },
      graceDays: 1,
    },
  },
  calendar: calendar(),
  ...overrides,
});

function calendar(
  holidays: unknown[] = [
    {
      name: 'National Day',
      from: '2026-10-01',
      to: '2026-10-07',
      makeUpWorkingDays: ['2026-09-20', '2026-10-10'],
    },
  ],
) {
  return {
    timeZone: 'Asia/Shanghai',
    weekend: ['saturday', 'sunday'],
    years: { '2026': { source: 'the test', holidays } },
  };
}

const asRulebook = (content: Record<string, unknown>) => content as unknown as Rulebook;

describe('rulebooks', () => {
  describe('the shipped rulebooks', () => {
    it('load, each with a legal basis for every event type, every deadline clock and a calendar', () => {
      const loaded = loadRulebooks();
      expect(loaded.map(rulebookRef)).toContain('shanghai-public-data-2019/v1');
      for (const book of loaded) {
        expect(Object.keys(book.legalBasis)).toEqual(expect.arrayContaining(Object.keys(EVENT_CATALOGUE)));
        expect(Object.keys(book.deadlines).sort()).toEqual([...DEADLINE_CLOCKS].sort());
        expect(book.calendar.timeZone).toBe('Asia/Shanghai');
      }
    });

    it.each(Object.keys(EVENT_CATALOGUE))('cite the rulebook version and the article for %s', (type) => {
      const rulebooks = new Rulebooks(loadRulebooks());
      expect(rulebooks.legalBasisFor(type, new Date('2026-11-29T08:00:00Z'))).toEqual({
        rulebook: 'shanghai-public-data-2019/v1',
        article: shipped.legalBasis[type].article,
      });
    });

    it('ship the defaults of domain.md for every clock', () => {
      expect(shipped.deadlines).toMatchObject({
        application_review: { workingDays: 10 },
        correction_verification: { workingDays: 10 },
        objection_suspension: { workingDays: 0 },
        objection_verification: { workingDays: 15 },
        usage_report: { from: 'agreement.reportingInterval' },
        dataset_update: {
          from: 'dataset.updateFrequency',
          graceDays: 1,
          periods: { daily: 'P1D', weekly: 'P7D', monthly: 'P1M', quarterly: 'P3M', yearly: 'P1Y' },
        },
      });
    });

    it('cover 2023 to 2026 as the State Council notices arranged them', () => {
      const calendar = new Rulebooks(loadRulebooks()).calendarOf(shipped);
      expect(calendar.coveredYears).toEqual([2023, 2024, 2025, 2026]);
      const days = (dates: string[]) => dates.map((date) => calendar.isWorkingDay(date));
      // Holidays on weekdays do not work; make-up weekend days do.
      expect(days(['2023-01-23', '2024-02-12', '2025-10-08', '2026-02-23'])).toEqual([
        false,
        false,
        false,
        false,
      ]);
      expect(days(['2023-10-08', '2024-09-14', '2025-01-26', '2026-01-04'])).toEqual([
        true,
        true,
        true,
        true,
      ]);
      // 2024's New Year's Eve was only recommended as a day off.
      expect(calendar.isWorkingDay('2024-02-09')).toBe(true);
    });

    it('have the digest of their canonical JSON', () => {
      const rulebooks = new Rulebooks(loadRulebooks());
      const expected = createHash('sha256')
        .update(canonicalize(JSON.parse(readFileSync(SHIPPED_FILE, 'utf8'))) as string)
        .digest('hex');
      expect(rulebooks.digestOf(rulebooks.byVersion(1) as Rulebook)).toBe(expected);
    });
  });

  describe('choosing the rulebook in force', () => {
    const first = asRulebook(rulebook({ id: 'city', version: 1, inForceFrom: '2019-10-01' }));
    const second = asRulebook(
      rulebook({
        id: 'city',
        version: 2,
        inForceFrom: '2026-01-01',
        legalBasis: { DataAccessed: { article: 'art. 12 (2026)' } },
      }),
    );
    const rulebooks = new Rulebooks([second, first]);

    it('takes the latest rulebook in force on the day', () => {
      expect(rulebooks.legalBasisFor('DataAccessed', new Date('2026-11-29T08:00:00Z'))).toEqual({
        rulebook: 'city/v2',
        article: 'art. 12 (2026)',
      });
    });

    it('takes the earlier rulebook until the later one’s day begins in Shanghai', () => {
      expect(rulebooks.legalBasisFor('DataAccessed', new Date('2025-12-31T15:59:59.999Z'))).toEqual({
        rulebook: 'city/v1',
        article: 'art. DataAccessed',
      });
    });

    it('takes the later rulebook from 00:00 Shanghai time, while it is still the day before in UTC', () => {
      expect(rulebooks.inForceAt(new Date('2025-12-31T16:00:00Z')).version).toBe(2);
      expect(rulebooks.inForceSince(second).toISOString()).toBe('2025-12-31T16:00:00.000Z');
    });

    it('lists the versions in force by a time', () => {
      expect(rulebooks.inForceBy(new Date('2025-06-01T00:00:00Z')).map(rulebookRef)).toEqual(['city/v1']);
      expect(rulebooks.inForceBy(new Date('2026-06-01T00:00:00Z')).map(rulebookRef)).toEqual([
        'city/v1',
        'city/v2',
      ]);
    });

    it('refuses an event type its rulebook has no legal basis for', () => {
      expect(() => rulebooks.legalBasisFor('PrincipalCreated', new Date('2026-11-29T08:00:00Z'))).toThrow(
        new RulebookError('rulebook city/v2 has no legal basis for PrincipalCreated'),
      );
    });

    it('finds a version by ref and by number', () => {
      expect([rulebooks.byRef('city/v2')?.version, rulebooks.byVersion(1)?.version]).toEqual([2, 1]);
      expect([rulebooks.byRef('town/v1'), rulebooks.byVersion(3)]).toEqual([undefined, undefined]);
      expect(rulebooks.id).toBe('city');
    });

    it('refuses rulebooks of two series', () => {
      expect(() => new Rulebooks([first, asRulebook(rulebook({ id: 'town' }))])).toThrow(RulebookError);
    });
  });

  describe('deadlines', () => {
    const first = asRulebook(rulebook({ id: 'city', version: 1, inForceFrom: '2019-10-01' }));
    const second = asRulebook(
      rulebook({
        id: 'city',
        version: 2,
        inForceFrom: '2026-09-01',
        deadlines: { ...(rulebook().deadlines as object), correction_verification: { workingDays: 5 } },
      }),
    );

    const rulebooksReporting = () => {
      const fallbacks: CalendarFallback[] = [];
      return {
        rulebooks: new Rulebooks([first, second], { onFallback: (f) => fallbacks.push(f) }),
        fallbacks,
      };
    };

    it('counts the working days of the version in force when the clock started', () => {
      const { rulebooks } = rulebooksReporting();
      // Wednesday 30 September 2026, before National Day (1–7 October; Saturday 10 October worked): 5 working days end on Tuesday 13 October.
      expect(rulebooks.deadline('correction_verification', new Date('2026-09-30T02:00:00Z'))).toEqual({
        clock: 'correction_verification',
        rulebook: 'city/v2',
        dueAt: new Date('2026-10-13T16:00:00.000Z'),
        workingDays: 5,
      });
    });

    it('counts under the version an event was recorded under, when named', () => {
      const { rulebooks } = rulebooksReporting();
      const deadline = rulebooks.deadline(
        'correction_verification',
        new Date('2026-09-30T02:00:00Z'),
        'city/v1',
      );
      expect([deadline.rulebook, deadline.workingDays, deadline.dueAt.toISOString()]).toEqual([
        'city/v1',
        10,
        '2026-10-20T16:00:00.000Z',
      ]);
    });

    it('says when it fell back to weekends only, and reports each year once', () => {
      const { rulebooks, fallbacks } = rulebooksReporting();

      const deadline = rulebooks.deadline('objection_verification', new Date('2027-03-01T02:00:00Z'));
      rulebooks.deadline('application_review', new Date('2027-05-03T02:00:00Z'));

      expect(deadline.calendarFallback).toEqual([2027]);
      expect(fallbacks).toEqual([{ rulebook: 'city/v2', year: 2027, clock: 'objection_verification' }]);
    });

    it('runs the usage report on the agreement’s interval, to the close of the day', () => {
      const { rulebooks } = rulebooksReporting();
      expect(
        rulebooks.deadline('usage_report', new Date('2026-01-15T02:00:00Z'), undefined, {
          reportingInterval: 'P30D',
        }),
      ).toEqual({
        clock: 'usage_report',
        rulebook: 'city/v1',
        dueAt: new Date('2026-02-14T16:00:00.000Z'),
        period: 'P30D',
      });
    });

    it('runs a dataset update on its frequency plus the grace days', () => {
      const { rulebooks } = rulebooksReporting();
      expect(
        rulebooks.deadline('dataset_update', new Date('2026-01-15T02:00:00Z'), undefined, {
          updateFrequency: 'monthly',
        }),
      ).toEqual({
        clock: 'dataset_update',
        rulebook: 'city/v1',
        dueAt: new Date('2026-02-16T16:00:00.000Z'),
        period: 'P1M',
        graceDays: 1,
      });
    });

    it('refuses a clock it cannot run: an irregular dataset, a missing interval, an unknown version', () => {
      const { rulebooks } = rulebooksReporting();
      const at = new Date('2026-01-15T02:00:00Z');
      expect(() =>
        rulebooks.deadline('dataset_update', at, undefined, { updateFrequency: 'irregular' }),
      ).toThrow(RulebookError);
      expect(() => rulebooks.deadline('usage_report', at)).toThrow(RulebookError);
      expect(() => rulebooks.deadline('application_review', at, 'city/v9')).toThrow(
        new RulebookError('no rulebook city/v9'),
      );
    });
  });

  describe('naming a version', () => {
    it.each([
      ['1', { version: 1 }],
      ['v12', { version: 12 }],
      ['shanghai-public-data-2019/v1', { id: 'shanghai-public-data-2019', version: 1 }],
    ])('reads %s', (text, reference) => {
      expect(parseRulebookReference(text)).toEqual(reference);
    });

    it.each(['', '0', 'v0', '01', 'one', 'v1.0', 'shanghai/1', '/v1', 'Shanghai/v1', '1 '])(
      'refuses %j',
      (text) => {
        expect(parseRulebookReference(text)).toBeUndefined();
      },
    );
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

    it('loads every .json file, ordered by version, and ignores other files', () => {
      write('city.v2.json', rulebook({ id: 'city', version: 2, inForceFrom: '2024-05-01' }));
      write('city.v1.json', rulebook({ id: 'city', version: 1, inForceFrom: '2019-10-01' }));
      write('README.md', '# not a rulebook');
      expect(loadRulebooks(directory).map(rulebookRef)).toEqual(['city/v1', 'city/v2']);
    });

    it('refuses a rulebook missing a legal basis for an event type', () => {
      const { DataAccessed: _, ...legalBasis } = rulebook().legalBasis as Record<string, unknown>;
      write('test-rulebook.v1.json', rulebook({ legalBasis }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError('test-rulebook.v1.json: no legal basis for DataAccessed'),
      );
    });

    it('refuses a rulebook with an unknown member', () => {
      write('test-rulebook.v1.json', rulebook({ penalties: { late: 15 } }));
      expect(() => loadRulebooks(directory)).toThrow(
        /^test-rulebook\.v1\.json: .*must NOT have additional properties/,
      );
    });

    it('refuses a citation with an unknown member', () => {
      const legalBasis = {
        ...(rulebook().legalBasis as object),
        DataAccessed: { article: 'art. 1', page: 3 },
      };
      write('test-rulebook.v1.json', rulebook({ legalBasis }));
      expect(() => loadRulebooks(directory)).toThrow(/^test-rulebook\.v1\.json: \/legalBasis\/DataAccessed /);
    });

    it('refuses a rulebook without one of the deadline clocks', () => {
      const { objection_suspension: _, ...deadlines } = rulebook().deadlines as Record<string, unknown>;
      write('test-rulebook.v1.json', rulebook({ deadlines }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError(
          "test-rulebook.v1.json: /deadlines must have required property 'objection_suspension'",
        ),
      );
    });

    it('refuses a working-day clock given as a period', () => {
      const deadlines = { ...(rulebook().deadlines as object), application_review: { period: 'P10D' } };
      write('test-rulebook.v1.json', rulebook({ deadlines }));
      expect(() => loadRulebooks(directory)).toThrow(
        /^test-rulebook\.v1\.json: \/deadlines\/application_review /,
      );
    });

    it('refuses a calendar date that does not exist', () => {
      write(
        'test-rulebook.v1.json',
        rulebook({ calendar: calendar([{ name: 'Leap', from: '2026-02-29', to: '2026-03-01' }]) }),
      );
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError('test-rulebook.v1.json: calendar year 2026: Leap from 2026-02-29 is not a date'),
      );
    });

    it('refuses a calendar date that is not written as a date', () => {
      write(
        'test-rulebook.v1.json',
        rulebook({ calendar: calendar([{ name: 'Short', from: '2026-5-1', to: '2026-05-01' }]) }),
      );
      expect(() => loadRulebooks(directory)).toThrow(
        /^test-rulebook\.v1\.json: \/calendar\/years\/2026\/holidays\/0\/from must match pattern/,
      );
    });

    it('refuses a holiday outside its year', () => {
      write(
        'test-rulebook.v1.json',
        rulebook({ calendar: calendar([{ name: 'New Year', from: '2027-01-01', to: '2026-01-01' }]) }),
      );
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError(
          'test-rulebook.v1.json: calendar year 2026: New Year from 2027-01-01 is not in 2026',
        ),
      );
    });

    it('refuses a make-up working day on a weekday', () => {
      write(
        'test-rulebook.v1.json',
        rulebook({
          calendar: calendar([
            { name: 'Labour Day', from: '2026-05-01', to: '2026-05-05', makeUpWorkingDays: ['2026-05-08'] },
          ]),
        }),
      );
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError(
          'test-rulebook.v1.json: calendar year 2026: make-up working day 2026-05-08 of Labour Day is a friday, not a weekend day',
        ),
      );
    });

    it('refuses a day that is both a holiday and a make-up working day', () => {
      write(
        'test-rulebook.v1.json',
        rulebook({
          calendar: calendar([
            { name: 'Labour Day', from: '2026-05-01', to: '2026-05-05', makeUpWorkingDays: ['2026-05-03'] },
          ]),
        }),
      );
      expect(() => loadRulebooks(directory)).toThrow(
        /2026-05-03 is both a holiday \(Labour Day\) and a make-up working day/,
      );
    });

    it('refuses a holiday listed twice', () => {
      write(
        'test-rulebook.v1.json',
        rulebook({
          calendar: calendar([
            { name: 'Qingming', from: '2026-04-04', to: '2026-04-06' },
            { name: 'Qingming', from: '2026-04-04', to: '2026-04-06' },
          ]),
        }),
      );
      expect(() => loadRulebooks(directory)).toThrow(/2026-04-04 is a holiday of both Qingming and Qingming/);
    });

    it('refuses an unknown time zone', () => {
      write('test-rulebook.v1.json', rulebook({ calendar: { ...calendar(), timeZone: 'Asia/Peking' } }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError('test-rulebook.v1.json: time zone Asia/Peking is not known'),
      );
    });

    it('refuses files of two series', () => {
      write('city.v1.json', rulebook({ id: 'city' }));
      write('town.v1.json', rulebook({ id: 'town' }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError(
          'rulebook files of more than one series (city, town): every file is a version of one rulebook, with one id',
        ),
      );
    });

    it('refuses a gap in the versions', () => {
      write('city.v1.json', rulebook({ id: 'city' }));
      write('city.v3.json', rulebook({ id: 'city', version: 3, inForceFrom: '2027-01-01' }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError('city.v3.json: versions run 1, 2, … without a gap, and version 2 is missing'),
      );
    });

    it('refuses a version that comes into force no later than the one before', () => {
      write('city.v1.json', rulebook({ id: 'city', inForceFrom: '2024-01-01' }));
      write('city.v2.json', rulebook({ id: 'city', version: 2, inForceFrom: '2023-06-01' }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError('city.v2.json: comes into force on 2023-06-01, not after version 1 (2024-01-01)'),
      );
    });

    it('refuses a file not named after its id and version', () => {
      write('city.json', rulebook({ id: 'city' }));
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError(
          'city.json: a rulebook file is named <id>.v<version>.json: this one must be city.v1.json',
        ),
      );
    });

    it('refuses a member written twice, which JSON.parse would silently resolve', () => {
      const text = JSON.stringify(rulebook(), null, 2).replace(
        '"version": 1,',
        '"version": 1,\n  "version": 1,',
      );
      write('test-rulebook.v1.json', text);
      expect(() => loadRulebooks(directory)).toThrow(
        new RulebookError(
          'test-rulebook.v1.json: an object has the same member name twice, and only one of them would count',
        ),
      );
    });

    it('refuses a file that is not JSON', () => {
      write('test-rulebook.v1.json', '{"id": ');
      expect(() => loadRulebooks(directory)).toThrow(/^test-rulebook\.v1\.json: not valid JSON: /);
    });

    it.each<[string, Record<string, unknown>]>([
      ['an empty article', { legalBasis: { DataAccessed: { article: '' } } }],
      ['a version of 0', { version: 0 }],
      ['an id with capitals', { id: 'City' }],
      ['a date that is not a day', { inForceFrom: '2020-01-01T00:00:00Z' }],
      ['a day that does not exist', { inForceFrom: '2021-02-29' }],
    ])('refuses %s', (_, overrides) => {
      write('test-rulebook.v1.json', rulebook(overrides));
      expect(() => loadRulebooks(directory)).toThrow(RulebookError);
    });

    it('refuses a directory without rulebooks', () => {
      expect(() => loadRulebooks(directory)).toThrow(new RulebookError(`no rulebook in ${directory}`));
    });
  });
});
