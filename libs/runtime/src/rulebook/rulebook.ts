import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import {
  CalendarData,
  checkCalendar,
  DeadlineClock,
  DeadlineRules,
  isLocalDate,
  isWorkingDayClock,
  WorkingDayCalendar,
} from '@ledger/domain';
import {
  assertFaithfulJson,
  canonicalJson,
  EVENT_CATALOGUE,
  LegalBasis,
  UnfaithfulJsonError,
  UpdateFrequency,
} from '@ledger/events';
import { projectPath } from '@ledger/store';
import { hasDuplicateMemberNames } from './rulebook-json';
import { RULEBOOK_SCHEMA } from './rulebook.schema';

/**
 * A rulebook version: the legal citations, the deadlines and the working-day calendar that decisions
 * are taken under. Data in versioned JSON files under rulebooks/ (`<id>.v<version>.json`, all of one
 * series), never constants in code; a version in force is never edited, a new version replaces it.
 */
export interface Rulebook {
  id: string;
  version: number;
  title: string;
  /** The day (in the calendar's time zone) from whose start the version is in force. */
  inForceFrom: string;
  sources: string[];
  note?: string;
  legalBasis: Record<string, { article: string }>;
  deadlines: DeadlineRules;
  calendar: CalendarData;
}

export class RulebookError extends Error {
  override readonly name = 'RulebookError';
}

/**
 * Reads and checks every rulebook file of a directory; the first problem stops the start with the
 * file's name. Checked: the shape (every deadline clock, well-formed dates), the file name, a legal
 * basis for every event type, the calendar (dates that exist inside their year, no day both holiday
 * and make-up working day, make-up days on weekends, no holiday twice), and that the files form one
 * series: one id, versions 1, 2, … each in force after the one before.
 */
export function loadRulebooks(directory = projectPath('rulebooks')): Rulebook[] {
  const validate = new Ajv({ allErrors: true }).compile(RULEBOOK_SCHEMA);
  const rulebooks = readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => readRulebookFile(directory, file, validate));
  if (rulebooks.length === 0) throw new RulebookError(`no rulebook in ${directory}`);
  return checkSeries(rulebooks.sort((a, b) => a.version - b.version));
}

function readRulebookFile(directory: string, file: string, validate: ValidateFunction): Rulebook {
  const refuse = (problem: string) => new RulebookError(`${file}: ${problem}`);
  const text = readFileSync(join(directory, file), 'utf8');
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    throw refuse(`not valid JSON: ${(error as Error).message}`);
  }
  if (hasDuplicateMemberNames(text, content)) {
    throw refuse('an object has the same member name twice, and only one of them would count');
  }
  try {
    assertFaithfulJson(content);
  } catch (error) {
    if (error instanceof UnfaithfulJsonError)
      throw refuse(`cannot be recorded in the journal: ${error.message}`);
    throw error;
  }
  if (!validate(content)) {
    throw refuse(validate.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ') ?? 'invalid');
  }
  const rulebook = content as Rulebook;
  if (file !== rulebookFileName(rulebook)) {
    throw refuse(
      `a rulebook file is named <id>.v<version>.json: this one must be ${rulebookFileName(rulebook)}`,
    );
  }
  if (!isLocalDate(rulebook.inForceFrom)) throw refuse(`inForceFrom ${rulebook.inForceFrom} is not a date`);
  const uncovered = Object.keys(EVENT_CATALOGUE).filter((type) => !rulebook.legalBasis[type]);
  if (uncovered.length > 0) throw refuse(`no legal basis for ${uncovered.join(', ')}`);
  const problems = checkCalendar(rulebook.calendar);
  if (problems.length > 0) throw refuse(problems.join('; '));
  return rulebook;
}

function checkSeries(rulebooks: Rulebook[]): Rulebook[] {
  const ids = [...new Set(rulebooks.map((rulebook) => rulebook.id))];
  if (ids.length > 1) {
    throw new RulebookError(
      `rulebook files of more than one series (${ids.join(', ')}): every file is a version of one rulebook, with one id`,
    );
  }
  rulebooks.forEach((rulebook, index) => {
    if (rulebook.version !== index + 1) {
      throw new RulebookError(
        `${rulebookFileName(rulebook)}: versions run 1, 2, … without a gap, and version ${index + 1} is missing`,
      );
    }
    const previous = rulebooks[index - 1];
    if (previous && rulebook.inForceFrom <= previous.inForceFrom) {
      throw new RulebookError(
        `${rulebookFileName(rulebook)}: comes into force on ${rulebook.inForceFrom}, not after version ${previous.version} (${previous.inForceFrom})`,
      );
    }
  });
  return rulebooks;
}

