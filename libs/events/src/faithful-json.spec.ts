import canonicalize from 'canonicalize';
import { assertFaithfulJson, canonicalJson, MAX_JSON_DEPTH, UnfaithfulJsonError } from './faithful-json';

/** The error assertFaithfulJson throws for `value`, or undefined when it accepts it. */
function refusalOf(value: unknown): UnfaithfulJsonError | undefined {
  try {
    assertFaithfulJson(value);
    return undefined;
  } catch (error) {
    if (error instanceof UnfaithfulJsonError) return error;
    throw error;
  }
}

/** `levels` arrays inside each other, the innermost empty: `[[[]]]` is 3 levels. */
function nestedArrays(levels: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < levels; level++) value = [value];
  return value;
}

/** `levels` objects inside each other under the member `a`, the innermost empty. */
function nestedObjects(levels: number): unknown {
  let value: unknown = {};
  for (let level = 1; level < levels; level++) value = { a: value };
  return value;
}

describe('faithful JSON', () => {
  describe('accepts ordinary JSON values', () => {
    it.each<[string, unknown]>([
      ['null', null],
      ['true', true],
      ['false', false],
      ['zero', 0],
      ['negative zero', -0],
      ['the largest safe integer', Number.MAX_SAFE_INTEGER],
      ['the smallest safe integer', Number.MIN_SAFE_INTEGER],
      ['a decimal', -273.15],
      ['a tiny decimal', 1e-7],
      ['the smallest subnormal', 5e-324],
      ['an empty string', ''],
      ['CJK and emoji surrogate pairs', '上海 数据 😀 👍🏽 𝄞'],
      ['line and paragraph separators and control characters', '\u2028\u2029\n\t\r\u0001\u001f'],
      ['an empty object', {}],
      ['an empty array', []],
      ['an object without a prototype', Object.assign(Object.create(null), { a: 1 })],
      [
        'nested objects and arrays',
        { dataset: { id: 'x', fields: ['a', 'b'], counts: [1, 2.5, null] }, '键😀': [true] },
      ],
    ])('%s', (_, value) => {
      expect(refusalOf(value)).toBeUndefined();
    });

    it('skips object members whose value is undefined, as JSON.stringify does', () => {
      expect(refusalOf({ a: 1, b: undefined })).toBeUndefined();
    });
  });

  describe('refuses numbers that do not survive a round trip', () => {
    it.each([
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ])('%s, as a non-finite number', (_, value) => {
      expect(refusalOf({ n: value })).toMatchObject({ path: '/n', reason: 'numbers must be finite' });
    });

    it.each([
      ['2^53', 2 ** 53],
      ['-(2^53)', -(2 ** 53)],
      ['1e21', 1e21],
      ['1.7976931348623157e308', Number.MAX_VALUE],
    ])('%s, as an unsafe integer', (_, value) => {
      expect(refusalOf({ n: value })?.path).toBe('/n');
      expect(refusalOf({ n: value })?.reason).toMatch(/integers must lie within/);
    });
  });

  describe('refuses strings that have no faithful UTF-8 or PostgreSQL form', () => {
    it.each([
      ['a lone high surrogate', 'a\uD800b'],
      ['a lone high surrogate at the end', 'emoji cut in half \uD83D'],
      ['a lone low surrogate', '\uDC00 at the start'],
      ['a pair in the wrong order', '\uDE00\uD83D'],
    ])('%s in a value', (_, value) => {
      expect(refusalOf({ s: value })).toMatchObject({
        path: '/s',
        reason: 'lone UTF-16 surrogates are not accepted',
      });
    });

    it.each([
      ['a lone high surrogate', 'key\uD800'],
      ['a lone low surrogate', '\uDFFF'],
    ])('%s in a member name', (_, key) => {
      expect(refusalOf({ [key]: 1 })).toMatchObject({
        path: `/${key}`,
        reason: 'lone UTF-16 surrogates are not accepted',
      });
    });

    it('U+0000 in a value', () => {
      expect(refusalOf({ s: 'nul\u0000byte' })).toMatchObject({
        path: '/s',
        reason: 'U+0000 is not accepted in strings',
      });
    });

    it('U+0000 in a member name', () => {
      expect(refusalOf({ 'a\u0000': 1 })).toMatchObject({ path: '/a\u0000' });
    });
  });

  describe('refuses what is not plain JSON data', () => {
    it('a "__proto__" member, as JSON.parse creates it', () => {
      expect(refusalOf(JSON.parse('{"ok":{"__proto__":{"admin":true}}}'))).toMatchObject({
        path: '/ok/__proto__',
        reason: 'the member name "__proto__" is not accepted',
      });
    });

    class Dataset {
      id = 'x';
    }

    it.each<[string, unknown]>([
      ['a Date', new Date('2026-11-29T08:00:00Z')],
      ['a Map', new Map([['a', 1]])],
      ['a Set', new Set([1])],
      ['a Buffer', Buffer.from('x')],
      ['a class instance', new Dataset()],
      ['a boxed string', new String('x')],
    ])('%s', (_, value) => {
      expect(refusalOf({ value })).toMatchObject({
        path: '/value',
        reason: 'only plain objects, arrays, strings, numbers, booleans and null',
      });
    });

    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['a function', () => 1],
      ['a bigint', BigInt(1)],
      ['a symbol', Symbol('x')],
    ])('%s at the top level', (_, value) => {
      expect(refusalOf(value)).toMatchObject({ path: '', reason: `a ${typeof value} has no JSON form` });
    });

    it('undefined inside an array, where JSON.stringify would write null', () => {
      expect(refusalOf({ list: [1, undefined] })).toMatchObject({ path: '/list/1' });
    });

    it('a function as an object member', () => {
      expect(refusalOf({ run: () => 1 })).toMatchObject({
        path: '/run',
        reason: 'a function has no JSON form',
      });
    });
  });

  describe('limits nesting to MAX_JSON_DEPTH levels', () => {
    it('accepts exactly MAX_JSON_DEPTH levels of arrays', () => {
      expect(refusalOf(nestedArrays(MAX_JSON_DEPTH))).toBeUndefined();
    });

    it('accepts exactly MAX_JSON_DEPTH levels of objects', () => {
      expect(refusalOf(nestedObjects(MAX_JSON_DEPTH))).toBeUndefined();
    });

    it('refuses one array level more, at the innermost array', () => {
      expect(refusalOf(nestedArrays(MAX_JSON_DEPTH + 1))).toMatchObject({
        path: '/0'.repeat(MAX_JSON_DEPTH),
        reason: `nesting deeper than ${MAX_JSON_DEPTH} levels`,
      });
    });

    it('refuses one object level more, at the innermost object', () => {
      expect(refusalOf(nestedObjects(MAX_JSON_DEPTH + 1))).toMatchObject({
        path: '/a'.repeat(MAX_JSON_DEPTH),
      });
    });
  });

  describe('points its error at the offending member', () => {
    it('through objects and arrays', () => {
      const value = { data: { fields: ['a', 'b', 'c', 'bad \uD800'] } };
      expect(refusalOf(value)?.path).toBe('/data/fields/3');
    });

    it('with the path it was given as a prefix', () => {
      expect(() => assertFaithfulJson({ n: NaN }, '/data')).toThrow('/data/n: numbers must be finite');
    });

    it('as "/" in the message for the top-level value', () => {
      expect(refusalOf(NaN)?.message).toBe('/: numbers must be finite');
    });
  });

  describe('canonicalJson writes RFC 8785 text, as canonicalize() does', () => {
    it('for objects whose members come in a different order at every level, names shared between levels', () => {
      const value = {
        z: { b: 1, a: [{ y: null, x: 'x', '10': 1, '9': 2, '1': 3 }] },
        a: { z: true, b: { a: -0, '😀': 'emoji', '\uFB33': 'after the surrogates?' } },
        ö: [],
        e: {},
      };
      expect(canonicalJson(value)).toBe(canonicalize(value));
    });

    it('leaves out members whose value is undefined, at any depth', () => {
      const value = { b: undefined, a: { d: undefined, c: [1] } };
      expect(canonicalJson(value)).toBe('{"a":{"c":[1]}}');
      expect(canonicalJson(value)).toBe(canonicalize(value));
    });

    it('for objects without a prototype', () => {
      const value = Object.assign(Object.create(null), {
        b: 2,
        a: Object.assign(Object.create(null), { d: 4, c: 3 }),
      });
      expect(canonicalJson(value)).toBe('{"a":{"c":3,"d":4},"b":2}');
    });

    it('for a value with more objects and distinct names than the serializer is given (written by the walk)', () => {
      const value = Array.from({ length: 200 }, (_, row) =>
        Object.fromEntries(
          Array.from({ length: 30 }, (_, column) => [`c${(column * 7 + row) % 30}r${row % 5}`, row * column]),
        ),
      );
      expect(canonicalJson(value)).toBe(canonicalize(value));
    });

    it('for top-level strings, numbers and literals', () => {
      for (const value of ['上海 "quoted" \\ \u2028', 1.5e-7, 123.456, -0, 5e-324, true, null]) {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }
    });

    it('still refuses what is not faithful, naming where', () => {
      expect(() => canonicalJson({ b: { a: [1, 2 ** 60] } }, '/data')).toThrow(
        '/data/b/a/1: integers must lie within',
      );
    });
  });
});
