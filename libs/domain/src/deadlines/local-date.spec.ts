import { addCalendarPeriod, addDays, isLocalDate, parseCalendarPeriod, weekdayOf } from './local-date';

describe('local dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2026-01-01T00:00:00Z', false],
  ])('%s is a date: %s', (text, expected) => {
    expect(isLocalDate(text)).toBe(expected);
  });

  it('adds days across a month and a year', () => {
    expect([addDays('2026-02-28', 1), addDays('2026-12-31', 1), addDays('2026-03-01', -1)]).toEqual([
      '2026-03-01',
      '2027-01-01',
      '2026-02-28',
    ]);
  });

  it('names the weekday', () => {
    expect([weekdayOf('2026-02-14'), weekdayOf('2026-09-20'), weekdayOf('2026-10-01')]).toEqual([
      'saturday',
      'sunday',
      'thursday',
    ]);
  });

  describe('calendar periods', () => {
    it.each([
      ['P1D', { years: 0, months: 0, days: 1 }],
      ['P7D', { years: 0, months: 0, days: 7 }],
      ['P2W', { years: 0, months: 0, days: 14 }],
      ['P3M', { years: 0, months: 3, days: 0 }],
      ['P1Y6M', { years: 1, months: 6, days: 0 }],
    ])('reads %s', (text, period) => {
      expect(parseCalendarPeriod(text)).toEqual(period);
    });

    it.each(['P', 'PT1H', 'P1DT12H', '1D', 'P-1D', 'p1d'])(
      'refuses %s, which is not whole days, weeks, months or years',
      (text) => {
        expect(parseCalendarPeriod(text)).toBeUndefined();
        expect(() => addCalendarPeriod('2026-01-01', text)).toThrow(RangeError);
      },
    );

    it.each([
      ['2026-01-15', 'P1M', '2026-02-15'],
      ['2026-01-31', 'P1M', '2026-02-28'],
      ['2024-01-31', 'P1M', '2024-02-29'],
      ['2024-02-29', 'P1Y', '2025-02-28'],
      ['2026-11-30', 'P3M', '2027-02-28'],
      ['2026-12-31', 'P1D', '2027-01-01'],
      ['2026-03-05', 'P7D', '2026-03-12'],
    ])('%s + %s = %s', (date, period, expected) => {
      expect(addCalendarPeriod(date, period)).toBe(expected);
    });
  });
});
