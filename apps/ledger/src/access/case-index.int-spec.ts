import pino from 'pino';
import type { JsonObject } from '@ledger/events';
import { aNewEvent } from '../../../../test/builders/events';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { CaseIndex } from './case-index';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

const silent = pino({ level: 'silent' });

/**
 * The case index on the backend LEDGER_TEST_BACKEND names: which case streams a body or a data user may
 * read, folded from the journal into the database and read there by the journal's scoped reads.
 */
describe(`the case index on ${testBackend()}`, () => {
  let journal: TestJournal;

  beforeEach(async () => {
    journal = await openTestJournal();
  });

  afterEach(async () => {
    await journal.dispose();
  });

  const record = (streamId: string, type: string, data: JsonObject) =>
    journal.store.append(streamId, [aNewEvent({ type, data })]);

  /** Body city-bureau's dataset ds-1 with a correction, an application by data user u1, and its grant. */
  async function givenCasesOnADataset(): Promise<void> {
    await record('dataset-ds-1', 'DatasetRegistered', { organizationId: 'city-bureau', title: 'Bus stops' });
    await record('dataset-ds-2', 'DatasetRegistered', { organizationId: 'other-bureau', title: 'Parks' });
    await record('correction-c1', 'CorrectionRequested', { datasetId: 'ds-1' });
    await record('application-a1', 'ApplicationSubmitted', { datasetId: 'ds-1', applicantPrincipal: 'u1' });
    await record('grant-g1', 'AccessGranted', { datasetId: 'ds-1', grantee: 'u1' });
    await record('correction-c2', 'CorrectionRequested', { datasetId: 'ds-2' });
  }

  const newIndex = () => new CaseIndex(journal, journal.store, silent);

  it('given cases on a body’s dataset, when asked, then the body reads them and no other body does', async () => {
    await givenCasesOnADataset();
    const index = newIndex();

    const cityReads = { organizationId: 'city-bureau' };
    for (const streamId of ['correction-c1', 'application-a1', 'grant-g1', 'usage-ds-1', 'detection-ds-1']) {
      expect(await index.isReadableBy(streamId, cityReads)).toBe(true);
    }
    expect(await index.isReadableBy('correction-c2', cityReads)).toBe(false);
    expect(await index.isReadableBy('correction-c1', { organizationId: 'other-bureau' })).toBe(false);
  });

  it('given an application and its grant, when asked, then their data user reads them and another does not', async () => {
    await givenCasesOnADataset();
    const index = newIndex();

    expect(await index.isReadableBy('application-a1', { principalId: 'u1' })).toBe(true);
    expect(await index.isReadableBy('grant-g1', { principalId: 'u1' })).toBe(true);
    expect(await index.isReadableBy('correction-c1', { principalId: 'u1' })).toBe(false);
    expect(await index.isReadableBy('application-a1', { principalId: 'u2' })).toBe(false);
    expect(await index.isReadableBy('application-a1', {})).toBe(false);
  });

  it('given a case filed after the index caught up, when asked, then it is readable at once', async () => {
    await givenCasesOnADataset();
    const index = newIndex();
    await index.catchUp();

    await record('objection-o1', 'ObjectionFiled', { datasetId: 'ds-1' });

    expect(await index.isReadableBy('objection-o1', { organizationId: 'city-bureau' })).toBe(true);
  });

  it('given the index covers the head, when the journal is read with a body’s scope, then it holds that body’s cases only', async () => {
    await givenCasesOnADataset();
    await record('usage-ds-2', 'DataAccessed', { datasetId: 'ds-2' });
    await record('usage-ds-1', 'DataAccessed', { datasetId: 'ds-1' });
    const index = newIndex();
    await index.coverThrough(await journal.store.head());

    const entries = await journal.store.readAll({
      fromPosition: 0,
      limit: 100,
      scope: { categories: ['dataset'], streamIds: [], casesReadableBy: { organizationId: 'city-bureau' } },
    });

    expect(entries.map((entry) => entry.streamId)).toEqual([
      'dataset-ds-1',
      'dataset-ds-2',
      'correction-c1',
      'application-a1',
      'grant-g1',
      'usage-ds-1',
    ]);
  });

  it('given a data user’s scope, when the journal is read, then it holds its own application and grant', async () => {
    await givenCasesOnADataset();
    const index = newIndex();
    await index.coverThrough(await journal.store.head());

    const entries = await journal.store.readAll({
      fromPosition: 0,
      limit: 100,
      scope: { categories: [], streamIds: ['principal-u1'], casesReadableBy: { principalId: 'u1' } },
    });

    expect(entries.map((entry) => entry.streamId)).toEqual(['application-a1', 'grant-g1']);
  });

  it('given two instances folding the same journal at once, when both finish, then each case has one row and the shared position is the head', async () => {
    await givenCasesOnADataset();

    await Promise.all([newIndex().catchUp(), newIndex().catchUp()]);

    const rows = await journal.database.query<{ stream_id: string }>(
      'SELECT stream_id FROM ledger_views.case_readers ORDER BY stream_id',
    );
    expect(rows.map((row) => row.stream_id)).toEqual([
      'application-a1',
      'correction-c1',
      'correction-c2',
      'detection-ds-1',
      'detection-ds-2',
      'grant-g1',
      'usage-ds-1',
      'usage-ds-2',
    ]);
    const [position] = await journal.database.query<{ applied_through: string }>(
      'SELECT applied_through FROM ledger_views.case_readers_position',
    );
    expect(Number(position.applied_through)).toBe(await journal.store.head());
  });

  it('given an instance that folded the journal, when another starts, then it starts from their shared position, not from the beginning', async () => {
    await givenCasesOnADataset();
    await newIndex().catchUp();
    // Rows the fold would write again if it began at position 0: gone, and not written back.
    await journal.database.query(`DELETE FROM ledger_views.case_readers WHERE stream_id = 'correction-c2'`);
    await record('objection-o1', 'ObjectionFiled', { datasetId: 'ds-2' });

    const later = newIndex();
    await later.catchUp();

    expect(await later.isReadableBy('objection-o1', { organizationId: 'other-bureau' })).toBe(true);
    expect(await later.isReadableBy('correction-c2', { organizationId: 'other-bureau' })).toBe(false);
  });
});
