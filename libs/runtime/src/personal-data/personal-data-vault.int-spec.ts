import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject, SealedPersonalDataV1 } from '@ledger/events';
import { EventIdConflictError, NewEvent, SqlQueryable } from '@ledger/store';
import { aNewEvent } from '../../../../test/builders/events';
import { columnsHolding } from '../../../../test/support/database-scan';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { normaliseContact } from './contact';
import { fingerprintMaterial } from './fingerprint';
import { MasterKeyMismatchError } from './personal-data.errors';
import { PersonalDataVault } from './personal-data-vault';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

const CONTACT = 'Zhang.San@Example.cn';
const NAME = '张三丰';
const details = (contact = CONTACT, name = NAME) => ({ name, contact });

/**
 * The personal-data vault on the backend LEDGER_TEST_BACKEND names (architecture.md §6): values
 * sealed per person, keys wrapped by the master key, found again by a keyed contact lookup, and
 * erased so that nothing in the database can give the person back.
 */
describe(`personal-data vault on ${testBackend()}`, () => {
  let journal: TestJournal;
  let masterKey: Buffer;
  let vault: PersonalDataVault;

  beforeEach(async () => {
    journal = await openTestJournal();
    masterKey = randomBytes(32);
    vault = await PersonalDataVault.open(journal.database, masterKey);
  });
  afterEach(() => journal.dispose());

  const keyRows = () =>
    journal.database.query<{ subject: string; principal_id: string | null }>(
      'SELECT subject, principal_id FROM ledger.personal_data_keys ORDER BY subject',
    );

  /** Records a correction whose reporter is sealed, as the filing endpoints will. */
  const recordCorrection = async (reporter: SealedPersonalDataV1, id = randomUUID()) => {
    const event = correctionEvent(id, reporter);
    await journal.store.append(`correction-${id}`, [event]);
    return event;
  };

  describe('sealing', () => {
    it('opens what it sealed, and holds only ciphertext in the envelope', async () => {
      const sealed = await vault.seal({ contact: CONTACT }, details());

      expect(await vault.open(sealed)).toEqual(details());
      expect(JSON.stringify(sealed)).not.toContain('Zhang');
      expect(JSON.stringify(sealed)).not.toContain(NAME);
    });

    it('gives the same person and plaintext the same subject and mac, under a new IV and ciphertext', async () => {
      const first = await vault.seal({ contact: CONTACT }, details());
      const second = await vault.seal({ contact: ' zhang.san@example.CN ' }, details());

      expect(second.subject).toBe(first.subject);
      expect(second.mac).toBe(first.mac);
      expect(second.iv).not.toBe(first.iv);
      expect(second.ciphertext).not.toBe(first.ciphertext);
      expect(await keyRows()).toHaveLength(1);
    });

    it('gives two contacts two subjects, and the same plaintext under each two macs', async () => {
      const plaintext = { evidence: 'photo of the register, page 3' };
      const zhang = await vault.seal({ contact: CONTACT }, plaintext);
      const li = await vault.seal({ contact: 'li.si@example.cn' }, plaintext);

      expect(li.subject).not.toBe(zhang.subject);
      expect(li.mac).not.toBe(zhang.mac);
      expect(await keyRows()).toHaveLength(2);
    });

    it('gives a logged-in principal without a contact one key of its own, and records the principal with a contact key', async () => {
      const own = await vault.seal({ principalId: 'citizen-7' }, { evidence: 'a' });
      const again = await vault.seal({ principalId: 'citizen-7' }, { evidence: 'b' });
      const withContact = await vault.seal({ principalId: 'citizen-7', contact: CONTACT }, details());

      expect(again.subject).toBe(own.subject);
      expect(withContact.subject).not.toBe(own.subject);
      expect(await keyRows()).toEqual(
        [
          { subject: own.subject, principal_id: 'citizen-7' },
          { subject: withContact.subject, principal_id: 'citizen-7' },
        ].sort((a, b) => (a.subject < b.subject ? -1 : 1)),
      );
    });

    it('gives a filing that names nobody a key of its own, shared by the values of that filing only', async () => {
      const filing = await vault.sealerFor({});
      const evidence = filing.seal({ evidence: 'a' });
      const description = filing.seal({ note: 'b' });
      const other = await vault.seal({}, { evidence: 'a' });

      expect(description.subject).toBe(evidence.subject);
      expect(other.subject).not.toBe(evidence.subject);
      expect(await vault.openMany([evidence, description, other])).toEqual([
        { evidence: 'a' },
        { note: 'b' },
        { evidence: 'a' },
      ]);
    });

    it('ends with one key when many first filings by one new contact race', async () => {
      const racers = testBackend() === 'postgres' ? 24 : 8;
      // Two vaults, as two ledger instances would be, sharing the database.
      const other = new PersonalDataVault(journal.database, masterKey);

      const sealed = await Promise.all(
        Array.from({ length: racers }, (_, i) =>
          (i % 2 === 0 ? vault : other).seal({ contact: 'race@example.cn' }, { n: i }),
        ),
      );

      expect(new Set(sealed.map((envelope) => envelope.subject)).size).toBe(1);
      expect(await keyRows()).toHaveLength(1);
      expect(await vault.openMany(sealed)).toEqual(sealed.map((_, i) => ({ n: i })));
    });

    it('ends with one key when many first filings by one principal without a contact race', async () => {
      const sealed = await Promise.all(
        Array.from({ length: 12 }, (_, i) => vault.seal({ principalId: 'citizen-9' }, { n: i })),
      );

      expect(new Set(sealed.map((envelope) => envelope.subject)).size).toBe(1);
      expect(await keyRows()).toHaveLength(1);
    });
  });

  describe('idempotent retries through the journal', () => {
    it('recognises the retry of a filing that sealed the same plaintext again as the same event', async () => {
      const id = randomUUID();
      const first = await recordCorrection(await vault.seal({ contact: CONTACT }, details()), id);
      const retry = correctionEvent(id, await vault.seal({ contact: CONTACT }, details()));

      expect(retry.data.reporter).not.toEqual(first.data.reporter);
      const answer = await journal.store.append(`correction-${id}`, [retry]);

      expect(answer.alreadyRecorded).toBe(true);
    });

    it('refuses the same id with another sealed plaintext as an id conflict', async () => {
      const id = randomUUID();
      await recordCorrection(await vault.seal({ contact: CONTACT }, details()), id);
      const other = correctionEvent(id, await vault.seal({ contact: CONTACT }, details(CONTACT, '李四')));

      await expect(journal.store.append(`correction-${id}`, [other])).rejects.toThrow(EventIdConflictError);
    });
  });

  describe('erasure', () => {
    it('leaves the envelope in the journal unopenable, deletes the key row, and leaves neither contact nor name anywhere in the database', async () => {
      const sealer = await vault.sealerFor({ contact: CONTACT });
      const reporter = sealer.seal(details());
      const evidence = sealer.seal({ evidence: `${NAME} lives at the address in row 17` });
      const bystander = await vault.seal(
        { contact: 'li.si@example.cn' },
        details('li.si@example.cn', '李四'),
      );
      await recordCorrection(reporter);
      await recordCorrection(bystander);
      const subject = reporter.subject;
      // The scan can see: the subject is in the key table and in the journal's entries.
      expect(
        await columnsHolding({ database: journal.database, ownerUrl: journal.testDatabase.ownerUrl }, [
          subject,
        ]),
      ).toEqual(['ledger.events.entry', 'ledger.personal_data_keys.subject']);
      expect(
        await columnsHolding(
          { database: journal.database, ownerUrl: journal.testDatabase.ownerUrl },
          sensitiveNeedles(),
        ),
      ).toEqual([]);

      const erased = await vault.eraseByContact('zhang.san@example.cn');

      expect(erased).toEqual([subject]);
      expect(await vault.openMany([reporter, evidence, bystander])).toEqual([
        undefined,
        undefined,
        details('li.si@example.cn', '李四'),
      ]);
      expect((await keyRows()).map((row) => row.subject)).toEqual([bystander.subject]);
      expect(
        await columnsHolding({ database: journal.database, ownerUrl: journal.testDatabase.ownerUrl }, [
          subject,
        ]),
      ).toEqual(['ledger.events.entry']);
      expect(
        await columnsHolding(
          { database: journal.database, ownerUrl: journal.testDatabase.ownerUrl },
          sensitiveNeedles(),
        ),
      ).toEqual([]);
    });

    it('erases by principal every key the principal filed under, with or without a contact', async () => {
      const own = await vault.seal({ principalId: 'citizen-7' }, { evidence: 'a' });
      const withContact = await vault.seal({ principalId: 'citizen-7', contact: CONTACT }, details());
      const someoneElse = await vault.seal({ principalId: 'citizen-8' }, { evidence: 'c' });

      const erased = await vault.eraseByPrincipal('citizen-7');

      expect(erased).toEqual([own.subject, withContact.subject].sort());
      expect(await vault.openMany([own, withContact, someoneElse])).toEqual([
        undefined,
        undefined,
        { evidence: 'c' },
      ]);
    });

    it('finds nothing to erase for an unknown contact or principal, and runs no hook', async () => {
      await vault.seal({ contact: CONTACT }, details());
      const calls: string[][] = [];
      vault.registerErasureHook('view', async (subjects) => void calls.push([...subjects]));

      expect(await vault.eraseByContact('nobody@example.cn')).toEqual([]);
      expect(await vault.eraseByPrincipal('nobody')).toEqual([]);
      expect(calls).toEqual([]);
      expect(await keyRows()).toHaveLength(1);
    });

    it('runs every registered hook with the erased subjects inside its transaction', async () => {
      const sealed = await vault.seal({ contact: CONTACT }, details());
      const seen: { hook: string; subjects: string[]; keysLeft: number }[] = [];
      const hook = (name: string) => async (subjects: readonly string[], tx: SqlQueryable) => {
        const [{ count }] = await tx.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM ledger.personal_data_keys',
        );
        seen.push({ hook: name, subjects: [...subjects], keysLeft: count });
      };
      vault.registerErasureHook('first view', hook('first view'));
      const unregister = vault.registerErasureHook('second view', hook('second view'));
      vault.registerErasureHook('removed view', hook('removed view'))();

      await vault.eraseByContact(CONTACT);

      expect(seen).toEqual([
        { hook: 'first view', subjects: [sealed.subject], keysLeft: 0 },
        { hook: 'second view', subjects: [sealed.subject], keysLeft: 0 },
      ]);
      unregister();
      expect(() => vault.registerErasureHook('first view', hook('again'))).toThrow(/already registered/);
    });

    it('erases nothing when a hook fails: the keys and the views go together or not at all', async () => {
      const sealed = await vault.seal({ contact: CONTACT }, details());
      vault.registerErasureHook('broken view', async () => {
        throw new Error('the view is unreachable');
      });

      await expect(vault.eraseByContact(CONTACT)).rejects.toThrow('the view is unreachable');

      expect(await vault.open(sealed)).toEqual(details());
    });
  });

  describe('the master key', () => {
    it('is needed to open: a vault under another master key refuses, and refuses to start', async () => {
      const sealed = await vault.seal({ contact: CONTACT }, details());
      const wrong = new PersonalDataVault(journal.database, randomBytes(32));

      await expect(wrong.open(sealed)).rejects.toThrow(MasterKeyMismatchError);
      await expect(PersonalDataVault.open(journal.database, randomBytes(32))).rejects.toThrow(
        MasterKeyMismatchError,
      );
      expect(await (await PersonalDataVault.open(journal.database, masterKey)).open(sealed)).toEqual(
        details(),
      );
    });

    it('is needed to find a contact: under another master key the contact matches nothing', async () => {
      await vault.seal({ contact: CONTACT }, details());

      expect(await new PersonalDataVault(journal.database, randomBytes(32)).eraseByContact(CONTACT)).toEqual(
        [],
      );
      expect(await keyRows()).toHaveLength(1);
    });
  });
});

function correctionEvent(id: string, reporter: SealedPersonalDataV1): NewEvent & { data: JsonObject } {
  const data: JsonObject = {
    datasetId: 'ds-1',
    datasetVersion: 1,
    description: 'row 17 names the wrong district',
    reporter: reporter as unknown as JsonObject,
  };
  return aNewEvent({
    id,
    type: 'CorrectionRequested',
    data,
    source: 'urn:open-data-ledger:api',
    fingerprintMaterial: fingerprintMaterial('CorrectionRequested', data, { streamId: `correction-${id}` }),
  }) as NewEvent & { data: JsonObject };
}

/** The contact as filed and normalised, the name, and unkeyed hashes of the contact: none may be stored. */
function sensitiveNeedles(): (string | Buffer)[] {
  const normalised = normaliseContact(CONTACT);
  const hashes = [CONTACT, CONTACT.toLowerCase(), normalised].map((text) =>
    createHash('sha256').update(text).digest(),
  );
  return [
    CONTACT,
    CONTACT.toLowerCase(),
    NAME,
    ...hashes,
    ...hashes.map((hash) => hash.toString('hex')),
    ...hashes.map((hash) => hash.toString('base64')),
  ];
}
