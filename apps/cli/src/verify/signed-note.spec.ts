import { createHash } from 'node:crypto';
import {
  checkCheckpointSignature,
  keyIdOf,
  NoteFormatError,
  parseCheckpoint,
  parseKeyFile,
  parseVerifierKey,
} from './signed-note';
import { checkpointBody, generateLogKey, signNote } from './testing/export-fixture';

const key = generateLogKey('ledger.example.gov/audit-log');
const root = createHash('sha256').update('some root').digest();
const note = signNote(checkpointBody(key.name, 1234, root), key);

/** The verifier key with one bit of its public key flipped. */
function damaged(verifierKey: string): string {
  const prefix = `${key.name}+${key.keyId.toString('hex')}+`;
  const material = Buffer.from(verifierKey.slice(prefix.length), 'base64');
  material[7] ^= 0x01;
  return `${prefix}${material.toString('base64')}`;
}

describe('parseVerifierKey', () => {
  it('given the key the log publishes, then its name, id and public key are read', () => {
    const parsed = parseVerifierKey(key.verifierKey);

    expect(parsed.name).toBe(key.name);
    expect(parsed.keyId).toEqual(key.keyId);
    expect(parsed.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(keyIdOf(key.name, key.publicKey)).toEqual(key.keyId);
  });

  it.each([
    ['no separators', 'ledger.example.gov', /reads <name>\+<8 hex digits>\+<base64 key>/],
    ['a short key id', `${key.name}+abc+AQ==`, /reads <name>/],
    ['an empty name', `+${key.keyId.toString('hex')}+AQ==`, /reads <name>/],
    [
      'a key of another type',
      `${key.name}+${key.keyId.toString('hex')}+${Buffer.alloc(33, 2).toString('base64')}`,
      /not an Ed25519 key/,
    ],
    [
      'a key id of another name',
      key.verifierKey.replace(key.name, 'other.example.org'),
      /is not the one its name and key give/,
    ],
    ['a damaged public key', damaged(key.verifierKey), /is not the one its name and key give/],
  ])('given %s, then it is refused with the reason', (_given, text, reason) => {
    expect(() => parseVerifierKey(text)).toThrow(NoteFormatError);
    expect(() => parseVerifierKey(text)).toThrow(reason);
  });
});

describe('parseKeyFile', () => {
  it('given GET /v1/log/key’s answer or the bare key with a newline, then the key is read', () => {
    expect(parseKeyFile(JSON.stringify({ origin: key.name, verifierKey: key.verifierKey })).name).toBe(
      key.name,
    );
    expect(parseKeyFile(`${key.verifierKey}\n`).name).toBe(key.name);
  });

  it('given an answer whose origin is not the key’s name, then it is refused', () => {
    expect(() => parseKeyFile(JSON.stringify({ origin: 'elsewhere', verifierKey: key.verifierKey }))).toThrow(
      /origin "elsewhere" is not its key's name/,
    );
  });
});

describe('parseCheckpoint and checkCheckpointSignature', () => {
  it('given a checkpoint signed by the pinned key, then it is read and vouched for', () => {
    const checkpoint = parseCheckpoint(note);

    expect(checkpoint).toMatchObject({ origin: key.name, size: 1234, root });
    expect(checkpoint.body).toBe(`${key.name}\n1234\n${root.toString('base64')}\n`);
    expect(checkCheckpointSignature(checkpoint, parseVerifierKey(key.verifierKey))).toBeUndefined();
  });

  it('given extension lines in the body, then they are signed and kept in the body', () => {
    const extended = signNote(checkpointBody(key.name, 5, root, ['timestamp 1764400000']), key);
    const checkpoint = parseCheckpoint(extended);

    expect(checkpoint.body.endsWith('timestamp 1764400000\n')).toBe(true);
    expect(checkCheckpointSignature(checkpoint, parseVerifierKey(key.verifierKey))).toBeUndefined();
  });

  it('given a body line changed after signing, then the signature does not verify', () => {
    const altered = parseCheckpoint(note.replace('\n1234\n', '\n1235\n'));

    expect(checkCheckpointSignature(altered, parseVerifierKey(key.verifierKey))).toBe('bad-signature');
  });

  it.each([
    ['no blank line', note.replace('\n\n', '\n'), /no blank line/],
    ['a size that is not decimal', note.replace('\n1234\n', '\n0x4d2\n'), /not a decimal number/],
    ['a size with a leading zero', note.replace('\n1234\n', '\n01234\n'), /not a decimal number/],
    [
      'a root that is not 32 bytes',
      note.replace(root.toString('base64'), 'AAAA'),
      /root line is not a base64 SHA-256 hash/,
    ],
    ['a signature line without the em dash', note.replace('\u2014 ', '- '), /is not a signature line/],
    ['no final newline', note.slice(0, -1), /do not end with a newline/],
    ['a carriage return', note.replace(/\n/g, '\r\n'), /control characters/],
    [
      'only two lines of text',
      `${key.name}\n1234\n\n\u2014 ${key.name} AAAAAAA=\n`,
      /fewer than three lines/,
    ],
  ])('given a note with %s, then it is not read as a checkpoint', (_given, text, reason) => {
    expect(() => parseCheckpoint(text)).toThrow(reason);
  });
});
