import { assertFaithfulJson, MAX_JSON_DEPTH, UnfaithfulJsonError } from '@ledger/events';
import { Problem } from './problem';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a request body as JSON the journal can carry faithfully (libs/events faithful-json.ts), and
 * also refuses invalid UTF-8 and duplicate member names, which JSON.parse would silently resolve.
 */
export function parseStrictJson(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw Problem.badRequest('InvalidEncoding', 'the body is not valid UTF-8');
  }
  if (text.trim().length === 0)
    throw Problem.badRequest('EmptyBody', 'the body is empty; send a JSON document');
  // Scanned before parsing so that nothing below recurses into a hostile depth.
  const shape = scanJsonText(text);
  if (shape.maxDepth > MAX_JSON_DEPTH) {
    throw Problem.badRequest(
      'TooDeeplyNested',
      `the body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw Problem.badRequest('MalformedJson', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (shape.members !== countMembersInValue(value)) {
    throw Problem.badRequest(
      'DuplicateMemberName',
      'an object in the body has the same member name twice; JSON parsers disagree on which one wins, so neither is accepted',
    );
  }
  try {
    assertFaithfulJson(value);
  } catch (error) {
    if (error instanceof UnfaithfulJsonError) {
      throw Problem.badRequest(
        'UnfaithfulJson',
        `the body holds JSON the ledger cannot keep exactly: ${error.reason}`,
        [{ field: error.path || '/', message: error.reason }],
      );
    }
    throw error;
  }
  return value;
}

/**
 * One pass over the text outside strings: every object member has exactly one `:` there and nothing
 * else in JSON does; `[` and `{` open a level of nesting, `]` and `}` close one.
 */
function scanJsonText(text: string): { members: number; maxDepth: number } {
  let members = 0;
  let depth = 0;
  let maxDepth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x3a /* : */) {
      members++;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      if (++depth > maxDepth) maxDepth = depth;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth--;
    }
  }
  return { members, maxDepth };
}

/**
 * More members in one object than any request has: class-transformer dedupes an object's keys in
 * quadratic time, so 60,000 unknown members held the event loop for ten seconds before validation refused them.
 */
export const MAX_OBJECT_MEMBERS = 1000;

/**
 * Members that survived parsing: fewer than in the text means a name occurred twice in one object.
 * Refuses an object with more than MAX_OBJECT_MEMBERS members on the way.
 */
function countMembersInValue(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let members = 0;
  if (Array.isArray(value)) {
    for (const item of value) members += countMembersInValue(item);
    return members;
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_OBJECT_MEMBERS) {
    throw Problem.badRequest(
      'TooManyMembers',
      `an object in the body has ${keys.length} members; at most ${MAX_OBJECT_MEMBERS} are accepted`,
    );
  }
  for (const key of keys) {
    members += 1 + countMembersInValue((value as Record<string, unknown>)[key]);
  }
  return members;
}
