import type { LocalDate } from './local-date';
import {
  CalendarData,
  checkCalendar,
  InvalidCalendarError,
  WorkingDayCalendar,
  WorkingDayDeadline,
} from './working-day-calendar';

/** 2026 as the State Council's notice of 4 November 2025 arranges it (the festivals these tests touch). */
const shanghai2026: CalendarData = {
  timeZone: 'Asia/Shanghai',
  weekend: ['saturday', 'sunday'],
  years: {
    '2026': {
      source: 'the test',
      holidays: [
        { name: 'New Year', from: '2026-01-01', to: '2026-01-03', makeUpWorkingDays: ['2026-01-04'] },
        {
          name: 'Spring Festival',
          from: '2026-02-15',
          to: '2026-02-23',
          makeUpWorkingDays: ['2026-02-14', '2026-02-28'],
        },
        {
          name: 'National Day',
          from: '2026-10-01',
          to: '2026-10-07',
          makeUpWorkingDays: ['2026-09-20', '2026-10-10'],
        },
      ],
    },
  },
};

const calendar = new WorkingDayCalendar(shanghai2026);

/** Given the calendar, when a clock starts at an instant and runs N working days, then it is due at… */
const given = (subject: WorkingDayCalendar) => ({
  when: (clockStartedAt: string, workingDays: number) => {
    const deadline = subject.workingDayDeadline(new Date(clockStartedAt), workingDays);
    return {
      thenDue: (expected: {
        lastWorkingDay: LocalDate;
        dueAt: string;
        calendarFallback?: number[];
      }): WorkingDayDeadline => {
        expect({
          lastWorkingDay: deadline.lastWorkingDay,
          dueAt: deadline.dueAt.toISOString(),
          calendarFallback: deadline.calendarFallback,
        }).toEqual({ calendarFallback: [], ...expected });
        return deadline;
      },
    };
  },
});

