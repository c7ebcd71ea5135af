import * as fc from 'fast-check';
import {
  asHeaderBytes,
  hostileString,
  hostileValue,
  MEMBER_NAMES,
  NUMBER_EDGES,
  percentEncode,
  SQL_INJECTIONS,
  TRAVERSALS,
  UNICODE_EDGES,
  WRONG_TYPES,
} from './hostile-values';
import { cloudEventBodies } from './cloud-events';
import type { Operation, Schema } from './openapi';
import { BodyValue, Headers, hostile, json, Part, part, text } from './parts';
import { rawRequest, WireRequest } from './wire';
import { Caller, realIdKey, World } from './world';

/** What one operation's requests are generated from. */
export interface FuzzContext {
  world: World;
  op: Operation;
  /** Callers that pass authentication and the role check of this operation (learnt by probing). */
  authorised: Caller[];
  bodyLimit: number;
}

/** One generated request, with what makes it hostile (`json:truncated`, `auth:forged-key`, …). */
export interface FuzzCase {
  op: string;
  labels: string[];
  request: WireRequest;
  /** Writes the request as bytes of its own making (a malformed request line, CR in a header, …). */
  transport?: Transport;
}

// ---- who calls

function callerHeaders(caller: Caller): Headers {
  return caller.token === null ? {} : { authorization: `Bearer ${caller.token}` };
}

function benignCaller(ctx: FuzzContext): fc.Arbitrary<Part<Headers>> {
  const callers = ctx.authorised.length > 0 ? ctx.authorised : ctx.world.callers;
  return fc.constantFrom(...callers).map((caller) => part(callerHeaders(caller)));
}

