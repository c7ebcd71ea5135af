import { addDays, LocalDate } from './local-date';

/**
 * Between instants (`Date`) and the days of a time zone, through Intl alone: the local day an instant
 * falls on, and the instant a local day begins. Works for any IANA zone, offset changes included.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (`Asia/Shanghai` yes, `Asia/Peking` or `Shanghai` no). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(instant: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as unknown as WallClock;
}

/** How far the zone's clocks are ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClockAt(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The day an instant falls on in the zone. */
export function localDateAt(instant: Date, timeZone: string): LocalDate {
  const wall = wallClockAt(instant.getTime(), timeZone);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** The instant a local day begins (its 00:00 in the zone). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const midnightAsUtc = new Date(`${date}T00:00:00.000Z`).getTime();
  // The offset at the wanted instant is not known before the instant is: guess, then correct once.
  let instant = midnightAsUtc - offsetAt(midnightAsUtc, timeZone);
  instant = midnightAsUtc - offsetAt(instant, timeZone);
  return new Date(instant);
}

/** The instant a local day ends: 24:00, which is the next day's 00:00. */
export function closeOfLocalDay(date: LocalDate, timeZone: string): Date {
  return startOfLocalDay(addDays(date, 1), timeZone);
}
