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
export function assertFaithfulJson(value: unknown, basePath = ''): void {
  new FaithfulWalker(basePath, false).walk(value, 0);
}

/**
 * The RFC 8785 (JCS) text of a value, checked against the rules above on the same walk: members
 * sorted by UTF-16 code units, strings and numbers as ECMAScript's JSON.stringify writes them,
 * undefined members left out. entry-codec.spec.ts holds it to the `canonicalize` package's output.
 */
export function canonicalJson(value: unknown, basePath = ''): string {
  return new FaithfulWalker(basePath, true).walk(value, 0);
}

/** One walk that checks, and writes JCS when asked. The path is kept as a stack and spelled out only for an error. */
class FaithfulWalker {
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly basePath: string,
    private readonly write: boolean,
  ) {}

  walk(value: unknown, depth: number): string {
    switch (typeof value) {
      case 'string':
        this.checkString(value);
        return this.write ? JSON.stringify(value) : '';
      case 'number':
        if (!Number.isFinite(value)) this.fail('numbers must be finite');
        if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
          this.fail('integers must lie within ±(2^53−1); send larger ones as strings');
        }
        return this.write ? JSON.stringify(value) : '';
      case 'boolean':
        return value ? 'true' : 'false';
      case 'object':
        if (value === null) return 'null';
        if (depth >= MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
        return Array.isArray(value) ? this.walkArray(value, depth) : this.walkObject(value, depth);
      default:
        return this.fail(`a ${typeof value} has no JSON form`);
    }
  }

  private walkArray(items: unknown[], depth: number): string {
    let text = '[';
    for (let i = 0; i < items.length; i++) {
      this.path.push(i);
      const item = this.walk(items[i], depth + 1);
      this.path.pop();
      if (this.write) text += i === 0 ? item : `,${item}`;
    }
    return `${text}]`;
  }

  private walkObject(object: object, depth: number): string {
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      this.fail('only plain objects, arrays, strings, numbers, booleans and null');
    }
    const keys = Object.keys(object);
    if (this.write) keys.sort();
    let text = '{';
    let first = true;
    for (const key of keys) {
      const member = (object as Record<string, unknown>)[key];
      this.path.push(key);
      if (key === '__proto__') this.fail('the member name "__proto__" is not accepted');
      this.checkString(key);
      if (member !== undefined) {
        const written = this.walk(member, depth + 1);
        if (this.write) {
          text += `${first ? '' : ','}${JSON.stringify(key)}:${written}`;
          first = false;
        }
      }
      this.path.pop();
    }
    return `${text}}`;
  }

  private checkString(value: string): void {
    if (value.includes('\u0000')) this.fail('U+0000 is not accepted in strings');
    if (LONE_SURROGATE.test(value)) this.fail('lone UTF-16 surrogates are not accepted');
  }

  private fail(reason: string): never {
    const pointer = this.path
      .map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`)
      .join('');
    throw new UnfaithfulJsonError(`${this.basePath}${pointer}`, reason);
  }
}