function hostileCaller(ctx: FuzzContext, jwts: string[]): fc.Arbitrary<Part<Headers>> {
  const token = (ctx.authorised.find((caller) => caller.token !== null) ?? ctx.world.callers[0])
    .token as string;
  const malformed = [
    'Bearer',
    'Bearer ',
    `Bearer  ${token}`,
    `bearer ${token}`,
    `BEARER ${token}`,
    'Basic dXNlcjpwYXNz',
    token,
    `Bearer ${token} extra`,
    `Bearer ${'a'.repeat(513)}`,
    `Bearer ${'a'.repeat(8000)}`,
    `Bearer ${asHeaderBytes('令牌')}`,
    `Bearer "${token}"`,
    `Bearer ${token},Bearer ${token}`,
    `Token ${token}`,
    `Bearer\t${token}`,
    '',
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token}x`,
    'Bearer %00',
    "Bearer ' OR '1'='1",
    "Bearer 'OR'1'='1'--",
    'Negotiate YII=',
    `Bearer ${token}\t`,
  ];
  return fc.oneof(
    hostile(
      'auth:other-role',
      fc.constantFrom(...ctx.world.callers).map((caller) => callerHeaders(caller)),
    ),
    hostile(
      'auth:forged-key',
      fc
        .string({
          unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
          minLength: 43,
          maxLength: 43,
        })
        .map((forged) => ({ authorization: `Bearer ${forged}` })),
    ),
    hostile(
      'auth:malformed',
      fc.constantFrom(...malformed).map((value) => ({ authorization: value })),
    ),
    hostile(
      'auth:jwt',
      fc.constantFrom(...jwts).map((jwt) => ({ authorization: `Bearer ${jwt}` })),
    ),
    hostile(
      'auth:duplicated',
      fc.constantFrom<Headers>(
        { authorization: [`Bearer ${token}`, 'Bearer forged-forged-forged-forged'] },
        { authorization: ['Bearer forged-forged-forged-forged', `Bearer ${token}`] },
      ),
    ),
  );
}

// ---- the path

const RANDOM_ID = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~:-]{0,40}$/);

function hostileSegment(): fc.Arbitrary<Part<string>> {
  return fc.oneof(
    hostile('path:random-id', RANDOM_ID.map(encodeURIComponent)),
    hostile(
      'path:hostile-string',
      hostileString.map((value) => percentEncode(value.slice(0, 3000))),
    ),
    hostile('path:traversal', fc.constantFrom(...TRAVERSALS)),
    hostile('path:sql-injection', fc.constantFrom(...SQL_INJECTIONS).map(encodeURIComponent)),
    hostile(
      'path:bad-escape',
      fc.constantFrom('%', '%zz', '%E0%A4', '%FF', '%00', '%0D%0A', '%C0%80', '%ED%A0%80', '%uD800'),
    ),
    hostile(
      'path:long',
      fc.constantFrom(129, 5000).map((length) => 'a'.repeat(length)),
    ),
    hostile(
      'path:number-like',
      fc.constantFrom(
        '-1',
        '1.5',
        '1e3',
        '99999999999999999999',
        '2147483648',
        '0x10',
        '007',
        '+1',
        ' 1',
        '%201',
        'NaN',
        'Infinity',
      ),
    ),
    hostile('path:unicode', fc.constantFrom(...UNICODE_EDGES).map(percentEncode)),
    hostile('path:control-char', fc.constantFrom('%00', 'a%00b', '%01', '%0A', 'a%0D%0Ab', '%7F', '%C2%85')),
  );
}

function realOrUnknownId(ctx: FuzzContext, parameter: string): string {
  const real = ctx.world.realIds[realIdKey(ctx.op.path, parameter)];
  return real?.[0] ?? 'fuzz-unknown-id';
}

function pathPart(ctx: FuzzContext, isHostile: boolean): fc.Arbitrary<Part<string>> {
  const { op } = ctx;
  const fill = (values: Record<string, string>) =>
    op.path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? realOrUnknownId(ctx, name));
  const real = (name: string) =>
    fc.constantFrom(...(ctx.world.realIds[realIdKey(op.path, name)] ?? ['fuzz-unknown-id']));
  const benign = fc
    .tuple(...op.pathParams.map((name) => real(name)))
    .map((values) =>
      part(fill(Object.fromEntries(op.pathParams.map((name, i) => [name, encodeURIComponent(values[i])])))),
    );
  if (!isHostile) return op.pathParams.length > 0 ? benign : fc.constant(part(op.path));
  const shapes: fc.Arbitrary<Part<string>>[] = [
    hostile(
      'path:extra',
      fc
        .constantFrom('/', '//', '/extra', '/..', '/%2e%2e', ';jsessionid=1', '/.json')
        .map((tail) => fill({}) + tail),
    ),
    hostile('path:case', fc.constant(fill({}).toUpperCase())),
  ];
  if (op.pathParams.length > 0) {
    shapes.push(
      fc
        .tuple(fc.constantFrom(...op.pathParams), hostileSegment())
        .map(([name, segment]) => part(fill({ [name]: segment.value }), ...segment.labels)),
    );
  }
  return fc.oneof(...shapes);
}

// ---- the query

/** Times at the edges of what RFC 3339, JavaScript and PostgreSQL agree on. */
const TIME_EDGES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0099-12-31T23:59:59Z',
  '0999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-23:59',
  '0000-01-01T08:00:00+08:00',
  '2026-02-30T00:00:00Z',
  '2026-12-01T24:00:00Z',
  '1969-12-31T23:59:59.999999999Z',
  '2026-12-01T00:00:00+24:00',
  '2026-12-01T00:00:00',
  '2026-12-01t00:00:00z',
];

const NUMBERISH = [
  '0',
  '1',
  '3',
  '-1',
  '1.5',
  '1e3',
  '0x10',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '99999999999999999999',
  ' 1',
  '1 ',
  '',
  ' ',
  '+1',
  '١٢',
];
const TIMES = [...TIME_EDGES, '2026-01-01T00:00:00Z', 'yesterday', '2026-01-01', '1700000000'];

function queryValues(ctx: FuzzContext, name: string, schema: Schema): fc.Arbitrary<string> {
  const known: string[] = [...(schema.enum ?? []).map(String), ...NUMBERISH, ...TIMES, 'true', 'false'];
  const ids = Object.values(ctx.world.realIds).flat();
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.constantFrom(...ids) },
    { weight: 3, arbitrary: hostileString.map((value) => value.slice(0, 5000)) },
    { weight: 1, arbitrary: fc.constant(name === 'limit' ? '1001' : 'a'.repeat(201)) },
  );
}

function requiredQuery(ctx: FuzzContext): string {
  return ctx.op.queryParams
    .filter((parameter) => parameter.required)
    .map((parameter) => `${parameter.name}=${parameter.name === 'to' ? '2' : '1'}`)
    .join('&');
}

function queryPart(ctx: FuzzContext, isHostile: boolean): fc.Arbitrary<Part<string>> {
  const required = requiredQuery(ctx);
  const withRequired = (extra: string) => {
    const all = [required, extra].filter((piece) => piece.length > 0).join('&');
    return all.length > 0 ? `?${all}` : '';
  };
  if (!isHostile) return fc.constant(part(withRequired('')));
  const names = [...ctx.op.queryParams.map((parameter) => parameter.name), 'unknownParam'];
  const schemaOf = (name: string) =>
    ctx.op.queryParams.find((parameter) => parameter.name === name)?.schema ?? {};
  const valued = fc
    .tuple(fc.constantFrom(...names), fc.constantFrom(...names))
    .chain(([name, other]) =>
      fc.tuple(
        fc.constant(name),
        fc.constant(other),
        queryValues(ctx, name, schemaOf(name)),
        queryValues(ctx, other, schemaOf(other)),
      ),
    );
  return fc.oneof(
    valued.map(([name, , value]) => part(withRequired(`${name}=${percentEncode(value)}`), 'query:value')),
    valued.map(([name, other, value, otherValue]) =>
      part(
        withRequired(`${name}=${percentEncode(value)}&${other}=${percentEncode(otherValue)}`),
        'query:two-values',
      ),
    ),
    valued.map(([name, , value]) => part(`?${name}=${percentEncode(value)}&${name}=1`, 'query:repeated')),
    fc
      .tuple(fc.constantFrom(...names), fc.constantFrom('%00', 'a%00b', '%01', '%0A', '%0D%0A', '%7F'))
      .map(([name, value]) => part(withRequired(`${name}=${value}`), 'query:control-char')),
    fc
      .constantFrom(
        'limit',
        'limit=',
        'limit[]=1',
        'limit[a]=1',
        '__proto__=x',
        '__proto__[limit]=1',
        'constructor[prototype][x]=1',
        '&&&',
        '=x',
        '%zz=1',
        'limit=%zz',
        'cursor=%00',
        'cursor=%ED%A0%80',
        `cursor=${'a'.repeat(10_000)}`,
        'minPosition=99999999',
        'minPosition=-1',
        'asOf=%00',
        'from=1&from=2&from=3',
        'format=xml',
        'type=DataAccessed&type=%27%20OR%201%3D1',
        'streamId=..%2F..%2Fetc',
      )
      .map((query) => part(`?${query}`, 'query:shape')),
  );
}

// ---- headers

function hostileHeaders(ctx: FuzzContext): fc.Arbitrary<Part<Headers>> {
  const { op } = ctx;
  const sse = op.key === 'GET /v1/events' ? ['text/event-stream'] : [];
  return fc.oneof(
    hostile(
      'header:accept',
      fc
        .constantFrom(
          ...sse,
          'application/xml',
          '*/*;q=0',
          'application/problem+json',
          'a'.repeat(8000),
          ',,,;q=x',
          'text/html;q=1, */*;q=0.1',
        )
        .map((accept) => ({ accept })),
    ),
    hostile(
      'header:if-match',
      fc
        .constantFrom(
          '"0"',
          '"1"',
          '"-1"',
          '"abc"',
          '*',
          'W/"1"',
          '"1", "2"',
          '1',
          '""',
          '"99999999999999999999"',
          '"1e3"',
          '" 1"',
          '"0x1"',
          '"9007199254740993"',
          asHeaderBytes('"令"'),
        )
        .map((ifMatch) => ({ 'if-match': ifMatch })),
    ),
    hostile(
      'header:request-id',
      fc
        .constantFrom(
          '',
          ' ',
          'a'.repeat(5000),
          asHeaderBytes('请求'),
          'fuzz\tid',
          '../../x',
          "'; DROP TABLE events; --",
        )
        .map((id) => ({ 'x-request-id': id })),
    ),
    hostile(
      'header:last-event-id',
      fc
        .constantFrom('-1', 'abc', '99999999999999999', '', '1e3', ' 3 ')
        .map((id) => ({ 'last-event-id': id })),
    ),
    hostile(
      'header:cookie',
      fc
        .constantFrom(
          'ledger_admin_session=garbage',
          'a=b; ; ;',
          '='.repeat(1000),
          `session=${'x'.repeat(4000)}`,
          'ledger_admin_session=',
        )
        .map((cookie) => ({ cookie })),
    ),
    hostile(
      'header:forwarded',
      fc
        .constantFrom('1.1.1.1, evil', '::ffff:127.0.0.1', 'a'.repeat(1000), '', 'unknown, 256.256.256.256')
        .map((forwarded) => ({ 'x-forwarded-for': forwarded, forwarded: `for=${forwarded}` })),
    ),
    hostile(
      'header:duplicated',
      fc.constantFrom<Headers>(
        { 'x-request-id': ['fuzz-a', 'fuzz-b'] },
        { 'if-match': ['"0"', '"1"'] },
        { accept: ['application/json', 'text/event-stream'] },
        { 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] },
      ),
    ),
    hostile(
      'header:many',
      fc
        .integer({ min: 50, max: 150 })
        .map((count) =>
          Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-fuzz-${i}`, 'v'.repeat(50)])),
        ),
    ),
  );
}

