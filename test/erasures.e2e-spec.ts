import { PersonalDataVault } from '@ledger/runtime';
import { LedgerUnderTest } from './support/ledger-under-test';

const REASON = 'request of the data subject, ticket 2026-118';

/**
 * POST /v1/erasures (http-api.md, "Commands"; architecture.md §6): a platform admin erases a
 * person's keys, and the journal records PersonalDataErased without the contact. The filings that
 * seal personal data arrive with their own endpoints; here the keys are made through the vault the
 * running ledger uses, as those endpoints will.
 */
describe('erasing personal data', () => {
  let ledger: LedgerUnderTest;
  let vault: PersonalDataVault;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    vault = ledger.app.get(PersonalDataVault);
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('erases every key of a contact as filed, answers 201 with the recorded event and the count, and records no contact', async () => {
    const contact = 'Wang.Wu@Example.cn';
    const reporter = await vault.seal({ contact }, { name: '王五', contact });
    const evidence = await vault.seal({ contact, principalId: 'citizen-1' }, { evidence: 'scan' });
    const bystander = await vault.seal({ contact: 'zhao.liu@example.cn' }, { name: '赵六' });
    expect(evidence.subject).toBe(reporter.subject);

    const answer = await ledger.post('/v1/erasures', { contact: ' wang.wu@example.CN', reason: REASON });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.any(String),
      streamId: `erasure-${answer.body.id}`,
      streamVersion: 0,
      events: [
        {
          id: expect.any(String),
          type: 'PersonalDataErased',
          streamId: `erasure-${answer.body.id}`,
          streamVersion: 0,
          globalPosition: expect.any(Number),
        },
      ],
      erased: 1,
    });
    expect(answer.headers.get('etag')).toBe('"0"');
    expect(await vault.openMany([reporter, evidence, bystander])).toEqual([
      undefined,
      undefined,
      { name: '赵六' },
    ]);

    const stream = await ledger.get(`/v1/streams/erasure-${answer.body.id}/events`);
    expect(stream.status).toBe(200);
    expect(
      stream.body.events.map((entry: { type: string; data: unknown }) => [entry.type, entry.data]),
    ).toEqual([['PersonalDataErased', { subjects: [reporter.subject], reason: REASON }]]);
    const journal = await ledger.get('/v1/events?from=0&limit=1000');
    expect(journal.text.toLowerCase()).not.toContain('wang.wu');
  });

  it('erases by principal every key the principal filed under, and records the principal', async () => {
    const own = await vault.seal({ principalId: 'citizen-2' }, { evidence: 'a' });
    const withContact = await vault.seal(
      { principalId: 'citizen-2', contact: '138 0013 8000' },
      { name: '孙七' },
    );

    const answer = await ledger.post('/v1/erasures', { principalId: 'citizen-2', reason: REASON });

    expect([answer.status, answer.body.erased]).toEqual([201, 2]);
    expect(await vault.openMany([own, withContact])).toEqual([undefined, undefined]);
    const stream = await ledger.get(`/v1/streams/${answer.body.streamId}/events`);
    expect(stream.body.events[0].data).toEqual({
      subjects: [own.subject, withContact.subject].sort(),
      principalId: 'citizen-2',
      reason: REASON,
    });
  });

  it('answers 404 NoPersonalDataFound and writes nothing when nothing matches, as for a repeated erasure', async () => {
    await vault.seal({ contact: 'once@example.cn' }, { name: 'once' });
    expect((await ledger.post('/v1/erasures', { contact: 'once@example.cn', reason: REASON })).status).toBe(
      201,
    );
    const head = await ledger.head();

    for (const body of [
      { contact: 'once@example.cn', reason: REASON },
      { contact: 'never@example.cn', reason: REASON },
      { principalId: 'nobody', reason: REASON },
    ]) {
      const answer = await ledger.post('/v1/erasures', body);

      expect([answer.status, answer.body.code]).toEqual([404, 'NoPersonalDataFound']);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(await ledger.head()).toBe(head);
  });

  describe('refuses, erasing and writing nothing,', () => {
    const contact = 'kept@example.cn';
    let sealed: Awaited<ReturnType<PersonalDataVault['seal']>>;

    beforeAll(async () => {
      sealed = await vault.seal({ contact }, { name: 'kept' });
    });

    afterEach(async () => {
      expect(await vault.open(sealed)).toEqual({ name: 'kept' });
    });

    it('a request without a key (401)', async () => {
      const head = await ledger.head();

      const answer = await ledger.post('/v1/erasures', { contact, reason: REASON }, { token: null });

      expect(answer.status).toBe(401);
      expect(await ledger.head()).toBe(head);
    });

    it.each(['supervisor', 'compliance_officer', 'data_user'])('a %s (403)', async (role) => {
      const caller = await ledger.principal(role);
      const head = await ledger.head();

      const answer = await ledger.post('/v1/erasures', { contact, reason: REASON }, { token: caller.token });

      expect([answer.status, answer.body.code]).toEqual([403, 'Forbidden']);
      expect(await ledger.head()).toBe(head);
    });

    it.each([
      ['neither contact nor principal', { reason: REASON }, '/contact'],
      ['no reason', { contact }, '/reason'],
      ['a blank reason', { contact, reason: '  ' }, '/reason'],
      ['a blank contact', { contact: ' ', reason: REASON }, '/contact'],
      ['a null contact', { contact: null, reason: REASON }, '/contact'],
      ['a contact that is not a string', { contact: 13800138000, reason: REASON }, '/contact'],
      ['a principal id that is not an id', { principalId: 'a b', reason: REASON }, '/principalId'],
      ['an unknown field', { contact, reason: REASON, name: 'kept' }, '/name'],
      ['a reason naming the contact', { contact, reason: `asked by KEPT@example.cn` }, '/reason'],
    ])('a body with %s (400)', async (_, body, field) => {
      const head = await ledger.head();

      const answer = await ledger.post('/v1/erasures', body);

      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(JSON.stringify(answer.body)).not.toContain('kept@');
      expect(await ledger.head()).toBe(head);
    });
  });
});
