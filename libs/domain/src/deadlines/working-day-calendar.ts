import {
  addCalendarPeriod,
  addDays,
  isLocalDate,
  LocalDate,
  weekdayOf,
  Weekday,
  WEEKDAYS,
  yearOf,
} from './local-date';
import { closeOfLocalDay, isTimeZone, localDateAt, startOfLocalDay } from './zoned-time';

/** One festival of a State Council notice: the days off (inclusive) and the weekend days worked in exchange (调休上班日). */
export interface HolidayPeriod {
  name: string;
  from: LocalDate;
  to: LocalDate;
  makeUpWorkingDays?: LocalDate[];
}

/** The arrangements of one calendar year, as its notice gives them. */
export interface CalendarYear {
  source: string;
  note?: string;
  holidays: HolidayPeriod[];
}

/** The `calendar` of a rulebook version. */
export interface CalendarData {
  timeZone: string;
  weekend: Weekday[];
  /** Keyed by the year (`"2026"`); a year absent here counts weekends only. */
  years: Record<string, CalendarYear>;
}

/** A working-day deadline and how it was counted. */
export interface WorkingDayDeadline {
  /** The close (24:00 local time) of the last working day. */
  dueAt: Date;
  /** The day the clock started, in the calendar's zone. */
  startDay: LocalDate;
  /** The N-th working day after the start day (N = 0: the start day if it is a working day, else the next one). */
  lastWorkingDay: LocalDate;
  /** Years the count went through that the calendar does not cover: counted as weekends only. Empty when none. */
  calendarFallback: number[];
}

/** A deadline a calendar period after a start (`dataset_update`, `usage_report`). */
export interface PeriodDeadline {
  dueAt: Date;
  startDay: LocalDate;
  /** The start day + the period + the grace days. */
  lastDay: LocalDate;
}

/** No deadline runs this far: a calendar without working days, or a runaway count. */
const MAX_DAYS_COUNTED = 5_000;

/**
 * What is wrong with calendar data, one sentence per problem; empty when it can be used. Checked when a
 * rulebook is loaded, so a bad calendar stops the start instead of producing wrong deadlines.
 */
export function checkCalendar(calendar: CalendarData): string[] {
  const problems: string[] = [];
  if (!isTimeZone(calendar.timeZone)) problems.push(`time zone ${calendar.timeZone} is not known`);
  const weekend = new Set(calendar.weekend);
  if (weekend.size === WEEKDAYS.length) problems.push('a weekend of every day leaves no working day');
  for (const [yearKey, year] of Object.entries(calendar.years)) {
    const at = `calendar year ${yearKey}`;
    const inYear = (date: LocalDate, what: string): boolean => {
      if (!isLocalDate(date)) {
        problems.push(`${at}: ${what} ${date} is not a date`);
        return false;
      }
      if (String(yearOf(date)) !== yearKey) {
        problems.push(`${at}: ${what} ${date} is not in ${yearKey}`);
        return false;
      }
      return true;
    };
    const holidays = new Map<LocalDate, string>();
    const makeUps = new Map<LocalDate, string>();
    for (const holiday of year.holidays) {
      const from = inYear(holiday.from, `${holiday.name} from`);
      const to = inYear(holiday.to, `${holiday.name} to`);
      if (from && to) {
        if (holiday.to < holiday.from) {
          problems.push(`${at}: ${holiday.name} ends (${holiday.to}) before it begins (${holiday.from})`);
        } else {
          for (let day = holiday.from; day <= holiday.to; day = addDays(day, 1)) {
            const other = holidays.get(day);
            if (other !== undefined)
              problems.push(`${at}: ${day} is a holiday of both ${other} and ${holiday.name}`);
            holidays.set(day, holiday.name);
          }
        }
      }
      for (const day of holiday.makeUpWorkingDays ?? []) {
        if (!inYear(day, `${holiday.name} make-up working day`)) continue;
        if (makeUps.has(day)) problems.push(`${at}: make-up working day ${day} is listed twice`);
        makeUps.set(day, holiday.name);
        if (!weekend.has(weekdayOf(day))) {
          problems.push(
            `${at}: make-up working day ${day} of ${holiday.name} is a ${weekdayOf(day)}, not a weekend day`,
          );
        }
      }
    }
    for (const [day, name] of makeUps) {
      if (holidays.has(day))
        problems.push(
          `${at}: ${day} is both a holiday (${holidays.get(day)}) and a make-up working day (${name})`,
        );
    }
  }
  return problems;
}

