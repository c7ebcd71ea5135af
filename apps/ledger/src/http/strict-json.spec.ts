import { Problem } from './problem';
import { parseStrictJson } from './strict-json';

const parse = (body: string | Buffer): unknown =>
  parseStrictJson(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

/** The problem parseStrictJson answers `body` with. */
function problemFor(body: string | Buffer): Problem {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error(`the body was accepted: ${String(body)}`);
}

const nested = (levels: number, inner = '1'): string => '['.repeat(levels) + inner + ']'.repeat(levels);

describe('parsing a request body as strict JSON', () => {
  describe('accepts', () => {
    it('an ordinary JSON document and returns its value', () => {
      expect(parse('{"type":"DataAccessed","data":{"n":[1,2.5,null,true]},"s":"上海 😀"}')).toEqual({
        type: 'DataAccessed',
        data: { n: [1, 2.5, null, true] },
        s: '上海 😀',
      });
    });

    it.each(['null', '42', '"text"', '[]', '{}', ' \n\t{ "a" : 1 } \r\n'])('the document %j', (body) => {
      expect(parse(body)).toEqual(JSON.parse(body));
    });

    it('a UTF-8 byte order mark before the document', () => {
      expect(parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual({
        a: 1,
      });
    });
  });

  describe('refuses with 400 InvalidEncoding', () => {
    it.each([
      ['a byte that never occurs in UTF-8', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]],
      ['a truncated multi-byte sequence', [0x22, 0xe4, 0xb8, 0x22]],
      ['an overlong encoding of "/"', [0x22, 0xc0, 0xaf, 0x22]],
      ['an encoded UTF-16 surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
      ['Latin-1 text', [0x22, 0x63, 0x61, 0x66, 0xe9, 0x22]],
    ])('%s', (_, bytes) => {
      expect(problemFor(Buffer.from(bytes))).toMatchObject({ status: 400, code: 'InvalidEncoding' });
    });
  });

  describe('refuses with 400 EmptyBody', () => {
    it.each(['', ' ', '\n\t\r  '])('the body %j', (body) => {
      expect(problemFor(body)).toMatchObject({ status: 400, code: 'EmptyBody' });
    });
  });

  describe('refuses with 400 MalformedJson', () => {
    it.each([
      '{',
      '{"a":1,}',
      '[1,]',
      "{'a':1}",
      '{"a" 1}',
      '{a:1}',
      'NaN',
      'undefined',
      '{"a":1}{"b":2}',
      '"unterminated',
      '{"a":"\\x"}',
      '[1]]',
    ])('the body %j', (body) => {
      expect(problemFor(body)).toMatchObject({ status: 400, code: 'MalformedJson' });
    });
  });

  describe('member names', () => {
    it.each([
      ['at the top level', '{"a":1,"a":2}'],
      ['with the same value', '{"a":1,"a":1}'],
      ['in a nested object', '{"outer":{"a":1,"b":2,"a":3}}'],
      ['in an object inside an array', '[{"a":1},{"b":1,"b":{"c":1}}]'],
      ['containing an escaped quote', String.raw`{"a\"":1,"a\"":2}`],
      ['containing a colon', '{"a:b":1,"a:b":2}'],
      ['spelt with different escapes', String.raw`{"a":1,"\u0061":2}`],
      ['whose duplicate value hides members of its own', '{"a":{"x":1,"y":2},"a":{"x":1,"y":2}}'],
    ])('refuses a name used twice %s with 400 DuplicateMemberName', (_, body) => {
      expect(problemFor(body)).toMatchObject({ status: 400, code: 'DuplicateMemberName' });
    });

    it.each([
      [
        'colons and an escaped quote inside strings',
        String.raw`{"a:b":"c:d","e\":":1}`,
        { 'a:b': 'c:d', 'e":': 1 },
      ],
      ['brackets and braces inside strings', '{"t":"{[:]}","u":"]}"}', { t: '{[:]}', u: ']}' }],
      ['a string ending in an escaped backslash', String.raw`{"a":"\\","b":"\\\""}`, { a: '\\', b: '\\"' }],
      [
        'the same name in different objects',
        '{"a":{"a":1},"b":[{"a":2},{"a":3}]}',
        { a: { a: 1 }, b: [{ a: 2 }, { a: 3 }] },
      ],
    ])('accepts %s', (_, body, value) => {
      expect(parse(body)).toEqual(value);
    });
  });

  describe('members of one object', () => {
    const withMembers = (count: number) =>
      `{${Array.from({ length: count }, (_, i) => `"m${i}":0`).join(',')}}`;

    it('accepts 1000 members in one object', () => {
      expect(Object.keys(parse(withMembers(1000)) as object)).toHaveLength(1000);
    });

    it.each([
      ['at the top level', (body: string) => body],
      ['in an object nested in an array', (body: string) => `{"a":[${body}]}`],
    ])('refuses 1001 members %s with 400 TooManyMembers', (_, wrap) => {
      expect(problemFor(wrap(withMembers(1001)))).toMatchObject({ status: 400, code: 'TooManyMembers' });
    });

    it('refuses 60,000 members at once, quickly (validating them held the event loop for ten seconds)', () => {
      const started = Date.now();
      expect(problemFor(withMembers(60_000))).toMatchObject({ status: 400, code: 'TooManyMembers' });
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('nesting', () => {
    it('accepts exactly 32 levels', () => {
      expect(parse(nested(32))).toEqual(JSON.parse(nested(32)));
    });

    it('accepts 32 levels of objects', () => {
      const body = '{"a":'.repeat(31) + '{}' + '}'.repeat(31);
      expect(parse(body)).toEqual(JSON.parse(body));
    });

    it.each([33, 100, 100_000])('refuses %i levels with 400 TooDeeplyNested', (levels) => {
      expect(problemFor(nested(levels))).toMatchObject({ status: 400, code: 'TooDeeplyNested' });
    });

    it('does not count brackets inside strings', () => {
      const body = `{"s":${JSON.stringify('[{'.repeat(100))}}`;
      expect(parse(body)).toEqual({ s: '[{'.repeat(100) });
    });
  });

  describe('refuses JSON the ledger cannot keep exactly with 400 UnfaithfulJson', () => {
    it.each([
      ['a big integer', '{"data":{"n":12345678901234567890}}', '/data/n'],
      ['2^53', '{"n":9007199254740992}', '/n'],
      ['-(2^53)', '{"n":-9007199254740992}', '/n'],
      ['a big integer in exponent form', '{"n":1e21}', '/n'],
      ['a number that overflows to Infinity', '{"n":1e400}', '/n'],
      ['a lone high surrogate', String.raw`{"s":"\ud800"}`, '/s'],
      ['a lone low surrogate in an array', String.raw`{"list":["ok","\udc00"]}`, '/list/1'],
      ['a lone surrogate in a member name', String.raw`{"\ud83d":1}`, '/\ud83d'],
      ['U+0000', String.raw`{"s":"nul\u0000"}`, '/s'],
      ['a "__proto__" member', '{"a":{"__proto__":{"admin":true}}}', '/a/__proto__'],
      ['a top-level lone surrogate', String.raw`"\ud800"`, '/'],
    ])('%s, naming its path', (_, body, field) => {
      const problem = problemFor(body);
      expect(problem).toMatchObject({ status: 400, code: 'UnfaithfulJson' });
      expect(problem.extra.errors?.[0].field).toBe(field);
    });

    it('accepts 2^53 − 1 and a surrogate pair', () => {
      expect(parse(String.raw`{"n":9007199254740991,"s":"\ud83d\ude00"}`)).toEqual({
        n: 9007199254740991,
        s: '😀',
      });
    });
  });
});
