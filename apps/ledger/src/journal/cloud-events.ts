import type { IncomingHttpHeaders } from 'node:http';
import type { ExpectedVersion } from '@ledger/store';
import type { FieldError } from '@ledger/runtime';
import { Problem } from '../http/problem';

/** A CloudEvent as the ledger reads it, in any of the three HTTP modes (CloudEvents 1.0 HTTP binding). */
export interface ReceivedCloudEvent {
  id: string;
  source: string;
  type: string;
  subject?: string;
  /** `YYYY-MM-DDTHH:mm:ss.sssZ`, normalised from the RFC 3339 `time`. */
  time?: string;
  expectedVersion: ExpectedVersion;
  data: unknown;
}

export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';
export const MAX_BATCH_EVENTS = 1000;

const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;
/** Context attributes this ledger reads. `dataschema` and the distributed-tracing extension are accepted and not kept. */
const KNOWN = new Set([
  ...REQUIRED,
  'subject',
  'time',
  'datacontenttype',
  'dataschema',
  'data',
  'expectedversion',
  'traceparent',
  'tracestate',
]);
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
/** `YYYY-MM-DDTHH:mm:ss.sssZ`, what normalisedTime returns. */
const NORMALISED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const URI_REFERENCE = /^[^\s\p{Cc}]{1,500}$/u;
/** CloudEvents 1.0, "Type System": a String holds no U+0000–U+001F or U+007F–U+009F. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Reads the events of a POST /v1/events request: structured, batch or binary, by its Content-Type and headers. */
export function readCloudEvents(
  contentType: string | undefined,
  headers: IncomingHttpHeaders,
  rawHeaders: string[],
  body: unknown,
): ReceivedCloudEvent[] {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === STRUCTURED) return [fromStructured(body, '')];
  if (mediaType === BATCH) {
    if (!Array.isArray(body))
      throw Problem.badRequest('InvalidBatch', 'a batch is a JSON array of CloudEvents');
    if (body.length === 0 || body.length > MAX_BATCH_EVENTS) {
      throw Problem.badRequest(
        'InvalidBatch',
        `a batch holds 1 to ${MAX_BATCH_EVENTS} events, this one ${body.length}`,
      );
    }
    const events = body.map((event, index) => fromStructured(event, `/${index}`));
    const ids = new Set<string>();
    events.forEach((event, index) => {
      if (ids.has(event.id)) {
        throw Problem.badRequest(
          'DuplicateEventId',
          `event ${index} repeats the id ${event.id} of an earlier event in the batch`,
        );
      }
      ids.add(event.id);
    });
    return events;
  }
  if (headers['ce-specversion'] !== undefined) return [fromBinary(headers, rawHeaders, body)];
  throw new Problem(
    415,
    'UnsupportedMediaType',
    `send CloudEvents as ${STRUCTURED} (structured), ${BATCH} (batch), or with ce-* headers and an application/json body (binary)`,
  );
}

function fromStructured(event: unknown, path: string): ReceivedCloudEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw Problem.badRequest('InvalidCloudEvent', `${path || 'the body'} must be a CloudEvent object`);
  }
  const attributes = event as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const name of Object.keys(attributes)) {
    if (!KNOWN.has(name))
      errors.push({ field: `${path}/${name}`, message: 'is not an attribute this ledger accepts' });
  }
  if ('data_base64' in attributes) {
    errors.push({
      field: `${path}/data_base64`,
      message: 'binary data is not accepted; send data as a JSON object',
    });
  }
  const received = readAttributes(attributes, path, errors);
  if (!('data' in attributes)) errors.push({ field: `${path}/data`, message: 'is required' });
  if (attributes.datacontenttype !== undefined && !isJsonMediaType(attributes.datacontenttype)) {
    errors.push({ field: `${path}/datacontenttype`, message: 'must be application/json' });
  }
  if (errors.length > 0)
    throw Problem.badRequest('InvalidCloudEvent', 'the CloudEvent is not acceptable', errors);
  return { ...received, data: attributes.data };
}

