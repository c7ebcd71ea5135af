import {
  describeEventType,
  EVENT_CATALOGUE,
  EventType,
  isKnownEventType,
  PUBLISHABLE_EVENT_TYPES,
  publishedStreamOf,
} from './event-catalogue';
import { isValidStreamId, STREAM_CATEGORIES } from './stream-ids';

const ALL_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];
const publishable = ALL_TYPES.filter((type) => describeEventType(type).publishable);
const administrative = ALL_TYPES.filter((type) => describeEventType(type).administrative);

describe('the event catalogue', () => {
  it('lists at least one publishable and one administrative type', () => {
    expect(publishable.length).toBeGreaterThan(0);
    expect(administrative.length).toBeGreaterThan(0);
  });

  const keyedPublishable = publishable.filter((type) => describeEventType(type).streamKey !== undefined);
  const subjectPublishable = publishable.filter((type) => describeEventType(type).streamKey === undefined);

  it.each(subjectPublishable)(
    'publishable type %s takes its stream from the publisher (subject): no stream from data',
    (type) => {
      expect(publishedStreamOf(type, { datasetId: 'x' })).toBeUndefined();
    },
  );

  describe.each(keyedPublishable)('publishable type %s with a stream key', (type) => {
    const description = describeEventType(type);

    it('names a streamKey that its data schema requires', () => {
      expect(description.streamKey).toEqual(expect.any(String));
      expect(description.dataSchema.required).toContain(description.streamKey);
    });

    it('is recorded in the stream <category>-<data[streamKey]>', () => {
      const data = { [description.streamKey as string]: 'ds-42' };
      expect(publishedStreamOf(type, data)).toBe(`${description.streamCategory}-ds-42`);
      expect(isValidStreamId(publishedStreamOf(type, data))).toBe(true);
    });
  });

  it.each(administrative)('administrative type %s is never publishable', (type) => {
    expect(describeEventType(type).publishable).toBe(false);
    expect(PUBLISHABLE_EVENT_TYPES).not.toContain(type);
  });

  it('offers exactly the publishable types to publishers', () => {
    expect([...PUBLISHABLE_EVENT_TYPES].sort()).toEqual([...publishable].sort());
  });

  it.each(ALL_TYPES)('%s lives in a known stream category at schema version ≥ 1', (type) => {
    expect(Object.values(STREAM_CATEGORIES)).toContain(describeEventType(type).streamCategory);
    expect(describeEventType(type).schemaVersion).toBeGreaterThanOrEqual(1);
  });

  describe('the stream of a published event', () => {
    it('is usage-<datasetId> for DataAccessed', () => {
      expect(publishedStreamOf('DataAccessed', { datasetId: 'x' })).toBe('usage-x');
    });

    it.each(administrative)('is undefined for the administrative type %s', (type) => {
      expect(publishedStreamOf(type, { datasetId: 'x', name: 'x', keyId: 'x' })).toBeUndefined();
    });
  });

  describe('knowing an event type', () => {
    it.each(ALL_TYPES)('knows %s', (type) => {
      expect(isKnownEventType(type)).toBe(true);
    });

    it.each(['dataAccessed', 'DatasetOpened', '', 'toString', 'constructor', '__proto__'])(
      'does not know %j, not even when Object.prototype has a member of that name',
      (type) => {
        expect(isKnownEventType(type)).toBe(false);
      },
    );
  });
});
