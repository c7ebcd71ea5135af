import type { IncomingHttpHeaders } from 'node:http';
import { Problem } from '../http/problem';
import { BATCH, MAX_BATCH_EVENTS, normalisedTime, readCloudEvents, STRUCTURED } from './cloud-events';

const structuredEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  specversion: '1.0',
  id: 'evt-1',
  source: 'urn:gateway:download',
  type: 'DataAccessed',
  data: { datasetId: 'x' },
  ...overrides,
});

/** Headers as Node hands them over: `headers` lower-cased with repeats joined, `rawHeaders` as sent. */
function httpHeaders(sent: [string, string][]): { headers: IncomingHttpHeaders; rawHeaders: string[] } {
  const headers: Record<string, string> = {};
  for (const [name, value] of sent) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return { headers, rawHeaders: sent.flat() };
}

const BINARY_HEADERS: [string, string][] = [
  ['ce-specversion', '1.0'],
  ['ce-id', 'evt-1'],
  ['ce-source', 'urn:gateway:download'],
  ['ce-type', 'DataAccessed'],
];

const readStructured = (event: unknown) => readCloudEvents(STRUCTURED, {}, [], event);
const readBatch = (events: unknown) => readCloudEvents(BATCH, {}, [], events);
const readBinary = (sent: [string, string][], body: unknown = { datasetId: 'x' }) => {
  const { headers, rawHeaders } = httpHeaders(sent);
  return readCloudEvents('application/json', headers, rawHeaders, body);
};
const withBinaryHeader = (name: string, value: string): [string, string][] => [
  ...BINARY_HEADERS,
  [name, value],
];

