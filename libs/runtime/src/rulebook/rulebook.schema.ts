import { REGULAR_UPDATE_FREQUENCIES, WEEKDAYS, WORKING_DAY_CLOCKS } from '@ledger/domain';

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const date = { type: 'string', pattern: DATE_PATTERN } as const;
const text = { type: 'string', minLength: 1 } as const;
/** ISO 8601 periods of whole days, weeks, months and years (libs/domain parseCalendarPeriod). */
const calendarPeriod = {
  type: 'string',
  pattern: '^P(?!$)(\\d{1,4}Y)?(\\d{1,4}M)?(\\d{1,4}W)?(\\d{1,5}D)?$',
} as const;

const workingDayRule = {
  type: 'object',
  additionalProperties: false,
  required: ['workingDays'],
  properties: { workingDays: { type: 'integer', minimum: 0, maximum: 250 }, note: text },
} as const;

/** One rule per clock: the shape of each clock's rule is fixed by what the clock counts. */
const deadlines = {
  type: 'object',
  additionalProperties: false,
  required: [...WORKING_DAY_CLOCKS, 'usage_report', 'dataset_update'],
  properties: {
    ...Object.fromEntries(WORKING_DAY_CLOCKS.map((clock) => [clock, workingDayRule])),
    usage_report: {
      type: 'object',
      additionalProperties: false,
      required: ['from'],
      properties: { from: { const: 'agreement.reportingInterval' }, note: text },
    },
    dataset_update: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'periods', 'graceDays'],
      properties: {
        from: { const: 'dataset.updateFrequency' },
        periods: {
          type: 'object',
          additionalProperties: false,
          required: [...REGULAR_UPDATE_FREQUENCIES],
          properties: Object.fromEntries(
            REGULAR_UPDATE_FREQUENCIES.map((frequency) => [frequency, calendarPeriod]),
          ),
        },
        graceDays: { type: 'integer', minimum: 0, maximum: 366 },
        note: text,
      },
    },
  },
} as const;

const calendar = {
  type: 'object',
  additionalProperties: false,
  required: ['timeZone', 'weekend', 'years'],
  properties: {
    timeZone: text,
    weekend: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...WEEKDAYS] } },
    note: text,
    years: {
      type: 'object',
      propertyNames: { pattern: '^\\d{4}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'holidays'],
        properties: {
          source: text,
          note: text,
          holidays: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'from', 'to'],
              properties: {
                name: text,
                from: date,
                to: date,
                makeUpWorkingDays: { type: 'array', items: date },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** The shape of a rulebook file; what the shape cannot say (dates that exist, weekends, one series) is checked after it. */
export const RULEBOOK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'title', 'inForceFrom', 'sources', 'legalBasis', 'deadlines', 'calendar'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100 },
    version: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    title: text,
    inForceFrom: date,
    sources: { type: 'array', items: { type: 'string' } },
    note: { type: 'string' },
    legalBasis: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['article'],
        properties: { article: text },
      },
    },
    deadlines,
    calendar,
  },
} as const;