// ---- bodies

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A plausible value for a member by its name, where the schema's own example would not do. */
function hintedValue(ctx: FuzzContext, name: string): unknown {
  const { world, op } = ctx;
  const hints: Record<string, unknown> = {
    datasetId: op.path.startsWith('/v1/applications') ? world.conditionalDatasetId : world.openDatasetId,
    organizationId: world.organizations[0],
    checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    datasetVersion: 1,
    grantId: world.grantId,
    url: 'http://127.0.0.1:9/fuzz-hook',
    secret: 'a fuzz secret of enough length',
    types: op.path.startsWith('/v1/subscriptions') ? ['LogCheckpointPublished'] : ['DataAccessed'],
    sources: [world.publisherSource],
    reportingInterval: 'P30D',
    validFrom: inDays(-1),
    validUntil: inDays(100),
    from: inDays(-1),
    until: inDays(100),
    contact: 'fuzz@example.cn',
    role: 'data_user',
    fields: ['clinic', 'month'],
    requestedFields: ['clinic'],
    reasonCodes: ['incomplete'],
    publicize: false,
  };
  return hints[name];
}

/** A body the operation would take, from its schema: required members, hinted values, examples. */
export function baseBody(ctx: FuzzContext, schema: Schema | undefined = ctx.op.bodySchema): unknown {
  const valueOf = (name: string, member: Schema): unknown => {
    const hinted = hintedValue(ctx, name);
    if (hinted !== undefined) return hinted;
    if (member.enum) return member.enum[0];
    if (member.properties) return objectOf(member);
    switch (member.type) {
      case 'number':
      case 'integer':
        return typeof member.example === 'number' ? member.example : Math.max(member.minimum ?? 1, 1);
      case 'boolean':
        return false;
      case 'array':
        return Array.isArray(member.example)
          ? member.example
          : [valueOf(name, member.items ?? { type: 'string' })];
      default:
        return typeof member.example === 'string' ? member.example : `fuzz ${name}`;
    }
  };
  const objectOf = (object: Schema): Record<string, unknown> => {
    const value: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(object.properties ?? {})) {
      if (name === 'id') continue;
      if (object.required?.includes(name)) value[name] = valueOf(name, member);
    }
    return value;
  };
  return schema ? objectOf(schema) : {};
}

