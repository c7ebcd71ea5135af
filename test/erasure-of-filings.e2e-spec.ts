import { createHash } from 'node:crypto';
import { JOURNAL } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { columnsHolding } from './support/database-scan';
import { leafHashOf } from './support/leaf-hash';
import { LedgerUnderTest } from './support/ledger-under-test';

/**
 * The erasure, end to end: a person files with contact details, a platform admin erases
 * them, and then no table holds the contact or the name, while every entry of the journal still
 * hashes to the leaf hash it was recorded with.
 */
describe('erasing a filer’s personal data', () => {
  let ledger: LedgerUnderTest;
  let officer: { token: string };
  const contact = 'li.ming@example.cn';
  const name = '李明';
  const evidence = 'my home address, 18 Wulumuqi Road, is in row 4411';

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    officer = await ledger.principal('body_officer', { organizationId: 'planning-bureau' });
    await ledger.post(
      '/v1/datasets',
      {
        id: 'building-permits',
        title: 'Building permits',
        organizationId: 'planning-bureau',
        classification: 'unconditional',
        classificationBasis: 'public administrative decisions',
        fields: ['permit', 'address', 'applicant'],
        updateFrequency: 'weekly',
      },
      { token: officer.token },
    );
    await ledger.post(
      '/v1/datasets/building-permits/releases',
      {
        version: 1,
        checksum: createHash('sha256').update('v1').digest('hex'),
        recordCount: 5000,
        format: 'csv',
      },
      { token: officer.token },
    );
  });

  afterAll(async () => {
    await ledger.stop();
  });

  const scanned = () => {
    const journal = ledger.app.get<Journal>(JOURNAL);
    return { database: journal.database, ownerUrl: ledger.database.ownerUrl };
  };

  it('files, erases, and leaves the contact in no table and every leaf hash intact', async () => {
    // Given a correction and an objection filed by the same person, anonymously.
    const correction = await ledger.post(
      '/v1/corrections',
      {
        datasetId: 'building-permits',
        datasetVersion: 1,
        description: 'row 4411 is my home',
        evidence,
        reporter: { name, contact },
      },
      { token: null },
    );
    const objection = await ledger.post(
      '/v1/objections',
      {
        datasetId: 'building-permits',
        ground: 'privacy',
        description: 'my address is published',
        objector: { name, contact: ` ${contact.toUpperCase()} ` },
      },
      { token: null },
    );
    expect([correction.status, objection.status]).toEqual([201, 201]);
    // The scan can see what it looks for: before the erasure the key table knows the person.
    expect(await columnsHolding(scanned(), [contact, name])).toEqual([]);
    const subjects = await ledger.get(`/v1/streams/correction-${correction.body.id}/events`);
    const subject = subjects.body.events[0].data.reporter.subject as string;
    expect(await columnsHolding(scanned(), [subject])).toEqual(
      expect.arrayContaining(['ledger.events.entry', 'ledger.personal_data_keys.subject']),
    );

    // When a platform admin erases the person by contact.
    const erased = await ledger.post('/v1/erasures', { contact, reason: 'the filer asked to be forgotten' });

    // Then one key went, the erasure is recorded, and nothing holds the contact, the name or the evidence.
    expect([erased.status, erased.body.erased]).toEqual([201, 1]);
    expect(await columnsHolding(scanned(), [subject])).toEqual(['ledger.events.entry']);
    expect(await columnsHolding(scanned(), [contact, name, evidence, 'Wulumuqi'])).toEqual([]);

    // And every entry of the journal still hashes to its recorded leaf hash.
    const head = await ledger.head();
    for (let position = 0; position <= head; position++) {
      const { body } = await ledger.get(`/v1/log/entries/${position}`);
      expect(leafHashOf(body.entry)).toBe(body.leafHash);
    }
    const journal = await ledger.get('/v1/events?from=0&limit=1000');
    expect(journal.body.events.map((e: { type: string }) => e.type)).toContain('PersonalDataErased');

    // And the public receipt still answers, without personal data.
    const receipt = await ledger.get(`/v1/public/filings/${correction.body.receipt}`, { token: null });
    expect(receipt.status).toBe(200);
  });
});
