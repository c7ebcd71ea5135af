import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonObject, JsonValue } from '@ledger/events';
import { encodeEntry, leafHashOf, prepareEvent } from './entry-codec';
import type { NewEvent } from './event-store.port';
import { InvalidEventError } from './journal-errors';

const STREAM = 'dataset-42';

const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: 'evt-1',
  type: 'DataAccessed',
  data: { datasetId: '42', recordCount: 3 },
  metadata: {
    actor: { id: 'gateway', role: 'publisher' },
    legalBasis: { rulebook: 'shanghai-public-data-2019/v1', article: 'ch. 4' },
  },
  source: 'urn:gateway:download',
  schemaVersion: 1,
  ...overrides,
});

/** mulberry32: a small seeded generator, so every run checks the same entries. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces strings are built from: what JCS escapes, what it must not escape, and what it sorts in UTF-16 order. */
const STRING_PIECES = [
  ...'a Z 0 id é ö € 上海 数据 日本語 😀 👍🏽 𝄞 ﬀ \uFB33'.split(' '),
  ...'\u0080 \u00AD \uFEFF \u2028 \u2029 " \\ / \' < &'.split(' '),
  ...' \n\t\r\b\f\u0001\u001F\u007F'.split(''),
];

/** Numbers with distinct ECMAScript serialisations; integers beyond ±(2^53−1) such as 1e21 are not faithful JSON. */
const NUMBERS = [
  0, -0, 1, -1, 42, -273, 1000000, 9007199254740991, -9007199254740991, 0.5, -0.1, 0.30000000000000004,
  3.141592653589793, 333333333.3333333, 4.5, 0.002, 1e-7, -1.5e-7, 1e-27, 5e-324, 123456789.125,
  4503599627370495.5,
];

class EntryGenerator {
  constructor(private readonly random: () => number) {}

  integer(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.integer(0, items.length - 1)];
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  text(minPieces = 0, maxPieces = 6): string {
    return Array.from({ length: this.integer(minPieces, maxPieces) }, () => this.pick(STRING_PIECES)).join(
      '',
    );
  }

  number(): number {
    if (this.chance(0.5)) return this.pick(NUMBERS);
    const magnitude = 10 ** this.integer(-8, 12);
    const value = (this.random() - 0.5) * magnitude;
    return this.chance(0.3) ? Math.round(value) : value;
  }

  value(depth: number): JsonValue {
    const kind = depth >= 4 ? this.integer(0, 3) : this.integer(0, 5);
    switch (kind) {
      case 0:
        return this.text();
      case 1:
        return this.number();
      case 2:
        return this.pick([true, false, null]);
      case 3:
        return this.text(1, 2);
      case 4:
        return Array.from({ length: this.integer(0, 4) }, () => this.value(depth + 1));
      default:
        return this.object(depth + 1);
    }
  }

  object(depth: number): JsonObject {
    const object: JsonObject = {};
    for (let i = this.integer(0, 5); i > 0; i--) object[this.text(0, 3)] = this.value(depth);
    return object;
  }

  streamId(): string {
    const category = this.pick(['dataset', 'usage', 'principal', 'organization', 'grant_request']);
    const id = this.pick(['42', 'x', 'A.b~c:d-e_f', 'ds-2026-11-29', '0'.repeat(128)]);
    return `${category}-${id}`;
  }

  timestamp(): string {
    return new Date(this.integer(0, 4102444800000)).toISOString();
  }

  event(): NewEvent {
    return {
      id: this.chance(0.5) ? `evt-${this.integer(0, 1e9)}` : this.text(1, 8),
      type: this.pick(['DataAccessed', 'A', 'PrincipalCreated', 'X9y8Z7']),
      data: this.object(0),
      metadata: {
        actor: {
          id: this.text(1, 4),
          role: this.pick(['publisher', 'platform_admin', 'public', 'system'] as const),
          ...(this.chance(0.5) && { organizationId: this.text(1, 3) }),
        },
        ...(this.chance(0.5) && { correlationId: this.text(1, 4) }),
        ...(this.chance(0.3) && { causationId: this.text(1, 4) }),
        legalBasis: { rulebook: this.text(1, 3), article: this.text(1, 6) },
      },
      source: this.text(1, 5),
      schemaVersion: this.integer(1, 1000),
      ...(this.chance(0.5) && { occurredAt: this.timestamp() }),
    };
  }
}