interface Slot {
  path: string[];
  schema: Schema;
  required: boolean;
}

function slotsOf(schema: Schema | undefined, path: string[] = []): Slot[] {
  const slots: Slot[] = [];
  for (const [name, member] of Object.entries(schema?.properties ?? {})) {
    const here = [...path, name];
    slots.push({ path: here, schema: member, required: schema?.required?.includes(name) ?? false });
    if (member.properties) slots.push(...slotsOf(member, here));
    if (member.items?.properties) slots.push(...slotsOf(member.items, [...here, '0']));
  }
  return slots;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Sets a member as an own data property, so `__proto__` is a member and not a prototype. */
function setAt(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const top = root !== null && typeof root === 'object' ? root : {};
  let node = top as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') {
      Object.defineProperty(node, key, { value: {}, enumerable: true, writable: true, configurable: true });
    }
    node = node[key] as Record<string, unknown>;
  }
  Object.defineProperty(node, path[path.length - 1], {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return top;
}

function deleteAt(root: unknown, path: string[]): unknown {
  let node = root as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    node = node?.[key] as Record<string, unknown>;
    if (node === null || typeof node !== 'object') return root;
  }
  delete node[path[path.length - 1]];
  return root;
}

function schemaMutations(ctx: FuzzContext, base: unknown): fc.Arbitrary<Part<BodyValue>> {
  const slots = slotsOf(ctx.op.bodySchema);
  const shapes: fc.Arbitrary<Part<BodyValue>>[] = [
    hostile(
      'schema:unknown-member',
      fc
        .tuple(
          fc.oneof(
            fc.constantFrom(...MEMBER_NAMES),
            hostileString.map((name) => name.slice(0, 200)),
          ),
          hostileValue,
        )
        .map(([name, value]) => ({ body: json(setAt(clone(base), [name], value)) })),
    ),
    hostile(
      'schema:top-level-type',
      fc.constantFrom(...WRONG_TYPES).map((value) => ({ body: json(value) })),
    ),
  ];
  if (slots.length === 0) return fc.oneof(...shapes);
  const slot = fc.constantFrom(...slots);
  shapes.push(
    hostile(
      'schema:wrong-type',
      fc
        .tuple(slot, fc.constantFrom(...WRONG_TYPES))
        .map(([{ path }, value]) => ({ body: json(setAt(clone(base), path, value)) })),
    ),
    hostile(
      'schema:hostile-value',
      fc
        .tuple(slot, hostileValue)
        .map(([{ path }, value]) => ({ body: json(setAt(clone(base), path, value)) })),
    ),
    hostile(
      'schema:number-edge',
      fc
        .tuple(slot, fc.constantFrom(...NUMBER_EDGES))
        .map(([{ path }, value]) => ({ body: json(setAt(clone(base), path, value)) })),
    ),
    hostile(
      'schema:nested-unknown-member',
      fc.tuple(slot, fc.constantFrom(...MEMBER_NAMES)).map(([{ path }, name]) => ({
        body: json(setAt(clone(base), [...path, name], 'x')),
      })),
    ),
    hostile(
      'schema:null-member',
      slot.map(({ path }) => ({ body: json(setAt(clone(base), path, null)) })),
    ),
  );
  const times = slots.filter((candidate) => /from|until|valid|time/i.test(candidate.path.at(-1) ?? ''));
  if (times.length > 0) {
    shapes.push(
      hostile(
        'schema:time-edge',
        fc
          .tuple(fc.constantFrom(...times), fc.constantFrom(...TIME_EDGES))
          .map(([{ path }, value]) => ({ body: json(setAt(clone(base), path, value)) })),
      ),
    );
  }
  const required = slots.filter((candidate) => candidate.required);
  if (required.length > 0) {
    shapes.push(
      hostile(
        'schema:missing-required',
        fc.constantFrom(...required).map(({ path }) => ({ body: json(deleteAt(clone(base), path)) })),
      ),
    );
  }
  const enums = slots.filter((candidate) => candidate.schema.enum || candidate.schema.items?.enum);
  if (enums.length > 0) {
    shapes.push(
      hostile(
        'schema:outside-enum',
        fc
          .tuple(fc.constantFrom(...enums), hostileString, fc.nat(3))
          .map(([{ path, schema }, value, pick]) => {
            const first = String((schema.enum ?? schema.items?.enum ?? [''])[0]);
            const outside = [first.toUpperCase(), ` ${first}`, `${first}\u0000`, value][pick];
            return { body: json(setAt(clone(base), path, schema.type === 'array' ? [outside] : outside)) };
          }),
      ),
    );
  }
  return fc.oneof(...shapes);
}

function firstNumberMatch(baseText: string): RegExpExecArray | null {
  return /:(-?\d+(\.\d+)?)/.exec(baseText);
}

