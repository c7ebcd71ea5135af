import { EVENT_CATALOGUE, EventType } from './event-catalogue';
import { UnknownSchemaVersionError, upcast } from './upcasters';

const ALL_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

describe('upcasting stored event data', () => {
  it.each(ALL_TYPES)('returns %s data at the current version unchanged', (type) => {
    const data = { datasetId: 'x', nested: { list: [1, 'two'] } };
    expect(upcast(type, EVENT_CATALOGUE[type].schemaVersion, data)).toBe(data);
    expect(data).toEqual({ datasetId: 'x', nested: { list: [1, 'two'] } });
  });

  it.each(ALL_TYPES)('refuses %s data from a version newer than the current one', (type) => {
    const future = EVENT_CATALOGUE[type].schemaVersion + 1;
    expect(() => upcast(type, future, {})).toThrow(UnknownSchemaVersionError);
    expect(() => upcast(type, future, {})).toThrow(
      `no upcaster brings ${type} v${future} to the current version`,
    );
  });

  it('names the type and the version it could not bring up to date', () => {
    let refusal: unknown;
    try {
      upcast('DataAccessed', 7, {});
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ type: 'DataAccessed', schemaVersion: 7 });
  });

  it('refuses a version below the first, for which no upcaster exists', () => {
    expect(() => upcast('DataAccessed', 0, {})).toThrow(UnknownSchemaVersionError);
  });
});
