import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import {
  fromBase64,
  hashChildren,
  leafHash,
  leafHashOfEntry,
  toBase64,
  toHex,
  verifyInclusion,
} from './rfc9162';
import { keyIdOf, NoteError, parseCheckpoint, parseVerifierKey, verifyCheckpoint } from './signed-note';

/**
 * The console's own verifier (WebCrypto, as in the browser; Node 20 has the same crypto.subtle),
 * judged against the RFC 9162 conformance vectors and against notes signed here with node:crypto.
 */

const VECTORS = join(__dirname, '../../../../../test/vectors/rfc9162-vectors');

function jsonFilesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? jsonFilesUnder(path) : name.endsWith('.json') ? [path] : [];
  });
}

/** Bytes of a vector's base64, or no bytes at all for what is not base64 (a hash that cannot verify). */
const bytes = (base64: string | null | undefined): Uint8Array => fromBase64(base64 ?? '') ?? new Uint8Array();
const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

/** MTH of RFC 9162 §2.1.1 over leaf hashes, with the verifier's own node hash. */
async function rootOf(leaves: Uint8Array[]): Promise<Uint8Array> {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(await rootOf(leaves.slice(0, k)), await rootOf(leaves.slice(k)));
}

describe('the console’s RFC 9162 verifier', () => {
  const inclusionCases = jsonFilesUnder(join(VECTORS, 'inclusion'));

  it('finds the vectors', () => {
    expect(inclusionCases.length).toBeGreaterThan(50);
  });

  it.each(inclusionCases.map((path) => [path.slice(VECTORS.length + 1), path]))(
    'judges inclusion vector %s as the case says',
    async (_name, path) => {
      const vector = JSON.parse(readFileSync(path, 'utf8'));
      const accepted = await verifyInclusion(
        vector.leafIdx,
        vector.treeSize,
        bytes(vector.leafHash),
        (vector.proof ?? []).map(bytes),
        bytes(vector.root),
      );
      expect(accepted).toBe(!vector.wantErr);
    },
  );

  it('hashes the eight classic leaves to the reference roots of trees of size 1 to 8', async () => {
    const data = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const leaves = await Promise.all(data.map((text) => leafHash(hex(text))));
    const roots = [];
    for (let size = 1; size <= 8; size++) roots.push(toHex(await rootOf(leaves.slice(0, size))));
    expect(roots).toEqual([
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ]);
  });

  it('computes an entry’s leaf hash as SHA-256(0x00 ‖ JCS(entry)), whatever the order of its members', async () => {
    const entry = { type: 'DatasetReleased', globalPosition: 41, data: { version: 3, title: '公交站点' } };
    const reordered = {
      data: { title: '公交站点', version: 3 },
      globalPosition: 41,
      type: 'DatasetReleased',
    };
    const expected = createHash('sha256')
      .update(Buffer.from([0]))
      .update(canonicalize(entry) as string, 'utf8')
      .digest('base64');

    expect(toBase64(await leafHashOfEntry(entry))).toBe(expected);
    expect(toBase64(await leafHashOfEntry(reordered))).toBe(expected);
  });

  it('reads base64 strictly', () => {
    expect(fromBase64('AAE=')).toEqual(Uint8Array.of(0, 1));
    expect(fromBase64('AAF=')).toBeUndefined();
    expect(fromBase64('not base64!')).toBeUndefined();
  });
});

describe('the console’s signed-note verifier', () => {
  const name = 'ledger.example.gov.cn/log';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Uint8Array.from(Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url'));
  const body = `${name}\n42\n${Buffer.alloc(32, 7).toString('base64')}\n`;

  async function verifierKeyOf(keyName: string, key: Uint8Array): Promise<string> {
    const material = Buffer.concat([Buffer.from([1]), key]).toString('base64');
    return `${keyName}+${toHex(await keyIdOf(keyName, key))}+${material}`;
  }

  async function noteSignedWith(key: KeyObject, keyName = name, text = body): Promise<string> {
    const id = await keyIdOf(keyName, raw);
    const signature = sign(null, Buffer.from(text, 'utf8'), key);
    return `${text}\n\u2014 ${keyName} ${Buffer.concat([id, signature]).toString('base64')}\n`;
  }

  /** The reason a note is refused, or 'accepted'. */
  async function judge(note: string, verifierKey?: string, origin = name): Promise<string> {
    try {
      const key = await parseVerifierKey(verifierKey ?? (await verifierKeyOf(name, raw)));
      await verifyCheckpoint(parseCheckpoint(note), key, origin);
      return 'accepted';
    } catch (error) {
      if (error instanceof NoteError) return error.reason;
      throw error;
    }
  }

  it('derives the key id as the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)', async () => {
    const expected = createHash('sha256')
      .update(`${name}\n`)
      .update(Buffer.from([1]))
      .update(raw)
      .digest()
      .subarray(0, 4);
    expect(toHex(await keyIdOf(name, raw))).toBe(expected.toString('hex'));
  });

  it('reads the checkpoint a note carries', async () => {
    const checkpoint = parseCheckpoint(await noteSignedWith(privateKey));
    expect([checkpoint.origin, checkpoint.size, toBase64(checkpoint.rootHash), checkpoint.body]).toEqual([
      name,
      42,
      Buffer.alloc(32, 7).toString('base64'),
      body,
    ]);
  });

  it('accepts a checkpoint signed by the published key', async () => {
    expect(await judge(await noteSignedWith(privateKey))).toBe('accepted');
  });

  it('refuses a signature with one bit flipped', async () => {
    const note = await noteSignedWith(privateKey);
    const line = note.split('\n').at(-2) as string;
    const signed = Buffer.from(line.split(' ')[2], 'base64');
    signed[20] ^= 1;
    const tampered = note.replace(line, `\u2014 ${name} ${signed.toString('base64')}`);
    expect(await judge(tampered)).toBe('badSignature');
  });

  it('refuses a body changed after signing', async () => {
    const note = await noteSignedWith(privateKey);
    expect(await judge(note.replace('\n42\n', '\n43\n'))).toBe('badSignature');
  });

  it('refuses a note signed by another key under the same name', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(await judge(await noteSignedWith(other))).toBe('badSignature');
  });

  it('refuses a note whose signature carries another key id', async () => {
    const note = await noteSignedWith(privateKey);
    const line = note.split('\n').at(-2) as string;
    const signed = Buffer.from(line.split(' ')[2], 'base64');
    signed[0] ^= 0xff;
    expect(await judge(note.replace(line, `\u2014 ${name} ${signed.toString('base64')}`))).toBe('wrongKeyId');
  });

  it('refuses a note with no signature by the key’s name, and one of another log', async () => {
    expect(await judge(await noteSignedWith(privateKey, 'someone-else'))).toBe('noSignature');
    expect(await judge(await noteSignedWith(privateKey), undefined, 'another-log')).toBe('wrongOrigin');
  });

  it('refuses a verifier key whose key id is not that of its key, and one that is not a key', async () => {
    const material = Buffer.concat([Buffer.from([1]), raw]).toString('base64');
    expect(await judge(await noteSignedWith(privateKey), `${name}+00000000+${material}`)).toBe('wrongKeyId');
    expect(await judge(await noteSignedWith(privateKey), `${name}+deadbeef`)).toBe('malformedKey');
  });

  it('refuses what is not a checkpoint note', async () => {
    expect(await judge('hello\n')).toBe('malformedCheckpoint');
    expect(await judge(`${name}\nmany\n${Buffer.alloc(32).toString('base64')}\n\n\u2014 x AAAAAAA=\n`)).toBe(
      'malformedCheckpoint',
    );
  });
});