function replaceFirstNumber(baseText: string, replacement: string): string {
  const match = firstNumberMatch(baseText);
  if (!match) return baseText.replace(/^\{/, `{"n":${replacement},`);
  return baseText.slice(0, match.index + 1) + replacement + baseText.slice(match.index + match[0].length);
}

function replaceFirstString(baseText: string, replacement: string): string {
  const match = /:"((?:[^"\\]|\\.)*)"/.exec(baseText);
  if (!match) return baseText.replace(/^\{/, `{"s":${replacement},`);
  return baseText.slice(0, match.index + 1) + replacement + baseText.slice(match.index + match[0].length);
}

/** The base body's text with one member name repeated, in the top object or a nested one. */
function withDuplicateKey(base: unknown, differentValue: boolean): string {
  const MARK = '\u0001dup\u0001';
  let target: Record<string, unknown> | undefined;
  const find = (value: unknown) => {
    if (target || value === null || typeof value !== 'object' || Array.isArray(value)) return;
    if (Object.keys(value).length > 0) target = value as Record<string, unknown>;
    Object.values(value).forEach(find);
  };
  find(base);
  if (!target) return '{"a":1,"a":1}';
  const [key, value] = Object.entries(target)[0];
  const duplicate = `${JSON.stringify(key)}:${JSON.stringify(differentValue ? 'other' : value)}`;
  const marked = JSON.stringify(base, (_, member) =>
    member === target ? { ...(member as object), [MARK]: true } : member,
  );
  return marked.replace(`${JSON.stringify(MARK)}:true`, duplicate);
}