function fromBinary(headers: IncomingHttpHeaders, rawHeaders: string[], body: unknown): ReceivedCloudEvent {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const attributes: Record<string, unknown> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!name.startsWith('ce-')) continue;
    const attribute = name.slice(3);
    if (seen.has(attribute)) {
      errors.push({ field: name, message: 'is sent more than once' });
      continue;
    }
    seen.add(attribute);
    if (!KNOWN.has(attribute) || attribute === 'data' || attribute === 'datacontenttype') {
      errors.push({ field: name, message: 'is not an attribute this ledger accepts' });
      continue;
    }
    try {
      attributes[attribute] = decodeURIComponent(String(headers[name]));
    } catch {
      errors.push({ field: name, message: 'is not correctly percent-encoded' });
    }
  }
  const received = readAttributes(attributes, '', errors, 'ce-');
  if (errors.length > 0)
    throw Problem.badRequest('InvalidCloudEvent', 'the CloudEvent headers are not acceptable', errors);
  return { ...received, data: body };
}

function readAttributes(
  attributes: Record<string, unknown>,
  path: string,
  errors: FieldError[],
  prefix = '',
): Omit<ReceivedCloudEvent, 'data'> {
  const field = (name: string) => (prefix ? `${prefix}${name}` : `${path}/${name}`);
  for (const name of REQUIRED) {
    if (attributes[name] === undefined) errors.push({ field: field(name), message: 'is required' });
  }
  if (attributes.specversion !== undefined && attributes.specversion !== '1.0') {
    errors.push({ field: field('specversion'), message: 'must be "1.0"' });
  }
  const text = (name: string, max: number): string | undefined => {
    const value = attributes[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      errors.push({ field: field(name), message: `must be a string of 1 to ${max} characters` });
      return undefined;
    }
    // A CloudEvents String holds no control characters: an id of "a\r\nb" (ce-id: a%0D%0Ab) was recorded.
    if (CONTROL_CHARACTER.test(value)) {
      errors.push({ field: field(name), message: 'must not hold control characters' });
      return undefined;
    }
    return value;
  };
  const id = text('id', 200);
  const type = text('type', 100);
  const source = text('source', 500);
  if (source !== undefined && !URI_REFERENCE.test(source)) {
    errors.push({
      field: field('source'),
      message: 'must be a URI reference (no spaces or control characters)',
    });
  }
  const subject = text('subject', 200);
  const rawTime = text('time', 40);
  const time = rawTime === undefined ? undefined : normalisedTime(rawTime);
  if (rawTime !== undefined && time === undefined) {
    errors.push({
      field: field('time'),
      message: 'must be an RFC 3339 timestamp, e.g. 2026-11-29T08:00:00Z',
    });
  }
  text('dataschema', 500);
  const expectedVersion = readExpectedVersion(attributes.expectedversion);
  if (expectedVersion === undefined) {
    errors.push({
      field: field('expectedversion'),
      message: 'must be a stream version (an integer ≥ 0), no_stream, stream_exists or any',
    });
  }
  return {
    id: id ?? '',
    type: type ?? '',
    source: source ?? '',
    ...(subject !== undefined && { subject }),
    ...(time !== undefined && { time }),
    expectedVersion: expectedVersion ?? 'any',
  };
}

function readExpectedVersion(value: unknown): ExpectedVersion | undefined {
  if (value === undefined) return 'any';
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return value;
  const version = typeof value === 'string' && /^(0|[1-9]\d{0,14})$/.test(value) ? Number(value) : value;
  return typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 ? version : undefined;
}

/** RFC 3339 to `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC, milliseconds), or undefined if it is not a real instant. */
export function normalisedTime(value: string): string | undefined {
  // Most publishers already send the normalised form: a real instant in it prints as itself.
  if (NORMALISED_TIME.test(value)) {
    const milliseconds = Date.parse(value);
    if (!Number.isNaN(milliseconds) && new Date(milliseconds).toISOString() === value) return value;
  }
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  // setUTCFullYear, unlike Date.UTC, takes years 0–99 literally (Date.UTC maps them to 1900–1999).
  const lastOfMonth = new Date(0);
  lastOfMonth.setUTCFullYear(year, month, 0);
  const daysInMonth = lastOfMonth.getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const milliseconds = Date.parse(value.toUpperCase());
  return Number.isNaN(milliseconds) ? undefined : new Date(milliseconds).toISOString();
}

function isJsonMediaType(value: unknown): boolean {
  return typeof value === 'string' && value.split(';')[0].trim().toLowerCase() === 'application/json';
}