describe('a working-day calendar', () => {
  describe('which days work', () => {
    it.each<[LocalDate, boolean, string]>([
      ['2026-03-09', true, 'a Monday'],
      ['2026-03-07', false, 'a Saturday'],
      ['2026-03-08', false, 'a Sunday'],
      ['2026-02-16', false, 'a Monday of the Spring Festival'],
      ['2026-02-14', true, 'a Saturday worked for the Spring Festival'],
      ['2026-10-10', true, 'a Saturday worked for National Day'],
      ['2026-10-03', false, 'a Saturday inside National Day'],
    ])('%s works: %s (%s)', (date, works) => {
      expect(calendar.isWorkingDay(date)).toBe(works);
    });

    it('covers the years it lists, and only those', () => {
      expect([calendar.covers(2026), calendar.covers(2027), calendar.coveredYears]).toEqual([
        true,
        false,
        [2026],
      ]);
    });
  });

  describe('a deadline of N working days', () => {
    it('ends at the close (24:00 Shanghai time) of the N-th working day, skipping the weekend', () => {
      given(calendar)
        .when('2026-03-05T02:00:00Z', 2) // Thursday 10:00 in Shanghai
        .thenDue({ lastWorkingDay: '2026-03-09', dueAt: '2026-03-09T16:00:00.000Z' });
    });

    it('does not count the day the clock starts', () => {
      given(calendar)
        .when('2026-03-09T01:00:00Z', 1) // Monday 09:00
        .thenDue({ lastWorkingDay: '2026-03-10', dueAt: '2026-03-10T16:00:00.000Z' });
    });

    it('skips a public holiday that falls on weekdays', () => {
      given(calendar)
        .when('2026-09-30T03:00:00Z', 1) // Wednesday before National Day
        .thenDue({ lastWorkingDay: '2026-10-08', dueAt: '2026-10-08T16:00:00.000Z' });
    });

    it('counts a make-up working day (调休上班日) that falls on a Saturday', () => {
      given(calendar)
        .when('2026-10-09T03:00:00Z', 1) // Friday
        .thenDue({ lastWorkingDay: '2026-10-10', dueAt: '2026-10-10T16:00:00.000Z' });
    });

    it('runs ten working days across the Spring Festival with its two make-up Saturdays', () => {
      given(calendar)
        .when('2026-02-13T03:00:00Z', 10) // Friday before the festival
        .thenDue({ lastWorkingDay: '2026-03-05', dueAt: '2026-03-05T16:00:00.000Z' });
    });

    it('counts from the first working day when the clock starts on a weekend', () => {
      given(calendar)
        .when('2026-03-07T03:00:00Z', 1) // Saturday
        .thenDue({ lastWorkingDay: '2026-03-09', dueAt: '2026-03-09T16:00:00.000Z' });
    });

    it('counts from the first working day when the clock starts on a holiday', () => {
      given(calendar)
        .when('2026-10-03T03:00:00Z', 1) // Saturday inside National Day
        .thenDue({ lastWorkingDay: '2026-10-08', dueAt: '2026-10-08T16:00:00.000Z' });
    });

    it('takes the day in Shanghai, not in UTC, when the clock starts late in the UTC day', () => {
      // Thursday 16:30 UTC is already Friday 00:30 in Shanghai: one working day after Friday is Monday.
      const deadline = given(calendar)
        .when('2026-03-05T16:30:00Z', 1)
        .thenDue({ lastWorkingDay: '2026-03-09', dueAt: '2026-03-09T16:00:00.000Z' });
      expect(deadline.startDay).toBe('2026-03-06');
    });

    it('answers dueAt alone as the same instant', () => {
      expect(calendar.dueAt(new Date('2026-03-05T02:00:00Z'), 2).toISOString()).toBe(
        '2026-03-09T16:00:00.000Z',
      );
    });
  });

  describe('the same working day (N = 0)', () => {
    it('ends at the close of the start day when it is a working day', () => {
      given(calendar)
        .when('2026-03-09T15:59:00Z', 0) // Monday 23:59
        .thenDue({ lastWorkingDay: '2026-03-09', dueAt: '2026-03-09T16:00:00.000Z' });
    });

    it('ends at the close of the next working day when the clock starts on a weekend', () => {
      given(calendar)
        .when('2026-03-07T03:00:00Z', 0)
        .thenDue({ lastWorkingDay: '2026-03-09', dueAt: '2026-03-09T16:00:00.000Z' });
    });

    it('ends at the close of the first working day after a holiday', () => {
      given(calendar)
        .when('2026-10-01T03:00:00Z', 0)
        .thenDue({ lastWorkingDay: '2026-10-08', dueAt: '2026-10-08T16:00:00.000Z' });
    });

    it('ends on a make-up working day that is a Sunday', () => {
      given(calendar)
        .when('2026-09-20T03:00:00Z', 0)
        .thenDue({ lastWorkingDay: '2026-09-20', dueAt: '2026-09-20T16:00:00.000Z' });
    });
  });

  describe('a year the calendar does not cover', () => {
    it('counts weekends only, and says which year it fell back for', () => {
      // 2027-10-01 is National Day, but this calendar does not know 2027: a Friday like any other.
      given(calendar)
        .when('2027-09-30T03:00:00Z', 1)
        .thenDue({
          lastWorkingDay: '2027-10-01',
          dueAt: '2027-10-01T16:00:00.000Z',
          calendarFallback: [2027],
        });
    });

    it('reports the uncovered year when a count runs into it from a covered one', () => {
      given(calendar)
        .when('2026-12-31T03:00:00Z', 2)
        .thenDue({
          lastWorkingDay: '2027-01-04',
          dueAt: '2027-01-04T16:00:00.000Z',
          calendarFallback: [2027],
        });
    });

    it('reports nothing when the whole count stays in covered years', () => {
      given(calendar)
        .when('2026-12-28T03:00:00Z', 3)
        .thenDue({ lastWorkingDay: '2026-12-31', dueAt: '2026-12-31T16:00:00.000Z' });
    });
  });

  it('refuses a negative or fractional number of working days', () => {
    expect(() => calendar.dueAt(new Date('2026-03-09T01:00:00Z'), -1)).toThrow(RangeError);
    expect(() => calendar.dueAt(new Date('2026-03-09T01:00:00Z'), 1.5)).toThrow(RangeError);
  });

  describe('a deadline one calendar period after an event (dataset updates)', () => {
    it('ends at the close of the day one month and the grace days after the release', () => {
      const deadline = calendar.periodDeadline(new Date('2026-01-15T02:00:00Z'), 'P1M', 1);
      expect([deadline.lastDay, deadline.dueAt.toISOString()]).toEqual([
        '2026-02-16',
        '2026-02-16T16:00:00.000Z',
      ]);
    });

    it('keeps to the end of a shorter month', () => {
      expect(calendar.periodDeadline(new Date('2026-01-31T02:00:00Z'), 'P1M').lastDay).toBe('2026-02-28');
    });

    it('counts calendar days: a holiday does not stop the clock', () => {
      expect(calendar.periodDeadline(new Date('2026-09-30T02:00:00Z'), 'P1D', 1).lastDay).toBe('2026-10-02');
    });

    it('starts from the day in Shanghai', () => {
      expect(calendar.periodDeadline(new Date('2026-03-05T16:30:00Z'), 'P7D').lastDay).toBe('2026-03-13');
    });
  });

  describe('another time zone', () => {
    it('closes a day at local midnight across a change of offset', () => {
      const newYork = new WorkingDayCalendar({
        timeZone: 'America/New_York',
        weekend: ['saturday', 'sunday'],
        years: {},
      });
      // 2026-03-08 is the day New York moves its clocks forward.
      expect(newYork.closeOfDay('2026-03-07').toISOString()).toBe('2026-03-08T05:00:00.000Z');
      expect(newYork.closeOfDay('2026-03-08').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    });
  });

  describe('checking calendar data', () => {
    const withYear = (holidays: CalendarData['years'][string]['holidays']): CalendarData => ({
      ...shanghai2026,
      years: { '2026': { source: 'the test', holidays } },
    });

    it('finds nothing wrong with a calendar as the notices give it', () => {
      expect(checkCalendar(shanghai2026)).toEqual([]);
    });

    it.each<[string, CalendarData, string]>([
      [
        'a date that does not exist',
        withYear([{ name: 'Nonsense', from: '2026-02-30', to: '2026-03-01' }]),
        'calendar year 2026: Nonsense from 2026-02-30 is not a date',
      ],
      [
        'a holiday outside its year',
        withYear([{ name: 'New Year', from: '2025-12-31', to: '2026-01-01' }]),
        'calendar year 2026: New Year from 2025-12-31 is not in 2026',
      ],
      [
        'a holiday that ends before it begins',
        withYear([{ name: 'Backwards', from: '2026-05-05', to: '2026-05-01' }]),
        'calendar year 2026: Backwards ends (2026-05-01) before it begins (2026-05-05)',
      ],
      [
        'a make-up working day on a weekday',
        withYear([
          { name: 'Labour Day', from: '2026-05-01', to: '2026-05-05', makeUpWorkingDays: ['2026-05-08'] },
        ]),
        'calendar year 2026: make-up working day 2026-05-08 of Labour Day is a friday, not a weekend day',
      ],
      [
        'a day both holiday and make-up working day',
        withYear([
          { name: 'Labour Day', from: '2026-05-01', to: '2026-05-05', makeUpWorkingDays: ['2026-05-02'] },
        ]),
        'calendar year 2026: 2026-05-02 is both a holiday (Labour Day) and a make-up working day (Labour Day)',
      ],
      [
        'a holiday listed twice',
        withYear([
          { name: 'Qingming', from: '2026-04-04', to: '2026-04-06' },
          { name: 'Qingming again', from: '2026-04-06', to: '2026-04-06' },
        ]),
        'calendar year 2026: 2026-04-06 is a holiday of both Qingming and Qingming again',
      ],
      [
        'a make-up working day listed twice',
        withYear([
          { name: 'A', from: '2026-05-01', to: '2026-05-01', makeUpWorkingDays: ['2026-05-09'] },
          { name: 'B', from: '2026-06-19', to: '2026-06-19', makeUpWorkingDays: ['2026-05-09'] },
        ]),
        'calendar year 2026: make-up working day 2026-05-09 is listed twice',
      ],
      [
        'an unknown time zone',
        { ...shanghai2026, timeZone: 'Asia/Atlantis' },
        'time zone Asia/Atlantis is not known',
      ],
    ])('reports %s', (_, data, problem) => {
      expect(checkCalendar(data)).toEqual([problem]);
      expect(() => new WorkingDayCalendar(data)).toThrow(InvalidCalendarError);
    });
  });
});