export function malformedJson(base: unknown): fc.Arbitrary<Part<BodyValue>> {
  const baseText = JSON.stringify(base);
  const insertBytes = (bytes: readonly number[]) => {
    const at = Math.max(baseText.indexOf(':"') + 2, 1);
    return Buffer.concat([text(baseText.slice(0, at)), Buffer.from(bytes), text(baseText.slice(at))]);
  };
  const deep = (levels: number, open: string, inner: string, close: string) =>
    text(open.repeat(levels) + inner + close.repeat(levels));
  const kinds: [string, fc.Arbitrary<Buffer>][] = [
    [
      'truncated',
      fc.integer({ min: 0, max: Math.max(baseText.length - 1, 0) }).map((n) => text(baseText.slice(0, n))),
    ],
    [
      'trailing-garbage',
      fc
        .constantFrom('}', ' x', ',', '{}', '\u0000', '\n{"a":1}', ']', '"')
        .map((tail) => text(baseText + tail)),
    ],
    ['bom', fc.constant(text(`\uFEFF${baseText}`))],
    ['duplicate-key', fc.boolean().map((different) => text(withDuplicateKey(base, different)))],
    [
      'non-finite',
      fc
        .constantFrom('NaN', 'Infinity', '-Infinity', 'undefined')
        .map((value) => text(replaceFirstNumber(baseText, value))),
    ],
    [
      'comment',
      fc
        .constantFrom(
          `/* c */${baseText}`,
          `// c\n${baseText}`,
          baseText.replace(/^\{/, '{/* c */'),
          `${baseText}# c`,
        )
        .map(text),
    ],
    ['single-quotes', fc.constant(text(baseText.replace(/"/g, "'")))],
    ['unquoted-keys', fc.constant(text(baseText.replace(/"([A-Za-z]+)":/g, '$1:')))],
    ['trailing-comma', fc.constant(text(baseText.replace(/}$/, ',}')))],
    [
      'number-syntax',
      fc
        .constantFrom('01', '0x1', '.5', '1.', '+1', '1e', '--1', '1_000')
        .map((value) => text(replaceFirstNumber(baseText, value))),
    ],
    [
      'control-char-in-string',
      fc
        .constantFrom('\u0001', '\n', '\t', '\u001f')
        .map((char) => text(replaceFirstString(baseText, `"a${char}b"`))),
    ],
    ['escaped-nul', fc.constant(text(replaceFirstString(baseText, '"a\\u0000b"')))],
    [
      'lone-surrogate-escape',
      fc
        .constantFrom('"\\ud800"', '"\\udc00x"', '"a\\ud83d"', '"\\uDBFF\\uDBFF"')
        .map((value) => text(replaceFirstString(baseText, value))),
    ],
    [
      'invalid-escape',
      fc
        .constantFrom('"\\x41"', '"\\u12"', '"\\"', '"\\a"', '"\\u{41}"')
        .map((value) => text(replaceFirstString(baseText, value))),
    ],
    [
      'big-number',
      fc
        .constantFrom(
          '9007199254740993',
          '-9007199254740993',
          '1e400',
          '-1e400',
          '123456789012345678901234567890',
          '1.7976931348623157e309',
          '1e-400',
        )
        .map((value) => text(replaceFirstNumber(baseText, value))),
    ],
    [
      'invalid-utf8',
      fc
        .constantFrom(
          [0xff],
          [0xc0, 0x80],
          [0xed, 0xa0, 0x80],
          [0xe4, 0xb8],
          [0xf8, 0x88, 0x80, 0x80, 0x80],
          [0xfe, 0xff],
        )
        .map(insertBytes),
    ],
    ['utf16', fc.constantFrom('', '\uFEFF').map((bom) => Buffer.from(bom + baseText, 'utf16le'))],
    [
      'top-level',
      fc
        .constantFrom('null', 'true', '"string"', '[]', '[{}]', '0', '-0', '1e400', '', ' ', '\n\t', '{}')
        .map(text),
    ],
    [
      'deep-nesting',
      fc.constantFrom(
        deep(10_000, '[', '', ']'),
        deep(10_000, '{"a":', '1', '}'),
        deep(33, '[', '', ']'),
        deep(32, '{"a":', '1', '}'),
        text('['.repeat(10_000)),
        text(`${'}'.repeat(100)}{}`),
        text(`{"a":${'['.repeat(5_000)}`),
      ),
    ],
    [
      'structure',
      fc
        .constantFrom(
          '{"a" 1}',
          '{"a":}',
          '{,}',
          '{"a":1,,}',
          '{"a":1}{"b":2}',
          '[1,2',
          '{"a":"\\',
          '{"a":1]',
          ':::',
          '""""',
        )
        .map(text),
    ],
  ];
  return fc.oneof(
    ...kinds.map(([label, arbitrary]) =>
      hostile(
        `json:${label}`,
        arbitrary.map((body) => ({ body })),
      ),
    ),
  );
}

/** Bodies near and over the limit, huge arrays, many members. */
function hugeBodies(ctx: FuzzContext, base: unknown): fc.Arbitrary<Part<BodyValue>> {
  const limit = ctx.bodyLimit;
  const slots = slotsOf(ctx.op.bodySchema);
  const stringSlot = slots.find((slot) => slot.schema.type === 'string' && !slot.schema.enum)?.path ?? [
    'padding',
  ];
  const arraySlot = slots.find((slot) => slot.schema.type === 'array')?.path ?? ['items'];
  const padded = (size: number, unit: string) => {
    const overhead = JSON.stringify(setAt(clone(base), stringSlot, '')).length;
    const units = Math.max(0, Math.floor((size - overhead) / Buffer.byteLength(unit)));
    return json(setAt(clone(base), stringSlot, unit.repeat(units)));
  };
  return fc
    .oneof(
      hostile(
        'huge:string-just-under-limit',
        fc.constantFrom('a', '令').map((unit) => padded(limit - 64, unit)),
      ),
      hostile(
        'huge:string-over-limit',
        fc.constantFrom('a', '\u{1F600}').map((unit) => padded(limit + 16, unit)),
      ),
      hostile('huge:five-mib', fc.constant(Buffer.concat([text(' '.repeat(5 * 1024 * 1024)), json(base)]))),
      hostile(
        'huge:array',
        fc
          .constantFrom(1_001, 100_000, 300_000)
          .map((length) => json(setAt(clone(base), arraySlot, Array(length).fill('x')))),
      ),
      hostile(
        'huge:many-members',
        fc.constantFrom(20_000, 60_000).map((count) => {
          const members = Array.from({ length: count }, (_, i) => `"m${i}":0`).join(',');
          return text(
            JSON.stringify(base).replace(/^\{/, `{${members}${JSON.stringify(base) === '{}' ? '' : ','}`),
          );
        }),
      ),
    )
    .map((hugePart) => part({ body: hugePart.value }, ...hugePart.labels));
}

function contentTypes(base: unknown): fc.Arbitrary<Part<BodyValue>> {
  const baseText = JSON.stringify(base);
  const plain = (contentType: string | string[] | null) => ({ body: text(baseText), contentType });
  return fc.oneof(
    hostile(
      'content-type:other',
      fc
        .constantFrom<string | string[] | null>(
          null,
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
          'application/json; charset=iso-8859-1',
          'application/json;charset=UTF-8',
          'APPLICATION/JSON',
          'application/json ; charset="utf-8"',
          'application/jsonp',
          'application/json-patch+json',
          'application/problem+json',
          'application/cloudevents+json',
          'application/cloudevents-batch+json',
          '*/*',
          'application/*',
          '',
          ';',
          'application/json, text/plain',
          'text/json',
          'application/ld+json',
          'application/x-ndjson',
          'application/json; boundary=x; charset=utf-8; charset=utf-16',
          ['application/json', 'text/plain'],
        )
        .map(plain),
    ),
    hostile(
      'content-type:utf-16',
      fc.constant({
        body: Buffer.from(baseText, 'utf16le'),
        contentType: 'application/json; charset=utf-16le',
      }),
    ),
    hostile(
      'content-type:multipart',
      fc.constant({
        body: text(`------x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${baseText}\r\n------x--\r\n`),
        contentType: 'multipart/form-data; boundary=----x',
      }),
    ),
    hostile(
      'content-type:form',
      fc.constant({
        body: text('name=x&id=%27%20OR%201%3D1'),
        contentType: 'application/x-www-form-urlencoded',
      }),
    ),
  );
}

function bodyPart(ctx: FuzzContext, isHostile: boolean): fc.Arbitrary<Part<BodyValue>> {
  if (ctx.op.key === 'POST /v1/events') return cloudEventBodies(ctx, isHostile);
  const takesBody = ctx.op.consumes.length > 0;
  const base = baseBody(ctx);
  if (!isHostile) return fc.constant(part<BodyValue>(takesBody ? { body: json(base) } : {}));
  if (!takesBody) {
    return fc.oneof(
      hostile(
        'body:unexpected',
        fc.constantFrom<BodyValue>(
          { body: text('{"a":1}') },
          { body: text('{') },
          { body: text('x'.repeat(2000)), contentType: 'text/plain' },
          { body: text('{"a":1,"a":2}') },
          { body: Buffer.from([0xff, 0xfe]) },
        ),
      ),
      malformedJson({}),
    );
  }
  return fc.oneof(
    { weight: 5, arbitrary: schemaMutations(ctx, base) },
    { weight: 4, arbitrary: malformedJson(base) },
    { weight: 2, arbitrary: contentTypes(base) },
    { weight: 1, arbitrary: hugeBodies(ctx, base) },
  );
}

// ---- the transport: requests node:http will not send

type Transport = (request: WireRequest) => Buffer;

function latin1(buffer: Buffer | undefined): string {
  return (buffer ?? Buffer.alloc(0)).toString('latin1');
}

function headerLines(headers: Headers): string[] {
  return Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one) => `${name}: ${one}`),
  );
}

function chunked(body: Buffer, size = 7): Buffer {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) {
    const piece = body.subarray(offset, offset + size);
    pieces.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(pieces);
}

function transports(): fc.Arbitrary<Part<Transport>> {
  const line = (request: WireRequest, target = request.path, method = request.method, version = 'HTTP/1.1') =>
    `${method} ${target} ${version}`;
  const withHeader =
    (...extra: string[]): Transport =>
    (request) =>
      rawRequest(line(request), [...headerLines(request.headers), ...extra], request.body);
  const cases: Record<string, Transport> = {
    'cr-in-header': withHeader('X-Fuzz: a\rb'),
    'lf-in-header': withHeader('X-Fuzz: a\nb'),
    'nul-in-header': withHeader('X-Fuzz: a\u0000b'),
    'crlf-in-ce-header': withHeader('ce-subject: a\r\nce-id: injected'),
    'obs-fold': withHeader('X-Fuzz: a', ' folded'),
    'space-before-colon': withHeader('X-Fuzz : a'),
    'header-without-colon': withHeader('X-Fuzz'),
    'empty-header-name': withHeader(': a'),
    'non-ascii-header-name': withHeader(asHeaderBytes('X-Füzz: a')),
    'utf8-header-value': withHeader(asHeaderBytes('X-Fuzz: 令牌 \u202E')),
    'oversized-header': withHeader(`X-Fuzz: ${'a'.repeat(20_000)}`),
    'oversized-authorization': withHeader(`Authorization: Bearer ${'a'.repeat(20_000)}`),
    'many-big-headers': withHeader(
      ...Array.from({ length: 300 }, (_, i) => `X-Fuzz-${i}: ${'a'.repeat(100)}`),
    ),
    'oversized-url': (request) =>
      rawRequest(
        line(request, `${request.path}${request.path.includes('?') ? '&' : '?'}q=${'a'.repeat(20_000)}`),
        headerLines(request.headers),
        request.body,
      ),
    'duplicate-content-length': (request) =>
      rawRequest(
        line(request),
        [
          ...headerLines(request.headers),
          `Content-Length: ${request.body?.length ?? 0}`,
          `Content-Length: ${(request.body?.length ?? 0) + 1}`,
        ],
        request.body,
      ),
    'content-length-and-chunked': (request) =>
      rawRequest(
        line(request),
        [
          ...headerLines(request.headers),
          `Content-Length: ${request.body?.length ?? 0}`,
          'Transfer-Encoding: chunked',
        ],
        chunked(request.body ?? Buffer.alloc(0)),
      ),
    'negative-content-length': (request) =>
      rawRequest(line(request), [...headerLines(request.headers), 'Content-Length: -1'], request.body),
    'garbage-content-length': (request) =>
      rawRequest(line(request), [...headerLines(request.headers), 'Content-Length: 1e3'], request.body),
    'short-content-length': (request) =>
      rawRequest(
        line(request),
        [...headerLines(request.headers), `Content-Length: ${Math.max((request.body?.length ?? 0) - 3, 0)}`],
        request.body,
      ),
    'chunked-body': (request) =>
      rawRequest(
        line(request),
        [...headerLines(request.headers), 'Transfer-Encoding: chunked'],
        chunked(request.body ?? Buffer.from('{}')),
        {
          contentLength: false,
        },
      ),
    'bad-chunk-size': (request) =>
      rawRequest(
        line(request),
        [...headerLines(request.headers), 'Transfer-Encoding: chunked'],
        Buffer.from(`zz\r\n${latin1(request.body)}\r\n0\r\n\r\n`, 'latin1'),
        {
          contentLength: false,
        },
      ),
    'unknown-transfer-encoding': (request) =>
      rawRequest(
        line(request),
        [...headerLines(request.headers), 'Transfer-Encoding: gzip, chunked'],
        chunked(request.body ?? Buffer.from('{}')),
        {
          contentLength: false,
        },
      ),
    'content-encoding-gzip': withHeader('Content-Encoding: gzip'),
    'http-1.0': (request) =>
      rawRequest(
        line(request, request.path, request.method, 'HTTP/1.0'),
        headerLines(request.headers),
        request.body,
      ),
    'http-2.0-request-line': (request) =>
      rawRequest(
        line(request, request.path, request.method, 'HTTP/2.0'),
        headerLines(request.headers),
        request.body,
      ),
    'bad-version': (request) =>
      rawRequest(
        line(request, request.path, request.method, 'HTTP/9.9'),
        headerLines(request.headers),
        request.body,
      ),
    'lowercase-method': (request) =>
      rawRequest(
        line(request, request.path, request.method.toLowerCase()),
        headerLines(request.headers),
        request.body,
      ),
    'unknown-method': (request) =>
      rawRequest(line(request, request.path, 'BREW'), headerLines(request.headers), request.body),
    'absolute-form': (request) =>
      rawRequest(
        line(request, `http://evil.example${request.path}`),
        headerLines(request.headers),
        request.body,
      ),
    'unencoded-space-in-path': (request) =>
      rawRequest(line(request, `${request.path}/a b`), headerLines(request.headers), request.body),
    'raw-utf8-in-path': (request) =>
      rawRequest(
        line(request, `${request.path}${asHeaderBytes('/令牌\u202E')}`),
        headerLines(request.headers),
        request.body,
      ),
    'control-char-in-path': (request) =>
      rawRequest(line(request, `${request.path}\u0001`), headerLines(request.headers), request.body),
    'fragment-in-target': (request) =>
      rawRequest(line(request, `${request.path}#frag`), headerLines(request.headers), request.body),
    'expect-100-continue': withHeader('Expect: 100-continue'),
    'missing-host': (request) =>
      rawRequest(line(request), headerLines(request.headers), request.body, { host: false }),
    'duplicate-host': withHeader('Host: evil.example'),
  };
  return fc.constantFrom(...Object.keys(cases)).map((name) => part(cases[name], `transport:${name}`));
}

// ---- a whole request

type Dimension = 'auth' | 'path' | 'query' | 'headers' | 'body' | 'transport';

/**
 * Requests for one operation: each has one hostile dimension (who calls, the path, the query,
 * headers, the body, or the bytes on the wire) and the others as a well-behaved client sends them.
 */
export function caseArbitrary(ctx: FuzzContext, jwts: string[]): fc.Arbitrary<FuzzCase> {
  const { op } = ctx;
  const takesBody = op.consumes.length > 0;
  const weights: Record<Dimension, number> = {
    auth: 2,
    path: op.pathParams.length > 0 ? 3 : 1,
    query: op.queryParams.length > 0 ? 3 : 1,
    headers: 2,
    body: op.key === 'POST /v1/events' ? 14 : takesBody ? 7 : 1,
    transport: 2,
  };
  const focused = (dimension: Dimension) =>
    fc.record({
      auth: dimension === 'auth' ? hostileCaller(ctx, jwts) : benignCaller(ctx),
      path: pathPart(ctx, dimension === 'path'),
      query: queryPart(ctx, dimension === 'query'),
      headers: dimension === 'headers' ? hostileHeaders(ctx) : fc.constant(part<Headers>({})),
      body: bodyPart(ctx, dimension === 'body'),
      transport: dimension === 'transport' ? transports() : fc.constant(undefined),
    });
  return fc
    .oneof(
      ...(Object.keys(weights) as Dimension[]).map((dimension) => ({
        weight: weights[dimension],
        arbitrary: focused(dimension),
      })),
    )
    .map(({ auth, path, query, headers, body, transport }) => {
      const request: WireRequest = {
        method: op.method,
        path: path.value + query.value,
        headers: { ...auth.value, ...headers.value, ...body.value.headers },
        body: body.value.body,
      };
      if (request.body !== undefined && body.value.contentType !== null) {
        request.headers['content-type'] = body.value.contentType ?? 'application/json';
      }
      return {
        op: op.key,
        labels: [
          ...auth.labels,
          ...path.labels,
          ...query.labels,
          ...headers.labels,
          ...body.labels,
          ...(transport?.labels ?? []),
        ],
        request,
        transport: transport?.value,
      };
    });
}

/** What node:http refuses to send: control characters in headers, characters outside latin1 or spaces in the path. */
export function needsRawSocket(request: WireRequest): boolean {
  if (/[^\u0021-\u00ff]/.test(request.path)) return true;
  return Object.entries(request.headers).some(
    ([name, value]) =>
      !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) ||
      (Array.isArray(value) ? value : [value]).some((one) => /[^\t\x20-\x7e\x80-\xff]/.test(one)),
  );
}

/** The request to send, with its request id (to find what it wrote in the journal) and, where needed, its bytes. */
export function finalRequest(fuzzCase: FuzzCase, requestId: string): WireRequest {
  const request: WireRequest = {
    ...fuzzCase.request,
    headers: { 'x-request-id': requestId, ...fuzzCase.request.headers },
  };
  if (fuzzCase.transport) request.raw = fuzzCase.transport(request);
  else if (needsRawSocket(request)) {
    request.raw = rawRequest(
      `${request.method} ${request.path} HTTP/1.1`,
      headerLines(request.headers),
      request.body,
    );
  }
  return request;
}
