import canonicalize from 'canonicalize';
import { canonicalJson, canonicalJsonOfByteText } from './jcs';

/** Values whose canonical form is easy to get wrong; `canonicalize` (a devDependency) is the oracle. */
const samples: [string, unknown][] = [
  [
    'RFC 8785 §3.2.2 numbers',
    JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}'),
  ],
  [
    'RFC 8785 §3.2.3 sorting',
    {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    },
  ],
  ['integer-like names, which JavaScript lists first', { b: 1, '10': 2, '9': 3, a: { '2': [], '1': {} } }],
  ['escapes', { text: 'quote " backslash \\ newline \n tab \t bell \u0007 del \u007f slash /' }],
  ['literals and empties', { t: true, f: false, n: null, o: {}, a: [], s: '' }],
  ['negative zero and exponents', [-0, 1e21, 1e-7, -1.5e-300, 123456789012345680000]],
  ['non-Latin text', { 名称: '上海市公共数据开放', Zürich: 'Luftqualität — Messwerte', emoji: '🦆' }],
  [
    'a ledger entry, members already in order',
    { data: { a: 1 }, globalPosition: 3, id: 'x', metadata: { actor: { id: 'p', role: 'public' } } },
  ],
];

/** The byte text of a string: its UTF-8, one character per byte. */
const byteText = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

describe('canonicalJson', () => {
  it.each(samples)('given %s, then it writes what the reference implementation writes', (_name, value) => {
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('given a value parsed from any spelling, then it writes the one canonical spelling', () => {
    const parsed: unknown = JSON.parse('{ "b" : [ 1.0, 2e0, "\\u0041" ], "a" : { "y" : 1, "x" : 2 } }');

    expect(canonicalJson(parsed)).toBe('{"a":{"x":2,"y":1},"b":[1,2,"A"]}');
  });
});

describe('canonicalJsonOfByteText (lines read one character per byte)', () => {
  it.each(samples)('given %s, then it is the byte text of the canonical UTF-8', (_name, value) => {
    const canonical = canonicalize(value) as string;

    expect(canonicalJsonOfByteText(JSON.parse(byteText(canonical)))).toBe(byteText(canonical));
  });

  it('given names in U+E000–U+FFFF and beyond U+FFFF, then they sort by UTF-16 code units, not by bytes', () => {
    const canonical = '{"\ud83d\ude00":1,"\ufb01":2}';

    expect(canonicalJsonOfByteText(JSON.parse(byteText(canonical)))).toBe(byteText(canonical));
    expect(canonicalJsonOfByteText(JSON.parse(byteText('{"\ufb01":2,"\ud83d\ude00":1}')))).toBe(
      byteText(canonical),
    );
  });
});
