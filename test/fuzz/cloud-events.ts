import * as fc from 'fast-check';
import { asHeaderBytes, hostileString, hostileValue, WRONG_TYPES } from './hostile-values';
import { BodyValue, Headers, hostile, json, Part, part, text } from './parts';
import { FuzzContext, malformedJson } from './requests';

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';
const ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'expectedversion', 'data'];

type CloudEvent = Record<string, unknown>;

/** A DataAccessed the publisher may publish: within its scope, under the grant's fields and dates. */
function goodEvent(ctx: FuzzContext, id: string): CloudEvent {
  const { world } = ctx;
  return {
    specversion: '1.0',
    id,
    source: world.publisherSource,
    type: 'DataAccessed',
    subject: `usage-${world.conditionalDatasetId}`,
    time: '2026-11-29T08:00:00Z',
    data: {
      datasetId: world.conditionalDatasetId,
      grantId: world.grantId,
      principal: world.granteeId,
      channel: 'api',
      recordCount: 10,
      fields: ['clinic'],
    },
  };
}

const eventId = fc.uuid().map((uuid) => `fuzz-${uuid}`);

function withMember(event: CloudEvent, name: string, value: unknown): CloudEvent {
  const copy = { ...event };
  Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function without(event: CloudEvent, name: string): CloudEvent {
  const copy = { ...event };
  delete copy[name];
  return copy;
}

/** One thing wrong with an event: a missing, wrong-typed, hostile or unknown attribute, or data that does not fit. */
function badEvent(ctx: FuzzContext): fc.Arbitrary<Part<CloudEvent>> {
  const good = eventId.map((id) => goodEvent(ctx, id));
  const data = (event: CloudEvent) => event.data as Record<string, unknown>;
  return fc.oneof(
    fc
      .tuple(good, fc.constantFrom('specversion', 'id', 'source', 'type', 'data', 'subject'))
      .map(([event, name]) => part(without(event, name), `ce:missing-${name}`)),
    fc
      .tuple(good, fc.constantFrom(...ATTRIBUTES), fc.constantFrom(...WRONG_TYPES))
      .map(([event, name, value]) => part(withMember(event, name, value), `ce:wrong-type-${name}`)),
    fc
      .tuple(good, fc.constantFrom(...ATTRIBUTES), hostileString)
      .map(([event, name, value]) => part(withMember(event, name, value), `ce:hostile-${name}`)),
    hostile(
      'ce:specversion',
      fc
        .tuple(good, fc.constantFrom<unknown>('0.3', '1', '1.0 ', '1.0\u0000', 1.0, '1.00', '2.0'))
        .map(([event, value]) => withMember(event, 'specversion', value)),
    ),
    hostile(
      'ce:time',
      fc
        .tuple(
          good,
          fc.constantFrom<unknown>(
            '2026-13-01T00:00:00Z',
            '2026-02-30T00:00:00Z',
            '2026-02-29T24:00:00Z',
            '1700000000',
            1700000000,
            'now',
            '9999-12-31T23:59:59.999999999-23:59',
            '0000-00-00T00:00:00Z',
            '0000-01-01T00:00:00Z',
            '2026-11-29T08:00:00',
            '2026-11-29t08:00:00z',
          ),
        )
        .map(([event, value]) => withMember(event, 'time', value)),
    ),
    hostile(
      'ce:expectedversion',
      fc
        .tuple(
          good,
          fc.constantFrom<unknown>(
            -1,
            1.5,
            '01',
            'NO_STREAM',
            2 ** 53,
            '999999999999999',
            '1e3',
            null,
            true,
            'any ',
            99999,
            '0',
            0,
          ),
        )
        .map(([event, value]) => withMember(event, 'expectedversion', value)),
    ),
    hostile(
      'ce:unknown-attribute',
      fc
        .tuple(good, fc.constantFrom('foo', 'data_base64', '__proto__', 'Type', 'partitionkey', 'ID', ''))
        .map(([event, name]) => withMember(event, name, name === 'data_base64' ? 'e30=' : 'x')),
    ),
    hostile(
      'ce:datacontenttype',
      fc
        .tuple(
          good,
          fc.constantFrom<unknown>(
            'text/plain',
            'application/xml',
            123,
            'application/json; charset=utf-16',
            '',
          ),
        )
        .map(([event, value]) => withMember(event, 'datacontenttype', value)),
    ),
    hostile(
      'ce:subject',
      fc
        .tuple(
          good,
          fc.constantFrom(
            'usage-other',
            'dataset-..',
            '../../x',
            '',
            `usage-${'a'.repeat(300)}`,
            "usage-' OR 1=1",
            'usage-\u0000',
          ),
        )
        .map(([event, value]) => withMember(event, 'subject', value)),
    ),
    hostile(
      'ce:type',
      fc
        .tuple(
          good,
          fc.constantFrom(
            'PrincipalCreated',
            'ApiKeyIssued',
            'DatasetRegistered',
            'AccessGranted',
            'Foo',
            'dataaccessed',
            'DataAccessed ',
          ),
        )
        .map(([event, value]) => withMember(event, 'type', value)),
    ),
    hostile(
      'ce:source',
      fc
        .tuple(
          good,
          fc.constantFrom(
            'urn:other',
            'urn:gateway:fuzz ',
            'urn:gateway:\u0000',
            'a'.repeat(501),
            '/relative',
            'urn:gateway:FUZZ',
          ),
        )
        .map(([event, value]) => withMember(event, 'source', value)),
    ),
    hostile(
      'ce:data-type',
      fc
        .tuple(good, fc.constantFrom<unknown>(null, [], 'text', 1, [{}]))
        .map(([event, value]) => withMember(event, 'data', value)),
    ),
    hostile(
      'ce:data-member',
      fc
        .tuple(
          good,
          fc.constantFrom(
            'datasetId',
            'principal',
            'channel',
            'recordCount',
            'grantId',
            'fields',
            'extra',
            '__proto__',
          ),
          hostileValue,
        )
        .map(([event, name, value]) => withMember(event, 'data', withMember(data(event), name, value))),
    ),
    hostile(
      'ce:data-missing',
      fc
        .tuple(good, fc.constantFrom('datasetId', 'principal', 'channel', 'recordCount'))
        .map(([event, name]) => withMember(event, 'data', without(data(event), name))),
    ),
    hostile(
      'ce:data-deep',
      fc.tuple(good, fc.constantFrom(31, 40)).map(([event, depth]) => {
        let nested: unknown = 1;
        for (let level = 0; level < depth; level++) nested = [nested];
        return withMember(event, 'data', withMember(data(event), 'fields', nested));
      }),
    ),
  );
}

/** The event's text with an attribute written twice, the second time with another value. */
function duplicatedAttribute(event: CloudEvent, name: string, other: unknown): string {
  const textOf = JSON.stringify(event);
  return textOf.replace(/^\{/, `{${JSON.stringify(name)}:${JSON.stringify(other)},`);
}

function binaryHeaders(event: CloudEvent, encode = true): Headers {
  const headers: Headers = {};
  for (const name of ['specversion', 'id', 'source', 'type', 'subject', 'time', 'expectedversion']) {
    const value = event[name];
    if (value === undefined) continue;
    const raw = typeof value === 'string' ? value : JSON.stringify(value);
    headers[`ce-${name}`] = encode ? encodeURIComponent(raw) : asHeaderBytes(raw);
  }
  return headers;
}

/** POST /v1/events bodies: structured, batch and binary CloudEvents with every kind of fault. */
export function cloudEventBodies(ctx: FuzzContext, isHostile: boolean): fc.Arbitrary<Part<BodyValue>> {
  const good = eventId.map((id) => goodEvent(ctx, id));
  if (!isHostile) return good.map((event) => part({ body: json(event), contentType: STRUCTURED }));
  const bad = badEvent(ctx);
  const structured = bad.map((event) =>
    part<BodyValue>({ body: json(event.value), contentType: STRUCTURED }, ...event.labels),
  );
  const duplicateKeys = fc
    .tuple(good, fc.constantFrom('id', 'type', 'source', 'specversion', 'data', 'subject'), hostileValue)
    .map(([event, name, other]) =>
      part<BodyValue>(
        {
          body: text(duplicatedAttribute(event, name, name === 'type' ? 'DatasetRegistered' : other)),
          contentType: STRUCTURED,
        },
        `ce:duplicate-key-${name}`,
      ),
    );
  const mixedBatch = fc
    .tuple(
      fc.array(good, { minLength: 1, maxLength: 4 }),
      fc.array(bad, { minLength: 1, maxLength: 2 }),
      fc.nat(),
    )
    .map(([goods, bads, at]) => {
      const events: unknown[] = [...goods];
      for (const badOne of bads) events.splice(at % (events.length + 1), 0, badOne.value);
      return part<BodyValue>(
        { body: json(events), contentType: BATCH },
        'ce:batch-mixed',
        ...bads.flatMap((badOne) => badOne.labels),
      );
    });
  const batchShapes = fc.oneof(
    hostile('ce:batch-empty', fc.constant<BodyValue>({ body: text('[]'), contentType: BATCH })),
    hostile(
      'ce:batch-too-long',
      good.map<BodyValue>((event) => ({
        body: json(Array.from({ length: 1001 }, (_, i) => ({ ...event, id: `${event.id}-${i}` }))),
        contentType: BATCH,
      })),
    ),
    hostile(
      'ce:batch-not-array',
      good.map<BodyValue>((event) => ({ body: json(event), contentType: BATCH })),
    ),
    hostile(
      'ce:batch-items',
      fc
        .constantFrom<unknown>([1], [null], ['x'], [[]], [[{}]], [{}])
        .map<BodyValue>((value) => ({ body: json(value), contentType: BATCH })),
    ),
    hostile(
      'ce:batch-duplicate-ids',
      good.map<BodyValue>((event) => ({
        body: json([event, { ...event, data: { ...(event.data as object), recordCount: 11 } }]),
        contentType: BATCH,
      })),
    ),
    hostile(
      'ce:batch-same-event-twice',
      good.map<BodyValue>((event) => ({ body: json([event, event]), contentType: BATCH })),
    ),
    hostile(
      'ce:batch-wrong-versions',
      fc.tuple(good, good).map<BodyValue>(([first, second]) => ({
        body: json([
          { ...first, expectedversion: 'no_stream' },
          { ...second, expectedversion: 'no_stream' },
        ]),
        contentType: BATCH,
      })),
    ),
  );
  const binary = fc.oneof(
    bad.map((event) =>
      part<BodyValue>(
        {
          body: json((event.value as CloudEvent).data ?? {}),
          headers: binaryHeaders(event.value),
          contentType: 'application/json',
        },
        'ce:binary',
        ...event.labels,
      ),
    ),
    fc
      .tuple(good, fc.constantFrom('ce-id', 'ce-type', 'ce-specversion', 'ce-source', 'ce-subject'))
      .map(([event, name]) => {
        const headers = binaryHeaders(event);
        headers[name] = [headers[name] as string, name === 'ce-type' ? 'DatasetRegistered' : 'other'];
        return part<BodyValue>(
          { body: json(event.data), headers, contentType: 'application/json' },
          `ce:binary-duplicated-${name}`,
        );
      }),
    fc.tuple(good, fc.constantFrom('ce-id', 'ce-type', 'ce-subject', 'ce-source')).map(([event, name]) => {
      const headers = binaryHeaders(event);
      headers[name.toUpperCase()] = 'shadow';
      return part<BodyValue>(
        { body: json(event.data), headers, contentType: 'application/json' },
        `ce:binary-case-duplicated-${name}`,
      );
    }),
    fc
      .tuple(
        good,
        fc.constantFrom('ce-id', 'ce-type', 'ce-subject', 'ce-source', 'ce-time', 'ce-expectedversion'),
        fc.constantFrom(
          '%',
          '%zz',
          '%E0%A4',
          '%00',
          '%0D%0A',
          '%ED%A0%80',
          '%C0%80',
          'a'.repeat(8000),
          asHeaderBytes('令牌'),
        ),
      )
      .map(([event, name, value]) => {
        const headers = binaryHeaders(event);
        headers[name] = value;
        return part<BodyValue>(
          { body: json(event.data), headers, contentType: 'application/json' },
          `ce:binary-encoding-${name}`,
        );
      }),
    fc
      .tuple(good, fc.constantFrom('ce-specversion', 'ce-id', 'ce-type', 'ce-source'))
      .map(([event, name]) => {
        const headers = binaryHeaders(event);
        delete headers[name];
        return part<BodyValue>(
          { body: json(event.data), headers, contentType: 'application/json' },
          `ce:binary-missing-${name}`,
        );
      }),
    fc
      .tuple(good, fc.constantFrom('ce-data', 'ce-datacontenttype', 'ce-foo', 'ce-', 'ce-data_base64'))
      .map(([event, name]) => {
        const headers = binaryHeaders(event);
        headers[name] = 'x';
        return part<BodyValue>(
          { body: json(event.data), headers, contentType: 'application/json' },
          `ce:binary-unknown-${name}`,
        );
      }),
    fc
      .tuple(
        good,
        fc.constantFrom<string | null>(
          null,
          'text/plain',
          'application/octet-stream',
          'application/xml',
          BATCH,
        ),
      )
      .map(([event, contentType]) =>
        part<BodyValue>(
          { body: json(event.data), headers: binaryHeaders(event), contentType },
          `ce:binary-content-type`,
        ),
      ),
    good.chain((event) =>
      malformedJson(event.data).map((malformed) =>
        part<BodyValue>(
          { ...malformed.value, headers: binaryHeaders(event), contentType: 'application/json' },
          'ce:binary',
          ...malformed.labels,
        ),
      ),
    ),
  );
  const contentTypes = good.chain((event) =>
    fc
      .constantFrom<string | null>(
        null,
        'application/json',
        'text/plain',
        `${STRUCTURED}; charset=utf-16`,
        'application/cloudevents',
        'application/cloudevents+xml',
        STRUCTURED.toUpperCase(),
      )
      .map((contentType) => part<BodyValue>({ body: json(event), contentType }, 'ce:content-type')),
  );
  const malformed = fc.oneof(
    good.chain((event) =>
      malformedJson(event).map((one) =>
        part<BodyValue>({ ...one.value, contentType: STRUCTURED }, 'ce:structured', ...one.labels),
      ),
    ),
    good.chain((event) =>
      malformedJson([event]).map((one) =>
        part<BodyValue>({ ...one.value, contentType: BATCH }, 'ce:batch', ...one.labels),
      ),
    ),
  );
  const huge = good.chain((event) =>
    fc.constantFrom(1024 * 1024 - 400, 1024 * 1024 + 10).map((size) => {
      const padded = {
        ...event,
        data: {
          ...(event.data as object),
          fields: ['x'.repeat(Math.max(size - JSON.stringify(event).length, 0))],
        },
      };
      return part<BodyValue>(
        { body: json(padded), contentType: STRUCTURED },
        size > 1024 * 1024 ? 'huge:over-limit' : 'huge:under-limit',
      );
    }),
  );
  return fc.oneof(
    { weight: 5, arbitrary: structured },
    { weight: 2, arbitrary: duplicateKeys },
    { weight: 3, arbitrary: mixedBatch },
    { weight: 2, arbitrary: batchShapes },
    { weight: 5, arbitrary: binary },
    { weight: 1, arbitrary: contentTypes },
    { weight: 3, arbitrary: malformed },
    { weight: 1, arbitrary: huge },
  );
}