/** A computation that counted a year the calendar does not cover as weekends only. */
export interface CalendarFallback {
  rulebook: string;
  year: number;
  clock: DeadlineClock;
}

export interface RulebooksOptions {
  /** Called once per rulebook version and year that a deadline had to count as weekends only. */
  onFallback?: (fallback: CalendarFallback) => void;
}

/** What the period clocks run on: the agreement's reporting interval, the dataset's update frequency. */
export interface DeadlineBasis {
  reportingInterval?: string;
  updateFrequency?: UpdateFrequency;
}

/** When a clock runs out, and under which rulebook version it was counted. */
export interface Deadline {
  clock: DeadlineClock;
  /** The rulebook version the deadline was computed under (`<id>/v<version>`). */
  rulebook: string;
  dueAt: Date;
  /** Working-day clocks: how many working days. */
  workingDays?: number;
  /** Period clocks: the ISO 8601 period run, and the grace days after it. */
  period?: string;
  graceDays?: number;
  /** Years the count went through that the calendar does not cover (weekends only there). */
  calendarFallback?: number[];
}

/** The rulebook versions of the series: which is in force when, their legal bases, deadlines and calendars. */
export class Rulebooks {
  /** Every version, oldest first. */
  readonly all: readonly Rulebook[];
  private readonly calendars = new Map<number, WorkingDayCalendar>();
  /** When each version comes into force, as an instant (ms): the start of its inForceFrom day, local time. */
  private readonly inForceFromTimes = new Map<number, number>();
  private readonly digests = new Map<number, string>();
  private readonly reportedFallbacks = new Set<string>();

  constructor(
    all: readonly Rulebook[],
    private readonly options: RulebooksOptions = {},
  ) {
    if (all.length === 0) throw new RulebookError('no rulebook');
    const ids = new Set(all.map((rulebook) => rulebook.id));
    if (ids.size > 1) throw new RulebookError(`rulebooks of more than one series: ${[...ids].join(', ')}`);
    this.all = [...all].sort((a, b) => a.version - b.version);
    for (const rulebook of this.all) {
      const calendar = new WorkingDayCalendar(rulebook.calendar);
      this.calendars.set(rulebook.version, calendar);
      this.inForceFromTimes.set(rulebook.version, calendar.startOfDay(rulebook.inForceFrom).getTime());
    }
  }

  /** The series' id (the stream is `rulebook-<id>`). */
  get id(): string {
    return this.all[0].id;
  }

  /** The version in force at a time: the latest whose inForceFrom day has begun (the first, before any has). */
  inForceAt(time: Date): Rulebook {
    let inForce = this.all[0];
    for (const rulebook of this.all) {
      if ((this.inForceFromTimes.get(rulebook.version) as number) <= time.getTime()) inForce = rulebook;
    }
    return inForce;
  }

  /** The instant a version came (or comes) into force: 00:00 of its inForceFrom day in its calendar's zone. */
  inForceSince(rulebook: Rulebook): Date {
    return new Date(this.known(rulebook, this.inForceFromTimes));
  }

  /** Every version whose inForceFrom day has begun by this time, oldest first. */
  inForceBy(time: Date): Rulebook[] {
    return this.all.filter((rulebook) => this.inForceSince(rulebook).getTime() <= time.getTime());
  }

  /** `shanghai-public-data-2019/v1`, as events cite it in metadata.legalBasis.rulebook. */
  byRef(ref: string): Rulebook | undefined {
    return this.all.find((rulebook) => rulebookRef(rulebook) === ref);
  }

  byVersion(version: number): Rulebook | undefined {
    return this.all.find((rulebook) => rulebook.version === version);
  }

  calendarOf(rulebook: Rulebook): WorkingDayCalendar {
    return this.known(rulebook, this.calendars);
  }

  /** Hex SHA-256 of the version's RFC 8785 canonical JSON: what RulebookPublished records. */
  digestOf(rulebook: Rulebook): string {
    let digest = this.digests.get(rulebook.version);
    if (digest === undefined) {
      digest = rulebookDigest(rulebook);
      this.digests.set(rulebook.version, digest);
    }
    return digest;
  }

