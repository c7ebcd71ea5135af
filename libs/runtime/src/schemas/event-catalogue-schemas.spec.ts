import Ajv from 'ajv';
import { EVENT_CATALOGUE, EventType } from '@ledger/events';

/**
 * Lives here rather than beside the catalogue: libs/events may not import a validator (eslint.config.mjs),
 * and this library is where the schemas are compiled (event-data-validator.ts).
 */
describe('the event catalogue’s data schemas', () => {
  it.each(Object.keys(EVENT_CATALOGUE) as EventType[])('compile for %s under Ajv strict mode', (type) => {
    const ajv = new Ajv({ strict: true });
    expect(() => ajv.compile(EVENT_CATALOGUE[type].dataSchema)).not.toThrow();
  });

  it('accept a well-formed DataAccessed and refuse an unknown member', () => {
    const validate = new Ajv({ strict: true }).compile(EVENT_CATALOGUE.DataAccessed.dataSchema);
    const data = { datasetId: 'x', principal: 'p-1', channel: 'download', recordCount: 3 };
    expect(validate(data)).toBe(true);
    expect(validate({ ...data, extra: 1 })).toBe(false);
  });
});