function problemFrom(read: () => unknown): Problem {
  try {
    read();
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('the CloudEvents were accepted');
}

describe('normalising a CloudEvents time', () => {
  it.each([
    ['2026-11-29T08:00:00Z', '2026-11-29T08:00:00.000Z'],
    ['2026-11-29T09:30:00+01:30', '2026-11-29T08:00:00.000Z'],
    ['2026-11-29T01:00:00-07:00', '2026-11-29T08:00:00.000Z'],
    ['2026-11-29T08:00:00+00:00', '2026-11-29T08:00:00.000Z'],
    ['2026-11-29T23:30:00-01:00', '2026-11-30T00:30:00.000Z'],
    ['2027-01-01T07:00:00+08:00', '2026-12-31T23:00:00.000Z'],
  ])('turns the offset of %s into UTC', (time, expected) => {
    expect(normalisedTime(time)).toBe(expected);
  });

  it.each([
    ['2026-11-29T08:00:00.1Z', '2026-11-29T08:00:00.100Z'],
    ['2026-11-29T08:00:00.12Z', '2026-11-29T08:00:00.120Z'],
    ['2026-11-29T08:00:00.123Z', '2026-11-29T08:00:00.123Z'],
    ['2026-11-29T08:00:00.123456Z', '2026-11-29T08:00:00.123Z'],
    ['2026-11-29T08:00:00.999999999Z', '2026-11-29T08:00:00.999Z'],
    ['2026-11-29T09:00:00.123456789+01:00', '2026-11-29T08:00:00.123Z'],
  ])('keeps the fraction of %s to milliseconds, truncating the rest', (time, expected) => {
    expect(normalisedTime(time)).toBe(expected);
  });

  it.each(['2026-11-29t08:00:00z', '2026-11-29t09:00:00+01:00', '2026-11-29T08:00:00z'])(
    'accepts lower-case t and z in %s',
    (time) => {
      expect(normalisedTime(time)).toBe('2026-11-29T08:00:00.000Z');
    },
  );

  it.each(['2026-11-29T08:00:00.123Z', '2028-02-29T23:59:59.999Z', '0050-06-01T00:00:00.000Z'])(
    'keeps %s, already normalised, as it is',
    (time) => {
      expect(normalisedTime(time)).toBe(time);
    },
  );

  it.each(['2028-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2026-12-31T23:59:59Z', '2026-01-31T00:00:00Z'])(
    'accepts the real day %s',
    (time) => {
      expect(normalisedTime(time)).toBe(time.replace('Z', '.000Z'));
    },
  );

  it.each([
    ['February 30', '2026-02-30T08:00:00Z'],
    ['February 30, written as normalised', '2026-02-30T08:00:00.000Z'],
    ['hour 24, written as normalised', '2026-11-29T24:00:00.000Z'],
    ['February 29 of a common year', '2026-02-29T08:00:00Z'],
    ['February 29 of 1900', '1900-02-29T08:00:00Z'],
    ['April 31', '2026-04-31T08:00:00Z'],
    ['month 13', '2026-13-01T08:00:00Z'],
    ['month 0', '2026-00-10T08:00:00Z'],
    ['day 0', '2026-11-00T08:00:00Z'],
    ['hour 24', '2026-11-29T24:00:00Z'],
    ['minute 60', '2026-11-29T08:60:00Z'],
    ['second 60', '2026-11-29T08:00:60Z'],
    ['an offset of 24 hours', '2026-11-29T08:00:00+24:00'],
    ['no offset', '2026-11-29T08:00:00'],
    ['a date alone', '2026-11-29'],
    ['a space for T', '2026-11-29 08:00:00Z'],
    ['ten fraction digits', '2026-11-29T08:00:00.1234567890Z'],
    ['an empty fraction', '2026-11-29T08:00:00.Z'],
    ['a compact offset', '2026-11-29T08:00:00+0100'],
    ['a two-digit year', '26-11-29T08:00:00Z'],
    ['something else', 'yesterday'],
  ])('refuses %s', (_, time) => {
    expect(normalisedTime(time)).toBeUndefined();
  });

  it('regression: accepts February 29 of year 0000, a leap year in the proleptic Gregorian calendar', () => {
    expect(normalisedTime('0000-02-29T00:00:00Z')).toBe('0000-02-29T00:00:00.000Z');
  });
});

describe('reading CloudEvents', () => {
  describe('in structured mode', () => {
    it('reads the event with expectedVersion any by default', () => {
      expect(readStructured(structuredEvent())).toEqual([
        {
          id: 'evt-1',
          source: 'urn:gateway:download',
          type: 'DataAccessed',
          expectedVersion: 'any',
          data: { datasetId: 'x' },
        },
      ]);
    });

    it('reads subject, normalised time and expectedversion', () => {
      const [event] = readStructured(
        structuredEvent({ subject: 'ds-x', time: '2026-11-29T09:00:00+01:00', expectedversion: 4 }),
      );
      expect(event).toMatchObject({ subject: 'ds-x', time: '2026-11-29T08:00:00.000Z', expectedVersion: 4 });
    });

    it('accepts a JSON datacontenttype, dataschema and the tracing extension', () => {
      const event = structuredEvent({
        datacontenttype: 'application/json; charset=utf-8',
        dataschema: 'https://example.org/schemas/data-accessed',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=1',
      });
      expect(readStructured(event)).toHaveLength(1);
    });

    it('recognises its media type case-insensitively and with parameters', () => {
      const events = readCloudEvents(
        'Application/CloudEvents+JSON; charset=utf-8',
        {},
        [],
        structuredEvent(),
      );
      expect(events[0].id).toBe('evt-1');
    });

    it.each<[string, unknown]>([
      ['an array', [structuredEvent()]],
      ['null', null],
      ['a string', 'evt-1'],
    ])('refuses %s as InvalidCloudEvent', (_, body) => {
      expect(problemFrom(() => readStructured(body))).toMatchObject({
        status: 400,
        code: 'InvalidCloudEvent',
      });
    });

    it('lists every missing required attribute and data as field errors', () => {
      const problem = problemFrom(() => readStructured({ specversion: '1.0' }));
      expect(problem).toMatchObject({ status: 400, code: 'InvalidCloudEvent' });
      expect(problem.extra.errors).toEqual(
        expect.arrayContaining([
          { field: '/id', message: 'is required' },
          { field: '/source', message: 'is required' },
          { field: '/type', message: 'is required' },
          { field: '/data', message: 'is required' },
        ]),
      );
      expect(problem.extra.errors).toHaveLength(4);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown attribute', { colour: 'blue' }, '/colour'],
      ['binary data', { data_base64: 'AAAA' }, '/data_base64'],
      ['another specversion', { specversion: '0.3' }, '/specversion'],
      ['a non-JSON datacontenttype', { datacontenttype: 'text/plain' }, '/datacontenttype'],
      ['an empty id', { id: '' }, '/id'],
      ['an id beyond 200 characters', { id: 'x'.repeat(201) }, '/id'],
      ['a numeric id', { id: 42 }, '/id'],
      ['a type beyond 100 characters', { type: 'T'.repeat(101) }, '/type'],
      ['a source with a space', { source: 'urn:gateway download' }, '/source'],
      ['a source with a control character', { source: 'urn:gateway\n' }, '/source'],
      ['an id with CR LF', { id: 'evt\r\n1' }, '/id'],
      ['a subject with a C1 control character', { subject: 'usage-\u0085x' }, '/subject'],
      ['a type with a tab', { type: 'Data\tAccessed' }, '/type'],
      ['a time that is no instant', { time: '2026-02-30T08:00:00Z' }, '/time'],
      ['an expectedversion of -1', { expectedversion: -1 }, '/expectedversion'],
    ])('refuses %s, naming the attribute', (_, overrides, field) => {
      const problem = problemFrom(() => readStructured(structuredEvent(overrides)));
      expect(problem).toMatchObject({ status: 400, code: 'InvalidCloudEvent' });
      expect(problem.extra.errors?.map((error) => error.field)).toContain(field);
    });
  });

  describe('in batch mode', () => {
    it('reads every event of the array in order', () => {
      const events = readBatch([
        structuredEvent({ id: 'a' }),
        structuredEvent({ id: 'b', expectedversion: 0 }),
      ]);
      expect(events.map((event) => [event.id, event.expectedVersion])).toEqual([
        ['a', 'any'],
        ['b', 0],
      ]);
    });

    it(`accepts exactly ${MAX_BATCH_EVENTS} events`, () => {
      const batch = Array.from({ length: MAX_BATCH_EVENTS }, (_, index) =>
        structuredEvent({ id: `e-${index}` }),
      );
      expect(readBatch(batch)).toHaveLength(MAX_BATCH_EVENTS);
    });

    it.each<[string, unknown]>([
      ['an empty batch', []],
      [
        `more than ${MAX_BATCH_EVENTS} events`,
        Array.from({ length: MAX_BATCH_EVENTS + 1 }, (_, index) => structuredEvent({ id: `e-${index}` })),
      ],
      ['an object instead of an array', structuredEvent()],
      ['null', null],
    ])('refuses %s as InvalidBatch', (_, body) => {
      expect(problemFrom(() => readBatch(body))).toMatchObject({ status: 400, code: 'InvalidBatch' });
    });

    it('refuses an id used twice as DuplicateEventId', () => {
      const batch = [
        structuredEvent({ id: 'a' }),
        structuredEvent({ id: 'b' }),
        structuredEvent({ id: 'a' }),
      ];
      expect(problemFrom(() => readBatch(batch))).toMatchObject({ status: 400, code: 'DuplicateEventId' });
    });

    it('names the invalid event by its index in the batch', () => {
      const problem = problemFrom(() =>
        readBatch([structuredEvent({ id: 'a' }), structuredEvent({ id: undefined })]),
      );
      expect(problem).toMatchObject({ code: 'InvalidCloudEvent' });
      expect(problem.extra.errors).toEqual([{ field: '/1/id', message: 'is required' }]);
    });
  });

  describe('in binary mode', () => {
    it('reads the attributes from ce- headers and the body as data', () => {
      expect(readBinary(BINARY_HEADERS, { datasetId: 'x' })).toEqual([
        {
          id: 'evt-1',
          source: 'urn:gateway:download',
          type: 'DataAccessed',
          expectedVersion: 'any',
          data: { datasetId: 'x' },
        },
      ]);
    });

    it('reads header names case-insensitively', () => {
      const sent = BINARY_HEADERS.map(([name, value]): [string, string] => [name.toUpperCase(), value]);
      expect(readBinary(sent)[0].id).toBe('evt-1');
    });

    it('percent-decodes header values', () => {
      const [event] = readBinary([
        ...BINARY_HEADERS,
        ['ce-subject', 'caf%C3%A9%20%E4%B8%8A%E6%B5%B7%20%F0%9F%98%80'],
        ['ce-time', '2026-11-29T09%3A00%3A00%2B01%3A00'],
      ]);
      expect(event).toMatchObject({ subject: 'café 上海 😀', time: '2026-11-29T08:00:00.000Z' });
    });

    it('accepts the tracing extension and dataschema headers', () => {
      const sent = [...withBinaryHeader('ce-traceparent', '00-abc-def-01'), ['ce-dataschema', 'urn:schema']];
      expect(readBinary(sent as [string, string][])).toHaveLength(1);
    });

    it('ignores headers that are not ce- attributes', () => {
      expect(
        readBinary([...withBinaryHeader('content-type', 'application/json'), ['x-ce-id', 'other']])[0].id,
      ).toBe('evt-1');
    });

    it.each<[string, [string, string][], string, string]>([
      ['a header sent twice', withBinaryHeader('ce-id', 'evt-2'), 'ce-id', 'is sent more than once'],
      [
        'a header sent twice in different case',
        withBinaryHeader('CE-Source', 'urn:other'),
        'ce-source',
        'is sent more than once',
      ],
      [
        'an unknown ce- attribute',
        withBinaryHeader('ce-colour', 'blue'),
        'ce-colour',
        'is not an attribute this ledger accepts',
      ],
      ['ce-data', withBinaryHeader('ce-data', '{}'), 'ce-data', 'is not an attribute this ledger accepts'],
      [
        'ce-datacontenttype',
        withBinaryHeader('ce-datacontenttype', 'application/json'),
        'ce-datacontenttype',
        'is not an attribute this ledger accepts',
      ],
      [
        'a malformed percent-encoding',
        withBinaryHeader('ce-subject', '100%'),
        'ce-subject',
        'is not correctly percent-encoded',
      ],
      [
        'a percent-encoded CR LF',
        [...BINARY_HEADERS.filter(([name]) => name !== 'ce-id'), ['ce-id', 'evt%0D%0A1']],
        'ce-id',
        'must not hold control characters',
      ],
      [
        'another specversion',
        [['ce-specversion', '0.3'], ...BINARY_HEADERS.slice(1)],
        'ce-specversion',
        'must be "1.0"',
      ],
    ])('refuses %s, naming the header', (_, sent, field, message) => {
      const problem = problemFrom(() => readBinary(sent));
      expect(problem).toMatchObject({ status: 400, code: 'InvalidCloudEvent' });
      expect(problem.extra.errors).toContainEqual({ field, message });
    });

    it('lists every missing required attribute as a field error', () => {
      const problem = problemFrom(() => readBinary([['ce-specversion', '1.0']]));
      expect(problem).toMatchObject({ status: 400, code: 'InvalidCloudEvent' });
      expect(problem.extra.errors).toEqual([
        { field: 'ce-id', message: 'is required' },
        { field: 'ce-source', message: 'is required' },
        { field: 'ce-type', message: 'is required' },
      ]);
    });

    describe('ce-expectedversion', () => {
      it.each<[string, number | string]>([
        ['0', 0],
        ['42', 42],
        ['999999999999999', 999999999999999],
        ['no_stream', 'no_stream'],
        ['stream_exists', 'stream_exists'],
        ['any', 'any'],
      ])('reads %j as %p', (header, expected) => {
        expect(readBinary(withBinaryHeader('ce-expectedversion', header))[0].expectedVersion).toBe(expected);
      });

      it.each(['-1', '1.5', 'abc', '01', '1e3', '0x10', ' 1', '', 'NO_STREAM', '9999999999999999'])(
        'refuses %j',
        (header) => {
          const problem = problemFrom(() => readBinary(withBinaryHeader('ce-expectedversion', header)));
          expect(problem).toMatchObject({ status: 400, code: 'InvalidCloudEvent' });
          expect(problem.extra.errors?.map((error) => error.field)).toEqual(['ce-expectedversion']);
        },
      );
    });
  });

  describe('without a CloudEvents content type or ce-specversion header', () => {
    it.each<[string | undefined, [string, string][]]>([
      ['application/json', []],
      [undefined, []],
      ['text/plain', [['ce-id', 'evt-1']]],
      ['application/cloudevents', []],
    ])('answers content type %p with 415 UnsupportedMediaType', (contentType, sent) => {
      const { headers, rawHeaders } = httpHeaders(sent);
      const problem = problemFrom(() => readCloudEvents(contentType, headers, rawHeaders, structuredEvent()));
      expect(problem).toMatchObject({ status: 415, code: 'UnsupportedMediaType' });
    });
  });
});