  /** The citation recorded in an event's metadata: which rulebook version, which article. */
  legalBasisFor(type: string, time: Date): LegalBasis {
    const rulebook = this.inForceAt(time);
    const citation = rulebook.legalBasis[type];
    if (!citation)
      throw new RulebookError(`rulebook ${rulebookRef(rulebook)} has no legal basis for ${type}`);
    return { rulebook: rulebookRef(rulebook), article: citation.article };
  }

  /**
   * When a clock started at `startedAt` runs out, under the rulebook version named (the one an event
   * recorded in metadata.legalBasis.rulebook) or else the one in force at `startedAt`. Working-day
   * clocks need nothing more; `usage_report` needs the agreement's `reportingInterval`,
   * `dataset_update` the dataset's `updateFrequency` (an `irregular` dataset runs no clock: refused).
   * A count through a year the calendar does not cover uses weekends only, says so in
   * `calendarFallback`, and is reported once per version and year to `onFallback`.
   */
  deadline(
    clock: DeadlineClock,
    startedAt: Date,
    underRulebook?: string,
    basis: DeadlineBasis = {},
  ): Deadline {
    const rulebook = underRulebook === undefined ? this.inForceAt(startedAt) : this.byRef(underRulebook);
    if (!rulebook) throw new RulebookError(`no rulebook ${underRulebook}`);
    const ref = rulebookRef(rulebook);
    const calendar = this.calendarOf(rulebook);
    if (isWorkingDayClock(clock)) {
      const { workingDays } = rulebook.deadlines[clock];
      const counted = calendar.workingDayDeadline(startedAt, workingDays);
      for (const year of counted.calendarFallback) this.reportFallback({ rulebook: ref, year, clock });
      return {
        clock,
        rulebook: ref,
        dueAt: counted.dueAt,
        workingDays,
        ...(counted.calendarFallback.length > 0 && { calendarFallback: counted.calendarFallback }),
      };
    }
    if (clock === 'usage_report') {
      const period = basis.reportingInterval;
      if (period === undefined)
        throw new RulebookError("usage_report runs on the agreement's reportingInterval");
      return { clock, rulebook: ref, dueAt: calendar.periodDeadline(startedAt, period).dueAt, period };
    }
    const frequency = basis.updateFrequency;
    if (frequency === undefined)
      throw new RulebookError("dataset_update runs on the dataset's updateFrequency");
    if (frequency === 'irregular')
      throw new RulebookError('an irregular dataset runs no dataset_update clock');
    const { periods, graceDays } = rulebook.deadlines[clock];
    const period = periods[frequency];
    return {
      clock,
      rulebook: ref,
      dueAt: calendar.periodDeadline(startedAt, period, graceDays).dueAt,
      period,
      graceDays,
    };
  }

  private reportFallback(fallback: CalendarFallback): void {
    const key = `${fallback.rulebook} ${fallback.year}`;
    if (this.reportedFallbacks.has(key)) return;
    this.reportedFallbacks.add(key);
    this.options.onFallback?.(fallback);
  }

  private known<T>(rulebook: Rulebook, map: Map<number, T>): T {
    const value = map.get(rulebook.version);
    if (value === undefined || this.byVersion(rulebook.version)?.id !== rulebook.id) {
      throw new RulebookError(`rulebook ${rulebookRef(rulebook)} is not one of these`);
    }
    return value;
  }
}

export function rulebookRef(rulebook: Pick<Rulebook, 'id' | 'version'>): string {
  return `${rulebook.id}/v${rulebook.version}`;
}

export function rulebookFileName(rulebook: Pick<Rulebook, 'id' | 'version'>): string {
  return `${rulebook.id}.v${rulebook.version}.json`;
}

/** Hex SHA-256 of a rulebook's RFC 8785 canonical JSON. */
export function rulebookDigest(rulebook: Rulebook): string {
  return createHash('sha256').update(canonicalJson(rulebook), 'utf8').digest('hex');
}

const REFERENCE = /^(?:([a-z0-9][a-z0-9-]{0,99})\/v|v?)([1-9]\d{0,6})$/;

/** Reads `1`, `v1` or `shanghai-public-data-2019/v1`; undefined when the text is none of these. */
export function parseRulebookReference(text: string): { id?: string; version: number } | undefined {
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  return { ...(match[1] !== undefined && { id: match[1] }), version: Number(match[2]) };
}
