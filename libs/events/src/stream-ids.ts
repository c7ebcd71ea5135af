/**
 * Stream ids are `<category>-<id>`: the category names the aggregate (`dataset`, `principal`, `usage`…),
 * the id is the aggregate's id. Ids are kept to characters that need no escaping in a URL path segment.
 */
export const AGGREGATE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$/;
export const STREAM_ID_PATTERN = /^[a-z][a-z_]{1,31}-[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$/;

export const STREAM_CATEGORIES = {
  organization: 'organization',
  principal: 'principal',
  dataset: 'dataset',
  usage: 'usage',
  audit: 'audit',
  correction: 'correction',
  objection: 'objection',
  rulebook: 'rulebook',
  erasure: 'erasure',
  deadline: 'deadline',
  application: 'application',
  grant: 'grant',
  detection: 'detection',
  violation: 'violation',
  disclosure: 'disclosure',
} as const;

export function streamIdOf(category: string, aggregateId: string): string {
  return `${category}-${aggregateId}`;
}

/** The category of a stream id (`dataset-42` → `dataset`), or undefined when it has none. */
export function categoryOf(streamId: string): string | undefined {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : undefined;
}

/** The aggregate id inside a stream id (`dataset-42` → `42`). */
export function aggregateIdOf(streamId: string): string {
  return streamId.slice(streamId.indexOf('-') + 1);
}

export function isValidStreamId(value: unknown): value is string {
  return typeof value === 'string' && STREAM_ID_PATTERN.test(value);
}
