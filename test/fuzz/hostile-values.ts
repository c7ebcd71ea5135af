import * as fc from 'fast-check';

/** Strings an attacker tries on SQL: each must be kept as text or refused, never run. */
export const SQL_INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  "1'; SELECT pg_sleep(2); --",
  '" OR ""="',
  "1' UNION SELECT null, version() --",
  '$$; DROP TABLE journal; $$',
  "' || (SELECT current_user) || '",
  "%' AND 1=1 --",
  "\\'; --",
  "admin'--",
  '1) OR (1=1',
  "'; COPY (SELECT '') TO PROGRAM 'id'; --",
  '%',
  '_',
  '\\',
  '*',
];

/** Path traversal, plain and encoded. */
export const TRAVERSALS = [
  '..',
  '../..',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%2f..%2f',
  '%252e%252e%252f',
  '....//....//',
  '/etc/passwd',
  'file:///etc/passwd',
  '.',
  './',
  '..;/',
  '%c0%ae%c0%ae/',
];

/** Unicode that breaks naive code: lone surrogates, NUL, bidi overrides, combining marks, emoji, non-characters. */
export const UNICODE_EDGES = [
  '\uD800',
  '\uDBFF',
  '\uDC00',
  'a\uD800b',
  '\uDFFFa',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C.txt',
  '\u200F\u200E\u2066\u2069',
  'e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030A',
  'Z\u0364\u0354\u0367\u0311\u0313a\u0356\u032D\u0308\u0307l\u036E\u0312\u036Bg\u0317\u035A\u031Ao',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}',
  '\u{1F3F3}\uFE0F\u200D\u{1F308}',
  '\uFFFE',
  '\uFFFF',
  '\u{1FFFE}',
  '\u{10FFFF}',
  '\uFEFF',
  '\u200B',
  '\u2028\u2029',
  '\u0085',
  '\u00A0',
  'İı',
  'ß',
  '\uFB00',
  '\u{1D54F}',
  '\u{E0001}\u{E0041}',
  '\t\n\r\v\f',
  '\u001B[31mred\u001B[0m',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://127.0.0.1/x}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '',
  ' ',
];

/** Values of every JSON type, to put where another type belongs. */
export const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  '',
  'x',
  [],
  [null],
  {},
  { a: 1 },
  [[[]]],
  '1',
  'true',
];

/** Numbers at the edges: negative, fractional, enormous, beyond what JSON carries exactly. */
export const NUMBER_EDGES: unknown[] = [
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  -(2 ** 53 + 2),
  Number.MIN_VALUE,
  1e-7,
  2 ** 31,
  2 ** 32 + 1,
];

/** Member names that mean something to JavaScript objects or look like a known member. */
export const MEMBER_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'id ',
  'ID',
  '',
  'type',
  '$where',
  'a'.repeat(300),
  '\u0000',
  '\uD800',
];

/** Any UTF-16 code unit, so lone surrogates come up as often as anything else. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const longString = fc
  .constantFrom(1_000, 10_001, 100_000, 300_000)
  .chain((length) => fc.constantFrom('a', 'ä', '令', '\u{1F600}').map((unit) => unit.repeat(length)));

/** A hostile string: injection, traversal, unicode edges, random code units (lone surrogates included), or a long one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SQL_INJECTIONS) },
  { weight: 2, arbitrary: fc.constantFrom(...TRAVERSALS) },
  { weight: 4, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...UNICODE_EDGES), fc.constantFrom(...SQL_INJECTIONS), fc.string())
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: longString },
);

/** A value for a member: hostile strings most often, any JSON type otherwise. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom(...NUMBER_EDGES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** The text, with header-illegal characters kept, as the bytes a header would carry (UTF-8 read as latin1). */
export function asHeaderBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Percent-encodes a string for a URL path or query, lone surrogates included (as the bytes of their CESU-8 form). */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) {
      encoded += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else {
      encoded += encodeURIComponent(char);
    }
  }
  return encoded;
}
