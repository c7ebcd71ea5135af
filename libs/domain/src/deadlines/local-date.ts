/**
 * A calendar day as the law counts it, `YYYY-MM-DD`, with no time and no zone: the day a clock starts,
 * a public holiday, the last working day of a deadline. Arithmetic on it is plain proleptic Gregorian
 * date arithmetic (done in UTC, where no day is ever 23 or 25 hours long).
 */
export type LocalDate = string;

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function utcMidnight(date: LocalDate): number {
  const match = LOCAL_DATE.exec(date);
  if (!match) throw new RangeError(`${JSON.stringify(date)} is not a date (YYYY-MM-DD)`);
  const [, year, month, day] = match.map(Number);
  const time = Date.UTC(year, month - 1, day);
  if (formatUtc(time) !== date) throw new RangeError(`${date} is not a day of the calendar`);
  return time;
}

function formatUtc(time: number): LocalDate {
  return new Date(time).toISOString().slice(0, 10);
}

/** True for a well-formed day that exists (`2024-02-29` yes, `2023-02-29` no). */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  try {
    utcMidnight(value);
    return true;
  } catch {
    return false;
  }
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return formatUtc(utcMidnight(date) + days * DAY_MS);
}

export function weekdayOf(date: LocalDate): Weekday {
  // getUTCDay counts from Sunday = 0; WEEKDAYS from Monday.
  return WEEKDAYS[(new Date(utcMidnight(date)).getUTCDay() + 6) % 7];
}

/** A calendar period of ISO 8601 (`P1D`, `P7D`, `P2W`, `P1M`, `P3M`, `P1Y`, `P1Y6M`): whole days, weeks, months and years only. */
export interface CalendarPeriod {
  years: number;
  months: number;
  days: number;
}

const CALENDAR_PERIOD = /^P(?!$)(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$/;

/** The period an ISO 8601 duration names, or undefined when it is not one of whole days, weeks, months and years. */
export function parseCalendarPeriod(text: string): CalendarPeriod | undefined {
  const match = CALENDAR_PERIOD.exec(text);
  if (!match) return undefined;
  const [years, months, weeks, days] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  return { years, months, days: weeks * 7 + days };
}

/**
 * The day a period after `date` (ISO 8601 / Temporal semantics): years and months first, a day that
 * does not exist in the target month falling back to its last day (`2025-01-31` + P1M = `2025-02-28`),
 * then the days.
 */
export function addCalendarPeriod(date: LocalDate, period: string | CalendarPeriod): LocalDate {
  const parsed = typeof period === 'string' ? parseCalendarPeriod(period) : period;
  if (!parsed)
    throw new RangeError(`${JSON.stringify(period)} is not a period of days, weeks, months or years`);
  const start = new Date(utcMidnight(date));
  const monthIndex = start.getUTCFullYear() * 12 + start.getUTCMonth() + parsed.years * 12 + parsed.months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const moved = Date.UTC(year, month, Math.min(start.getUTCDate(), lastDay));
  return addDays(formatUtc(moved), parsed.days);
}
