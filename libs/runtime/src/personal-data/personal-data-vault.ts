import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonValue, SealedPersonalDataV1 } from '@ledger/events';
import { byteaOf, SqlDatabase, SqlQueryable } from '@ledger/store';
import {
  isSealedPersonalData,
  MasterKeys,
  openWith,
  PERSON_KEY_BYTES,
  sealWith,
} from './personal-data-crypto';
import { SealedDataCorruptError } from './personal-data.errors';
import {
  DELETE_KEYS,
  INSERT_CONTACT_KEY,
  INSERT_FILING_KEY,
  INSERT_PRINCIPAL_KEY,
  SELECT_ANY_KEY,
  SELECT_KEY_BY_CONTACT,
  SELECT_KEY_BY_PRINCIPAL,
  SELECT_KEYS,
} from './personal-data.sql';

/**
 * Whom personal data belongs to, as a filing names them. A contact finds (or makes) that contact's
 * key; a principal without a contact finds (or makes) the principal's own key; with neither, the
 * data gets a key of its own that only its subject names.
 */
export interface DataSubject {
  /** As filed (normaliseContact decides what counts as the same contact); never stored. */
  contact?: string;
  /** The logged-in principal who filed; recorded with the key so erasure by principal finds it. */
  principalId?: string;
}

/** Seals several values under one person's key, found or made once (a filing's reporter and evidence). */
export interface Sealer {
  readonly subject: string;
  seal(plaintext: JsonValue): SealedPersonalDataV1;
}

/**
 * Deletes the plaintext a view keeps for erased subjects. Runs in the erasure's transaction (`tx`),
 * so the keys and every view's plaintext go together, or nothing does.
 */
export type ErasureHook = (subjects: readonly string[], tx: SqlQueryable) => Promise<void>;

interface KeyRow {
  subject: string;
  wrapped_key: Uint8Array;
}

interface PersonKey {
  subject: string;
  key: Buffer;
}

/** Two concurrent first filings race for a key at most once each; an erasure in between costs one more round. */
const MAX_KEY_ATTEMPTS = 4;

/**
 * Personal data in an immutable journal (architecture.md §6): each person's values are sealed under
 * their own random key, kept in `ledger.personal_data_keys` wrapped by the master key; the journal
 * holds only the envelopes. Erasure deletes the keys (and, through registered hooks, any plaintext a
 * view keeps), so the envelopes stay, with their leaf hashes, and open to nothing.
 */
export class PersonalDataVault {
  private readonly keys: MasterKeys;
  private readonly erasureHooks = new Map<string, ErasureHook>();

  constructor(
    private readonly db: SqlDatabase,
    masterKey: Buffer,
  ) {
    this.keys = new MasterKeys(masterKey);
  }

  /** A vault whose master key is proven to unwrap the keys already stored (MasterKeyMismatchError otherwise). */
  static async open(db: SqlDatabase, masterKey: Buffer): Promise<PersonalDataVault> {
    const vault = new PersonalDataVault(db, masterKey);
    await vault.assertMasterKey();
    return vault;
  }

  /**
   * Throws MasterKeyMismatchError when a stored key does not unwrap. A ledger started with another
   * master key would seal new filings under new keys, find none of the old ones by contact, and so
   * erase only part of a person's data.
   */
  async assertMasterKey(): Promise<void> {
    const [row] = await this.db.query<KeyRow>(SELECT_ANY_KEY);
    if (row) this.keys.unwrap(row.subject, byteaOf(row.wrapped_key));
  }

  /** Seals one value under the person's key, creating the key on their first filing. */
  async seal(person: DataSubject, plaintext: JsonValue): Promise<SealedPersonalDataV1> {
    return (await this.sealerFor(person)).seal(plaintext);
  }

  /** The person's key, found or created once, to seal several values of one filing with. */
  async sealerFor(person: DataSubject): Promise<Sealer> {
    const { subject, key } = await this.keyFor(person);
    return { subject, seal: (plaintext) => sealWith(subject, key, plaintext) };
  }

  /** The value sealed in an envelope, or undefined when its key was erased. */
  async open(sealed: SealedPersonalDataV1): Promise<JsonValue | undefined> {
    const [value] = await this.openMany([sealed]);
    return value;
  }

