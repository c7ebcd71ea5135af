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

/** `String.prototype.isWellFormed` (ES2024; Node 20 has it, this project's TypeScript lib does not name it). */
type MaybeWellFormed = string & { isWellFormed(): boolean };

/** Checks a value parsed from JSON (or built in code) against the rules above; throws UnfaithfulJsonError. */
export function assertFaithfulJson(value: unknown, basePath = ''): void {
  new FaithfulWalker(basePath, false).walk(value, 0);
}

/**
 * The RFC 8785 (JCS) text of a value, checked against the rules above: members sorted by UTF-16 code
 * units, strings and numbers as ECMAScript's JSON.stringify writes them, undefined members left out.
 * entry-codec.spec.ts holds it to the `canonicalize` package's output.
 *
 * Once the check has passed, JCS is JSON.stringify with every object's members in sorted order, and
 * JSON.stringify takes that order from an array replacer: given the sorted names of every member in
 * the value, it writes each object's members in that order (RFC 8785 §3.2.3's order is the one
 * `Array.prototype.sort` uses). That leaves the string building to the engine's serializer, which
 * allocates only the result: building the text member by member in JavaScript made most of an
 * append's garbage. The serializer looks every listed name up in every object, so a value with many
 * objects and many distinct names is written by the walk instead.
 */
export function canonicalJson(value: unknown, basePath = ''): string {
  if (typeof value !== 'object' || value === null) return new FaithfulWalker(basePath, true).walk(value, 0);
  const walker = new FaithfulWalker(basePath, false);
  walker.walk(value, 0);
  const names = walker.sortedMemberNames();
  if (names.length * walker.objectCount > MAX_NAME_LOOKUPS) {
    return new FaithfulWalker(basePath, true).walk(value, 0);
  }
  return JSON.stringify(value, names);
}

/** Above this many (distinct names × objects), JSON.stringify's lookups cost more than the walk's own writing. */
const MAX_NAME_LOOKUPS = 4096;

/** One walk that checks, and writes JCS when asked. The path is kept as a stack and spelled out only for an error. */
class FaithfulWalker {
  private readonly path: (string | number)[] = [];
  /** When only checking: every member name met, repeats included, and how many objects held them. */
  private readonly memberNames: string[] = [];
  objectCount = 0;

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
    if (this.write) sortByCodeUnits(keys);
    else {
      this.objectCount++;
      for (const key of keys) this.memberNames.push(key);
    }
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

  /** The distinct member names met by a checking walk, sorted by UTF-16 code units. */
  sortedMemberNames(): string[] {
    const names = sortByCodeUnits(this.memberNames);
    let distinct = 0;
    for (let i = 0; i < names.length; i++)
      if (i === 0 || names[i] !== names[i - 1]) names[distinct++] = names[i];
    names.length = distinct;
    return names;
  }

  private checkString(value: string): void {
    if (value.includes('\u0000')) this.fail('U+0000 is not accepted in strings');
    // The engine's own check: a lone surrogate is exactly what makes a string not well formed.
    if (!(value as MaybeWellFormed).isWellFormed()) this.fail('lone UTF-16 surrogates are not accepted');
  }

  private fail(reason: string): never {
    const pointer = this.path
      .map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`)
      .join('');
    throw new UnfaithfulJsonError(`${this.basePath}${pointer}`, reason);
  }
}

/**
 * Sorts names in place by UTF-16 code units, as `Array.prototype.sort()` without a comparer does.
 * Objects mostly have a few members, and the engine's sort allocates its own working state (over a
 * kilobyte) on every call: an insertion sort of a short list allocates nothing.
 */
function sortByCodeUnits(names: string[]): string[] {
  if (names.length > 24) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i];
    let j = i - 1;
    while (j >= 0 && names[j] > name) {
      names[j + 1] = names[j];
      j--;
    }
    names[j + 1] = name;
  }
  return names;
}
