import { randomBytes, randomUUID } from 'node:crypto';
import {
  MasterKeys,
  MAX_SEALED_PLAINTEXT_BYTES,
  openWith,
  sealWith,
  WRAPPED_KEY_BYTES,
} from './personal-data-crypto';
import {
  MasterKeyMismatchError,
  PersonalDataTooLargeError,
  SealedDataCorruptError,
} from './personal-data.errors';

const subject = randomUUID();
const personKey = randomBytes(32);
const DETAILS = { name: '张三', contact: 'zhang.san@example.cn' };

describe('sealing a value under a person key', () => {
  it('opens to the value, whose members come back in canonical order', () => {
    const sealed = sealWith(subject, personKey, { contact: DETAILS.contact, name: DETAILS.name });

    expect(openWith(personKey, sealed)).toEqual(DETAILS);
    expect(sealed).toEqual({
      sealed: 'A256GCM',
      subject,
      iv: expect.stringMatching(/^[A-Za-z0-9+/]{16}$/),
      ciphertext: expect.stringMatching(/^[A-Za-z0-9+/]+={0,2}$/),
      mac: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });
  });

  it('gives the same mac for the same value whatever the order of its members, under a new IV each time', () => {
    const first = sealWith(subject, personKey, { name: DETAILS.name, contact: DETAILS.contact });
    const second = sealWith(subject, personKey, { contact: DETAILS.contact, name: DETAILS.name });

    expect(second.mac).toBe(first.mac);
    expect(second.iv).not.toBe(first.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
  });

  it('gives another mac for another value, or for the same value under another key', () => {
    const mac = sealWith(subject, personKey, DETAILS).mac;

    expect(sealWith(subject, personKey, { ...DETAILS, name: '李四' }).mac).not.toBe(mac);
    expect(sealWith(subject, randomBytes(32), DETAILS).mac).not.toBe(mac);
  });

  it('holds no trace of the plaintext in the envelope', () => {
    const text = JSON.stringify(sealWith(subject, personKey, DETAILS));

    expect(text).not.toContain('zhang');
    expect(text).not.toContain(Buffer.from(DETAILS.contact).toString('base64').slice(0, 12));
  });

  it('refuses to open an envelope moved to another subject (the subject is authenticated)', () => {
    const sealed = sealWith(subject, personKey, DETAILS);

    expect(() => openWith(personKey, { ...sealed, subject: randomUUID() })).toThrow(SealedDataCorruptError);
  });

  it('refuses to open an altered ciphertext', () => {
    const sealed = sealWith(subject, personKey, DETAILS);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[0] ^= 1;

    expect(() => openWith(personKey, { ...sealed, ciphertext: bytes.toString('base64') })).toThrow(
      SealedDataCorruptError,
    );
  });

  it('refuses a value larger than the event schemas can hold, and seals one just small enough', () => {
    const fits = 'x'.repeat(MAX_SEALED_PLAINTEXT_BYTES - 2);

    expect(sealWith(subject, personKey, fits).ciphertext.length).toBeLessThanOrEqual(60_000);
    expect(() => sealWith(subject, personKey, `${fits}x`)).toThrow(PersonalDataTooLargeError);
  });
});

describe('the keys derived from the master key', () => {
  const master = new MasterKeys(randomBytes(32));

  it('wrap a person key into 61 bytes that unwrap under the same master key and subject only', () => {
    const wrapped = master.wrap(subject, personKey);

    expect(wrapped).toHaveLength(WRAPPED_KEY_BYTES);
    expect(master.unwrap(subject, wrapped)).toEqual(personKey);
    expect(() => master.unwrap(randomUUID(), wrapped)).toThrow(MasterKeyMismatchError);
    expect(() => new MasterKeys(randomBytes(32)).unwrap(subject, wrapped)).toThrow(MasterKeyMismatchError);
  });

  it('look a contact up by a keyed hash: equal for one contact however written, different under another master key', () => {
    const lookup = master.contactLookup('Zhang.San@Example.cn ');

    expect(lookup).toHaveLength(32);
    expect(master.contactLookup('zhang.san@example.cn')).toEqual(lookup);
    expect(master.contactLookup('li.si@example.cn')).not.toEqual(lookup);
    expect(new MasterKeys(randomBytes(32)).contactLookup('zhang.san@example.cn')).not.toEqual(lookup);
  });

  it('derive the lookup key apart from the key-encryption key', () => {
    expect(master.contactLookupKey).not.toEqual(master.keyEncryptionKey);
  });
});