  /** Opens several envelopes with one query for their keys; undefined for each whose key was erased. */
  async openMany(sealed: readonly SealedPersonalDataV1[]): Promise<(JsonValue | undefined)[]> {
    for (const envelope of sealed) {
      if (!isSealedPersonalData(envelope)) {
        throw new SealedDataCorruptError('not a sealed personal-data envelope (A256GCM)');
      }
    }
    if (sealed.length === 0) return [];
    const subjects = [...new Set(sealed.map((envelope) => envelope.subject))];
    const rows = await this.db.query<KeyRow>(SELECT_KEYS, [subjects]);
    const keys = new Map(
      rows.map((row) => [row.subject, this.keys.unwrap(row.subject, byteaOf(row.wrapped_key))]),
    );
    return sealed.map((envelope) => {
      const key = keys.get(envelope.subject);
      return key === undefined ? undefined : openWith(key, envelope);
    });
  }

  /** Erases every key of a contact (as filed; normalised as when sealing). Returns the erased subjects. */
  eraseByContact(contact: string): Promise<string[]> {
    return this.erase({ contact });
  }

  /** Erases every key a principal filed under, with or without a contact. Returns the erased subjects. */
  eraseByPrincipal(principalId: string): Promise<string[]> {
    return this.erase({ principalId });
  }

  /**
   * Erases the keys of a contact and of a principal (either or both), and runs every erasure hook
   * for them, in one transaction. Returns the erased subjects, sorted; empty when nothing matched
   * (no hook runs then).
   */
  async erase(person: DataSubject): Promise<string[]> {
    if (person.contact === undefined && person.principalId === undefined) {
      throw new RangeError('an erasure names a contact, a principal, or both');
    }
    const lookup = person.contact === undefined ? null : this.lookupOf(person.contact);
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ subject: string }>(DELETE_KEYS, [lookup, person.principalId ?? null]);
      const subjects = rows.map((row) => row.subject).sort();
      if (subjects.length > 0) {
        for (const hook of this.erasureHooks.values()) await hook(subjects, tx);
      }
      return subjects;
    });
  }

  /**
   * Registers what deletes a view's plaintext for erased subjects; the returned function removes it.
   * Hooks run in registration order inside the erasure's transaction: one that fails undoes it all.
   */
  registerErasureHook(name: string, hook: ErasureHook): () => void {
    if (this.erasureHooks.has(name)) throw new Error(`an erasure hook named ${name} is already registered`);
    this.erasureHooks.set(name, hook);
    return () => {
      if (this.erasureHooks.get(name) === hook) this.erasureHooks.delete(name);
    };
  }

  private lookupOf(contact: string): string {
    return this.keys.contactLookup(contact).toString('base64');
  }

  private async keyFor(person: DataSubject): Promise<PersonKey> {
    if (person.contact !== undefined) {
      const lookup = this.lookupOf(person.contact);
      return this.findOrCreate(
        () => this.db.query<KeyRow>(SELECT_KEY_BY_CONTACT, [lookup]),
        (subject, wrapped) =>
          this.db.query(INSERT_CONTACT_KEY, [subject, lookup, person.principalId ?? null, wrapped]),
      );
    }
    if (person.principalId !== undefined) {
      const principalId = person.principalId;
      return this.findOrCreate(
        () => this.db.query<KeyRow>(SELECT_KEY_BY_PRINCIPAL, [principalId]),
        (subject, wrapped) => this.db.query(INSERT_PRINCIPAL_KEY, [subject, principalId, wrapped]),
      );
    }
    const created = this.newKey();
    await this.db.query(INSERT_FILING_KEY, [created.subject, created.wrapped]);
    return created;
  }

  /**
   * Finds the key, or inserts a new one unless a concurrent filing inserted first (the insert then
   * returns no row, and the next look finds the winner's). Race-safe without locks: the unique index
   * decides which key survives, and every caller ends up with that one.
   */
  private async findOrCreate(
    find: () => Promise<KeyRow[]>,
    insert: (subject: string, wrappedBase64: string) => Promise<unknown[]>,
  ): Promise<PersonKey> {
    for (let attempt = 1; attempt <= MAX_KEY_ATTEMPTS; attempt++) {
      const [row] = await find();
      if (row) return { subject: row.subject, key: this.keys.unwrap(row.subject, byteaOf(row.wrapped_key)) };
      const created = this.newKey();
      if ((await insert(created.subject, created.wrapped)).length > 0) return created;
    }
    throw new Error(`no personal-data key could be found or created in ${MAX_KEY_ATTEMPTS} attempts`);
  }

  private newKey(): PersonKey & { wrapped: string } {
    const subject = randomUUID();
    const key = randomBytes(PERSON_KEY_BYTES);
    return { subject, key, wrapped: this.keys.wrap(subject, key).toString('base64') };
  }
}
