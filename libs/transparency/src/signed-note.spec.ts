import { createHash, generateKeyPairSync } from 'node:crypto';
import { EMPTY_TREE_ROOT, leafHash } from './merkle';
import { isSignedBy, keyIdOf, NoteSigner, parseSignedCheckpoint, SignedNoteError } from './signed-note';

const { privateKey } = generateKeyPairSync('ed25519');
const signer = new NoteSigner('ledger.example/log', privateKey);
const checkpoint = { origin: 'ledger.example/log', size: 42, rootHash: leafHash('root') };

describe('signed checkpoints (C2SP tlog-checkpoint in a signed-note)', () => {
  it('writes the body, a blank line and one signature line by the key', () => {
    const note = signer.signCheckpoint(checkpoint);
    const [body, signatures] = note.split('\n\n');
    expect(body).toBe(`ledger.example/log\n42\n${checkpoint.rootHash.toString('base64')}`);
    expect(signatures).toMatch(/^\u2014 ledger\.example\/log [A-Za-z0-9+/]+=*\n$/);
    const signatureBytes = Buffer.from(signatures.split(' ')[2], 'base64');
    expect(signatureBytes.length).toBe(4 + 64);
    expect(signatureBytes.subarray(0, 4).equals(signer.keyId)).toBe(true);
  });

  it('derives the key id as the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)', () => {
    const expected = createHash('sha256')
      .update('ledger.example/log\n')
      .update(Buffer.from([1]))
      .update(signer.publicKey)
      .digest()
      .subarray(0, 4);
    expect(keyIdOf('ledger.example/log', signer.publicKey).equals(expected)).toBe(true);
    expect(signer.verifierKey).toBe(
      `ledger.example/log+${expected.toString('hex')}+${Buffer.concat([Buffer.from([1]), signer.publicKey]).toString('base64')}`,
    );
  });

  it('reads back what it signed, and the signature verifies with the public key only', () => {
    const parsed = parseSignedCheckpoint(signer.signCheckpoint(checkpoint));
    expect(parsed).toMatchObject({ origin: checkpoint.origin, size: 42 });
    expect(parsed.rootHash.equals(checkpoint.rootHash)).toBe(true);
    expect(isSignedBy(parsed, signer.keyName, signer.publicKey)).toBe(true);
  });

  it('a changed size, root or origin no longer verifies, nor does another key', () => {
    const note = signer.signCheckpoint(checkpoint);
    const other = new NoteSigner('ledger.example/log', generateKeyPairSync('ed25519').privateKey);
    expect(
      isSignedBy(parseSignedCheckpoint(note.replace('\n42\n', '\n43\n')), signer.keyName, signer.publicKey),
    ).toBe(false);
    expect(
      isSignedBy(
        parseSignedCheckpoint(
          note.replace(checkpoint.rootHash.toString('base64'), EMPTY_TREE_ROOT.toString('base64')),
        ),
        signer.keyName,
        signer.publicKey,
      ),
    ).toBe(false);
    expect(isSignedBy(parseSignedCheckpoint(note), other.keyName, other.publicKey)).toBe(false);
  });

  it('refuses what is not a checkpoint note, saying why', () => {
    expect(() => parseSignedCheckpoint('origin\n1\n')).toThrow(SignedNoteError);
    expect(() => parseSignedCheckpoint('origin\nabc\nAAAA\n\n\u2014 origin AAAAAAAA\n')).toThrow('size');
    expect(() => parseSignedCheckpoint('origin\n1\nAAAA\n\n\u2014 origin AAAAAAAA\n')).toThrow('root');
    expect(() => new NoteSigner('has space', privateKey)).toThrow('invalid key name');
    expect(
      () => new NoteSigner('log', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    ).toThrow('Ed25519');
  });
});