/** The ledger entry as http-api.md defines it, assembled as a plain object. */
function entryObject(
  streamId: string,
  event: NewEvent,
  globalPosition: number,
  streamVersion: number,
  recordedAt: string,
) {
  return {
    id: event.id,
    type: event.type,
    streamId,
    streamVersion,
    globalPosition,
    recordedAt,
    ...(event.occurredAt !== undefined && { occurredAt: event.occurredAt }),
    source: event.source,
    data: event.data,
    metadata: event.metadata,
    schemaVersion: event.schemaVersion,
  };
}

function refusalOf(streamId: string, event: NewEvent): string | undefined {
  try {
    prepareEvent(streamId, event);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidEventError) return error.message;
    throw error;
  }
}

describe('encoding a ledger entry', () => {
  describe('produces exactly canonicalize() of the assembled entry (RFC 8785)', () => {
    const generate = new EntryGenerator(seededRandom(20261129));
    const cases = Array.from({ length: 600 }, () => {
      const streamId = generate.streamId();
      return {
        streamId,
        event: generate.event(),
        globalPosition: generate.pick([0, 1, generate.integer(0, 1e6), Number.MAX_SAFE_INTEGER]),
        streamVersion: generate.pick([0, generate.integer(0, 1e4), Number.MAX_SAFE_INTEGER]),
        recordedAt: generate.timestamp(),
      };
    });

    it('for 600 generated entries, with and without occurredAt', () => {
      const mismatches = cases.filter(
        ({ streamId, event, globalPosition, streamVersion, recordedAt }) =>
          encodeEntry(prepareEvent(streamId, event), globalPosition, streamVersion, recordedAt) !==
          canonicalize(entryObject(streamId, event, globalPosition, streamVersion, recordedAt)),
      );
      expect(mismatches).toEqual([]);
      expect(cases.filter(({ event }) => event.occurredAt === undefined).length).toBeGreaterThan(100);
      expect(cases.filter(({ event }) => event.occurredAt !== undefined).length).toBeGreaterThan(100);
    });

    it('for an entry built from every string piece and number at once', () => {
      const event = newEvent({
        id: STRING_PIECES.join(''),
        source: STRING_PIECES.join(''),
        occurredAt: '2026-11-29T08:00:00.000Z',
        data: {
          ...Object.fromEntries(
            STRING_PIECES.map((piece, index) => [piece, NUMBERS[index % NUMBERS.length]]),
          ),
          numbers: NUMBERS,
          nested: { deeper: [{ '': [] }, {}, [[null]]] },
        },
      });
      const recordedAt = '2026-11-29T08:00:01.234Z';
      expect(encodeEntry(prepareEvent(STREAM, event), 7, 3, recordedAt)).toBe(
        canonicalize(entryObject(STREAM, event, 7, 3, recordedAt)),
      );
    });
  });

  describe('follows the RFC 8785 examples', () => {
    it('sorts member names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
      const data = {
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\ud83d\ude00': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      };
      expect(prepareEvent(STREAM, newEvent({ data })).dataJson).toBe(
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
          '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      );
    });

    it('serialises numbers, strings and literals as in RFC 8785 §3.2.2 (without its 1E30)', () => {
      const data = JSON.parse(
        '{"numbers":[333333333.33333329,4.50,2e-3,0.000000000000000000000000001],' +
          '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
      );
      expect(prepareEvent(STREAM, newEvent({ data })).dataJson).toBe(
        '{"literals":[null,true,false],"numbers":[333333333.3333333,4.5,0.002,1e-27],' +
          '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
      );
    });

    it('writes -0 as 0 and keeps U+2028 unescaped', () => {
      expect(prepareEvent(STREAM, newEvent({ data: { z: -0, s: 'a\u2028b' } })).dataJson).toBe(
        '{"s":"a\u2028b","z":0}',
      );
    });
  });
});

describe('the leaf hash', () => {
  it('is SHA-256 of the single byte 0x00 for the empty string (RFC 9162)', () => {
    expect(leafHashOf('').toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it.each(['{"a":1}', '{"s":"上海 😀 \u2028"}', 'x'.repeat(10_000)])(
    'is SHA-256(0x00 ‖ UTF-8 bytes) of %#',
    (entry) => {
      const expected = createHash('sha256')
        .update(Buffer.concat([Buffer.from([0x00]), Buffer.from(entry, 'utf8')]))
        .digest();
      expect(leafHashOf(entry).equals(expected)).toBe(true);
    },
  );
});

describe('preparing an event', () => {
  it('keeps what the locked section needs, already encoded', () => {
    const prepared = prepareEvent(STREAM, newEvent({ occurredAt: '2026-11-29T07:59:59.999Z' }));
    expect(prepared).toMatchObject({
      id: 'evt-1',
      type: 'DataAccessed',
      streamId: STREAM,
      source: 'urn:gateway:download',
      schemaVersion: 1,
      occurredAt: '2026-11-29T07:59:59.999Z',
      actorId: 'gateway',
      idJson: '"evt-1"',
      typeJson: '"DataAccessed"',
      streamIdJson: '"dataset-42"',
      sourceJson: '"urn:gateway:download"',
      occurredAtJson: '"2026-11-29T07:59:59.999Z"',
      dataJson: '{"datasetId":"42","recordCount":3}',
    });
    expect(prepared.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('omits members whose value is undefined from data and metadata', () => {
    const event = newEvent({
      data: { a: 1, b: undefined, nested: { c: undefined, d: 2 } } as unknown as JsonObject,
      metadata: { ...newEvent().metadata, correlationId: undefined, causationId: undefined },
    });
    const prepared = prepareEvent(STREAM, event);
    expect(prepared.dataJson).toBe('{"a":1,"nested":{"d":2}}');
    expect(prepared.metadataJson).not.toContain('correlationId');
    expect(prepared.metadataJson).not.toContain('causationId');
    expect(prepared.occurredAtJson).toBeUndefined();
    expect(encodeEntry(prepared, 0, 0, '2026-11-29T08:00:00.000Z')).not.toContain('occurredAt');
  });

  describe('refuses with InvalidEventError', () => {
    it.each([
      '',
      'dataset',
      'dataset-',
      '-42',
      'd-42',
      'Dataset-42',
      'data set-42',
      'dataset-4 2',
      'dataset-é',
      'dataset-.42',
      `dataset-${'x'.repeat(129)}`,
    ])('the stream id %j', (streamId) => {
      expect(refusalOf(streamId, newEvent())).toMatch(/invalid stream id/);
    });

    it.each(['', 'x'.repeat(201)])('the event id %j', (id) => {
      expect(refusalOf(STREAM, newEvent({ id }))).toBe('an event id is a string of 1 to 200 characters');
    });

    it.each([
      '',
      'dataAccessed',
      'Data-Accessed',
      'Data Accessed',
      'DataAccessed.v1',
      'É',
      `A${'a'.repeat(100)}`,
    ])('the event type %j', (type) => {
      expect(refusalOf(STREAM, newEvent({ type }))).toMatch(/invalid event type/);
    });

    it.each([0, -1, 1.5, NaN])('the schema version %p', (schemaVersion) => {
      expect(refusalOf(STREAM, newEvent({ schemaVersion }))).toBe('schemaVersion is an integer ≥ 1');
    });

    it.each([
      '',
      '2026-11-29T08:00:00Z',
      '2026-11-29T08:00:00.0Z',
      '2026-11-29T08:00:00.000000Z',
      '2026-11-29T08:00:00.000+01:00',
      '2026-11-29 08:00:00.000Z',
      '2026-11-29t08:00:00.000z',
      '2026-11-29',
      '2026-02-30T08:00:00.000Z',
      '2026-11-29T25:61:61.000Z',
    ])('the occurredAt %j', (occurredAt) => {
      expect(refusalOf(STREAM, newEvent({ occurredAt }))).toBe(
        'occurredAt is a real instant written YYYY-MM-DDTHH:mm:ss.sssZ',
      );
    });

    it('an empty source', () => {
      expect(refusalOf(STREAM, newEvent({ source: '' }))).toBe('source is required');
    });

    it.each<[string, unknown]>([
      ['null', null],
      ['an array', [1]],
      ['a string', 'x'],
      ['a number', 42],
    ])('data that is %s', (_, data) => {
      expect(refusalOf(STREAM, newEvent({ data: data as JsonObject }))).toBe('data is a JSON object');
    });

    it('absent data', () => {
      expect(refusalOf(STREAM, newEvent({ data: undefined as unknown as JsonObject }))).toBe(
        'data is a JSON object',
      );
    });

    it.each<[string, Partial<NewEvent>, string]>([
      ['a lone high surrogate in a data value', { data: { s: 'a\uD800' } }, '/data/s'],
      ['a lone low surrogate in a data member name', { data: { '\uDC00': 1 } }, '/data/\uDC00'],
      ['a lone surrogate in the id', { id: 'evt-\uD83D' }, '/id'],
      ['a lone surrogate in the source', { source: 'urn:\uDE00' }, '/source'],
      ['U+0000 in a data value', { data: { s: 'a\u0000b' } }, '/data/s'],
      ['U+0000 in the id', { id: 'evt\u0000' }, '/id'],
      ['U+0000 in the source', { source: 'urn:\u0000' }, '/source'],
      ['an integer beyond 2^53 such as 1e21', { data: { n: 1e21 } }, '/data/n'],
      ['a non-finite number', { data: { n: Infinity } }, '/data/n'],
      ['a Date in data', { data: { at: new Date() as unknown as JsonValue } }, '/data/at'],
    ])('%s', (_, overrides, path) => {
      expect(refusalOf(STREAM, newEvent(overrides))).toMatch(new RegExp(`^${escapeRegExp(path)}: `));
    });

    it('U+0000 in the metadata', () => {
      const metadata = { ...newEvent().metadata, correlationId: 'c\u0000' };
      expect(refusalOf(STREAM, newEvent({ metadata }))).toMatch(/^\/metadata\/correlationId: /);
    });
  });
});

describe('the fingerprint of an event', () => {
  const fingerprintOf = (event: NewEvent, streamId = STREAM) => prepareEvent(streamId, event).fingerprint;

  it('is equal for two events with identical content', () => {
    expect(fingerprintOf(newEvent())).toBe(fingerprintOf(newEvent()));
  });

  it('is equal when only the order of data members differs', () => {
    expect(fingerprintOf(newEvent({ data: { a: 1, b: { c: 2, d: 3 } } }))).toBe(
      fingerprintOf(newEvent({ data: { b: { d: 3, c: 2 }, a: 1 } })),
    );
  });

  it.each<[string, Partial<NewEvent>]>([
    ['data', { data: { datasetId: '42', recordCount: 4 } }],
    ['type', { type: 'DataDownloaded' }],
    ['source', { source: 'urn:gateway:api' }],
    ['actor', { metadata: { ...newEvent().metadata, actor: { id: 'other-gateway', role: 'publisher' } } }],
    ['occurredAt', { occurredAt: '2026-11-29T08:00:00.000Z' }],
    ['schemaVersion', { schemaVersion: 2 }],
  ])('differs when the %s differs', (_, overrides) => {
    expect(fingerprintOf(newEvent(overrides))).not.toBe(fingerprintOf(newEvent()));
  });

  it('differs when the occurredAt differs between two instants', () => {
    expect(fingerprintOf(newEvent({ occurredAt: '2026-11-29T08:00:00.000Z' }))).not.toBe(
      fingerprintOf(newEvent({ occurredAt: '2026-11-29T08:00:00.001Z' })),
    );
  });

  it('differs when the stream differs', () => {
    expect(fingerprintOf(newEvent(), 'usage-42')).not.toBe(fingerprintOf(newEvent(), STREAM));
  });

  describe('with fingerprintMaterial', () => {
    it('ignores the content the default fingerprint covers', () => {
      const first = newEvent({
        fingerprintMaterial: 'keyed-hash-of-plaintext',
        data: { ciphertext: 'AAAA' },
      });
      const retry = newEvent({
        fingerprintMaterial: 'keyed-hash-of-plaintext',
        data: { ciphertext: 'BBBB' },
      });
      expect(fingerprintOf(first)).toBe(fingerprintOf(retry));
    });

    it('differs when the material differs', () => {
      expect(fingerprintOf(newEvent({ fingerprintMaterial: 'one' }))).not.toBe(
        fingerprintOf(newEvent({ fingerprintMaterial: 'two' })),
      );
    });

    it('replaces the default fingerprint of the same content', () => {
      expect(fingerprintOf(newEvent({ fingerprintMaterial: 'material' }))).not.toBe(
        fingerprintOf(newEvent()),
      );
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
