/**
 * RFC 8785 JSON Canonicalization Scheme for values that came out of `JSON.parse`.
 *
 * Members are ordered by their names' UTF-16 code units, recursively; strings and finite numbers are
 * written as `JSON.stringify` writes them, which is what RFC 8785 prescribes (ECMAScript number
 * serialisation, minimal string escapes).
 */
export function canonicalJson(value: unknown): string {
  return canonicalise(value, utf16Before);
}

/**
 * RFC 8785 for a value parsed from byte text: UTF-8 decoded as Latin-1, one character per byte,
 * which is how the verifier reads export lines (decoding UTF-8 would take longer than everything
 * else it does to a line). The canonical text comes back as byte text too, so its bytes are the
 * UTF-8 that RFC 8785 hashes. Strings need nothing more: JSON's syntax is ASCII and `JSON.stringify`
 * never escapes characters 0x80–0xFF. Member names still sort as RFC 8785 says, by UTF-16 code
 * units of the decoded names, which byte order matches except between U+E000–U+FFFF and characters
 * beyond U+FFFF.
 */
export function canonicalJsonOfByteText(value: unknown): string {
  return canonicalise(value, byteTextBefore);
}

type Before = (a: string, b: string) => boolean;

function canonicalise(value: unknown, before: Before): string {
  // Entries are stored canonical, so their members usually arrive in order already; the native
  // serialiser then writes exactly the canonical text, several times faster than building it here.
  return membersInOrder(value, before) ? JSON.stringify(value) : canonicalText(value, before);
}

const utf16Before: Before = (a, b) => a < b;

function byteTextBefore(a: string, b: string): boolean {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === length) return a.length < b.length;
  const [x, y] = [a.charCodeAt(i), b.charCodeAt(i)];
  // Lead bytes 0xEE–0xEF start U+E000–U+FFFF and 0xF0–0xF4 characters beyond U+FFFF: the one place
  // where byte order and UTF-16 order part.
  if (x >= 0xee && y >= 0xee) return decode(a) < decode(b);
  return x < y;
}

function decode(byteText: string): string {
  return Buffer.from(byteText, 'latin1').toString('utf8');
}

function membersInOrder(value: unknown, before: Before): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!membersInOrder(item, before)) return false;
    return true;
  }
  // Object.keys is the order JSON.stringify writes in (integer-like names first, ascending), so this
  // checks what would be written, not what the text said.
  const names = Object.keys(value);
  for (let i = 0; i < names.length; i++) {
    if (i > 0 && !before(names[i - 1], names[i])) return false;
    if (!membersInOrder((value as Record<string, unknown>)[names[i]], before)) return false;
  }
  return true;
}

function canonicalText(value: unknown, before: Before): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('RFC 8785 has no representation for NaN or Infinity');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalText(item, before)).join(',')}]`;
  const object = value as Record<string, unknown>;
  const members = Object.keys(object)
    .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
    .map((name) => `${JSON.stringify(name)}:${canonicalText(object[name], before)}`);
  return `{${members.join(',')}}`;
}
