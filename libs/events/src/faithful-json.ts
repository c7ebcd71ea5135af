/**
 * The JSON the journal accepts: what every implementation parses, canonicalises (RFC 8785) and hashes
 * alike. Refused: integers beyond ±(2^53−1) (they lose precision), non-finite numbers, lone UTF-16
 * surrogates (no UTF-8 form), U+0000 (PostgreSQL text cannot hold it), `__proto__` keys (they turn
 * into prototypes on assignment), and nesting deeper than MAX_JSON_DEPTH.
 */
export const MAX_JSON_DEPTH = 32;

export class UnfaithfulJsonError extends Error {
  override readonly name = 'UnfaithfulJsonError';
  constructor(
    /** JSON Pointer (RFC 6901) of the offending value, e.g. `/data/fields/3`. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || '/'}: ${reason}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks a value parsed from JSON (or built in code) against the rules above; throws UnfaithfulJsonError. */
export function assertFaithfulJson(value: unknown, path = '', depth = 0): void {
  switch (typeof value) {
    case 'string':
      assertFaithfulString(value, path);
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new UnfaithfulJsonError(path, 'numbers must be finite');
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        throw new UnfaithfulJsonError(
          path,
          'integers must lie within ±(2^53−1); send larger ones as strings',
        );
      }
      return;
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      if (depth >= MAX_JSON_DEPTH)
        throw new UnfaithfulJsonError(path, `nesting deeper than ${MAX_JSON_DEPTH} levels`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) assertFaithfulJson(value[i], `${path}/${i}`, depth + 1);
        return;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new UnfaithfulJsonError(
          path,
          'only plain objects, arrays, strings, numbers, booleans and null',
        );
      }
      for (const key of Object.keys(value)) {
        const keyPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (key === '__proto__')
          throw new UnfaithfulJsonError(keyPath, 'the member name "__proto__" is not accepted');
        assertFaithfulString(key, keyPath);
        const member = (value as Record<string, unknown>)[key];
        if (member !== undefined) assertFaithfulJson(member, keyPath, depth + 1);
      }
      return;
    }
    default:
      throw new UnfaithfulJsonError(path, `a ${typeof value} has no JSON form`);
  }
}

function assertFaithfulString(value: string, path: string): void {
  if (value.includes('\u0000')) throw new UnfaithfulJsonError(path, 'U+0000 is not accepted in strings');
  if (LONE_SURROGATE.test(value))
    throw new UnfaithfulJsonError(path, 'lone UTF-16 surrogates are not accepted');
}