export class InvalidCalendarError extends Error {
  override readonly name = 'InvalidCalendarError';
  constructor(readonly problems: string[]) {
    super(`invalid working-day calendar: ${problems.join('; ')}`);
  }
}

/**
 * Working days in one time zone: weekends, public holidays and make-up working days per year, from a
 * rulebook's calendar (domain.md, "Deadlines"). A year the calendar does not cover counts weekends only,
 * and every computation says which years it had to count that way.
 */
export class WorkingDayCalendar {
  readonly timeZone: string;
  private readonly weekend: ReadonlySet<Weekday>;
  private readonly holidays = new Set<LocalDate>();
  private readonly makeUpWorkingDays = new Set<LocalDate>();
  private readonly years: ReadonlySet<number>;

  constructor(calendar: CalendarData) {
    const problems = checkCalendar(calendar);
    if (problems.length > 0) throw new InvalidCalendarError(problems);
    this.timeZone = calendar.timeZone;
    this.weekend = new Set(calendar.weekend);
    this.years = new Set(Object.keys(calendar.years).map(Number));
    for (const year of Object.values(calendar.years)) {
      for (const holiday of year.holidays) {
        for (let day = holiday.from; day <= holiday.to; day = addDays(day, 1)) this.holidays.add(day);
        for (const day of holiday.makeUpWorkingDays ?? []) this.makeUpWorkingDays.add(day);
      }
    }
  }

  /** Whether the calendar lists that year's holidays and make-up days. */
  covers(year: number): boolean {
    return this.years.has(year);
  }

  get coveredYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }

  /** A make-up working day works; otherwise a holiday or a weekend day does not; every other day does. */
  isWorkingDay(date: LocalDate): boolean {
    if (this.makeUpWorkingDays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    return !this.weekend.has(weekdayOf(date));
  }

  /** The day an instant falls on in the calendar's zone. */
  localDateOf(instant: Date): LocalDate {
    return localDateAt(instant, this.timeZone);
  }

  startOfDay(date: LocalDate): Date {
    return startOfLocalDay(date, this.timeZone);
  }

  /** 24:00 local time of the day: the next day's first instant. */
  closeOfDay(date: LocalDate): Date {
    return closeOfLocalDay(date, this.timeZone);
  }

  /**
   * A deadline of N working days ends at the close of the N-th working day after the day the clock
   * starts; N = 0 ("the same working day") ends at the close of the start day if it is a working day,
   * else at the close of the next working day.
   */
  workingDayDeadline(clockStartedAt: Date, workingDays: number): WorkingDayDeadline {
    if (!Number.isSafeInteger(workingDays) || workingDays < 0) {
      throw new RangeError(`a deadline counts a whole number of working days, not ${workingDays}`);
    }
    const startDay = this.localDateOf(clockStartedAt);
    const consulted = new Set<number>();
    const works = (day: LocalDate): boolean => {
      consulted.add(yearOf(day));
      return this.isWorkingDay(day);
    };
    let day = startDay;
    let counted = 0;
    let steps = 0;
    const step = () => {
      day = addDays(day, 1);
      if (++steps > MAX_DAYS_COUNTED) {
        throw new RangeError(`no end to a deadline of ${workingDays} working days from ${startDay}`);
      }
    };
    if (workingDays === 0) {
      while (!works(day)) step();
    } else {
      while (counted < workingDays) {
        step();
        if (works(day)) counted++;
      }
    }
    return {
      dueAt: this.closeOfDay(day),
      startDay,
      lastWorkingDay: day,
      calendarFallback: [...consulted].filter((year) => !this.covers(year)).sort((a, b) => a - b),
    };
  }

  /** Shorthand for `workingDayDeadline(...).dueAt`. */
  dueAt(clockStartedAt: Date, workingDays: number): Date {
    return this.workingDayDeadline(clockStartedAt, workingDays).dueAt;
  }

  /**
   * A deadline a calendar period after the day something happened, plus grace days: it ends at the
   * close of that day (a monthly dataset released on 15 January, with one day of grace, is late after
   * 16 February ends). Calendar days: holidays do not stop these clocks.
   */
  periodDeadline(startedAt: Date, period: string, graceDays = 0): PeriodDeadline {
    if (!Number.isSafeInteger(graceDays) || graceDays < 0) {
      throw new RangeError(`grace is a whole number of days, not ${graceDays}`);
    }
    const startDay = this.localDateOf(startedAt);
    const lastDay = addDays(addCalendarPeriod(startDay, period), graceDays);
    return { dueAt: this.closeOfDay(lastDay), startDay, lastDay };
  }
}
