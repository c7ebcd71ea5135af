import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { verifyConsistency, verifyInclusion } from '@ledger/transparency';
import { leafHashOf } from './support/leaf-hash';
import { HttpAnswer, LedgerUnderTest } from './support/ledger-under-test';

interface CheckpointView {
  treeSize: number;
  rootHash: string;
  origin: string;
  signedAt: string;
  checkpoint: string;
}

/** What an outside verifier pins: `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`. */
interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

/** A checkpoint read out of a signed note whose signature checked out. */
interface VerifiedCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/**
 * The transparency log over HTTP (http-api.md, "Transparency log"), checked as an outside verifier
 * would: notes against the pinned key, leaf hashes recomputed from the entries, proofs against the
 * signed roots.
 */
describe('transparency log over HTTP', () => {
  let ledger: LedgerUnderTest;
  let key: VerifierKey;

  beforeAll(async () => {
    // Checkpoints here are signed only on demand (and at start-up), so each test knows which exist.
    ledger = await LedgerUnderTest.start({
      env: { LEDGER_CHECKPOINT_INTERVAL_MS: String(24 * 3600 * 1000), LEDGER_SIGNING_KEY: aSigningKeyPem() },
    });
    key = parseVerifierKey((await ledger.get('/v1/log/key', { token: null })).body.verifierKey);
  });

  afterAll(async () => {
    await ledger.stop();
  });

  /** Records `count` events (organisations registered) and returns the head after them. */
  async function append(count = 1): Promise<number> {
    for (let i = 0; i < count; i++)
      expect((await ledger.post('/v1/organizations', { name: 'Org' })).status).toBe(201);
    return ledger.head();
  }

  async function latest(): Promise<VerifiedCheckpoint> {
    const answer = await ledger.get('/v1/log/checkpoint', { token: null });
    expect(answer.status).toBe(200);
    return verifiedNote(answer.text, key);
  }

  async function allCheckpoints(): Promise<CheckpointView[]> {
    return (await ledger.get('/v1/log/checkpoints?limit=1000', { token: null })).body.checkpoints;
  }

  it('a fresh ledger has signed its journal at start-up, verifiably with the key GET /v1/log/key gives', async () => {
    const answer = await ledger.get('/v1/log/checkpoint', { token: null });
    const keyAnswer = await ledger.get('/v1/log/key', { token: null });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    const checkpoint = verifiedNote(answer.text, key);
    expect(keyAnswer.body).toEqual({ origin: 'open-data-ledger.local/log', verifierKey: expect.any(String) });
    expect(checkpoint.origin).toBe(keyAnswer.body.origin);
    expect(checkpoint.size).toBe((await ledger.head()) + 1);
    expect((await allCheckpoints()).map((c) => c.checkpoint)).toEqual([answer.text]);
  });

  describe('signing on demand', () => {
    it('POST /v1/log/checkpoints signs the grown log with 201, and answers 200 with the same checkpoint when it has not grown', async () => {
      const head = await append(2);

      const created = await ledger.post('/v1/log/checkpoints', undefined);
      const again = await ledger.post('/v1/log/checkpoints', undefined);

      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ treeSize: head + 1, origin: 'open-data-ledger.local/log' });
      const signed = verifiedNote(created.body.checkpoint, key);
      expect([signed.size, signed.root.toString('base64')]).toEqual([head + 1, created.body.rootHash]);
      expect([again.status, again.body]).toEqual([200, created.body]);
      expect((await ledger.get('/v1/log/checkpoint', { token: null })).text).toBe(created.body.checkpoint);
    });

    it('lets only platform admins sign: 403 for a supervisor, 401 without a key, and neither signs anything', async () => {
      const supervisor = await ledger.principal('supervisor');
      const before = await allCheckpoints();

      const forbidden = await ledger.post('/v1/log/checkpoints', undefined, { token: supervisor.token });
      const anonymous = await ledger.post('/v1/log/checkpoints', undefined, { token: null });

      expect([forbidden.status, forbidden.body.code]).toEqual([403, 'Forbidden']);
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'MissingCredentials']);
      // Creating the supervisor grew the log, so a signature that slipped through would show here.
      expect(await allCheckpoints()).toEqual(before);
    });
  });

  describe('entries', () => {
    it('GET /v1/log/entries/{position} returns each entry with the leaf hash an outsider computes from it', async () => {
      const head = await append();

      for (let position = 0; position <= head; position++) {
        const answer = await ledger.get(`/v1/log/entries/${position}`);

        expect(answer.status).toBe(200);
        expect(answer.body.entry.globalPosition).toBe(position);
        expect(answer.body.leafHash).toBe(leafHashOf(answer.body.entry));
      }
    });

    it('follows the journal read rules: 403 on a stream the key may not read, 200 on its own, 401 without a key', async () => {
      const user = await ledger.principal('data_user');
      const organisation = await ledger.post('/v1/organizations', { name: 'Not the user’s' });
      const own = await ledger.get(`/v1/streams/principal-${user.id}/events`);

      const refused = await ledger.get(`/v1/log/entries/${organisation.body.events[0].globalPosition}`, {
        token: user.token,
      });
      const allowed = await ledger.get(`/v1/log/entries/${own.body.events[0].globalPosition}`, {
        token: user.token,
      });
      const anonymous = await ledger.get('/v1/log/entries/0', { token: null });

      expect([refused.status, refused.body.code]).toEqual([403, 'Forbidden']);
      expect([allowed.status, allowed.body.entry.streamId]).toEqual([200, `principal-${user.id}`]);
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'MissingCredentials']);
    });

    it('answers 404 beyond the head and 400 for a position that is not a whole number', async () => {
      const head = await ledger.head();

      const beyond = await ledger.get(`/v1/log/entries/${head + 1000}`);

      expect([beyond.status, beyond.body.code]).toEqual([404, 'EntryNotFound']);
      for (const position of ['abc', '-1', '1.5', '01']) {
        const answer = await ledger.get(`/v1/log/entries/${position}`);
        expectProblem(answer, 400, 'InvalidPosition');
      }
    });
  });

  describe('proofs', () => {
    it('proves every position under the latest checkpoint, from independently computed leaf hashes, against its signed root', async () => {
      await append(3);
      await ledger.post('/v1/log/checkpoints', undefined);
      const checkpoint = await latest();

      for (let position = 0; position < checkpoint.size; position++) {
        const leaf = leafHashOf((await ledger.get(`/v1/log/entries/${position}`)).body.entry);
        const answer = await ledger.get(`/v1/log/proofs/inclusion?position=${position}`, { token: null });

        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
          leafIndex: position,
          treeSize: checkpoint.size,
          leafHash: leaf,
          proof: expect.any(Array),
        });
        const proof = answer.body.proof.map((hash: string) => Buffer.from(hash, 'base64'));
        expect(
          verifyInclusion(position, checkpoint.size, Buffer.from(leaf, 'base64'), proof, checkpoint.root),
        ).toBe(true);
      }
    });

    it('proves an entry in an older kept checkpoint when asked for its treeSize', async () => {
      await append();
      await ledger.post('/v1/log/checkpoints', undefined);
      const [oldest] = await allCheckpoints();
      const older = verifiedNote(oldest.checkpoint, key);
      const position = older.size - 1;
      const leaf = leafHashOf((await ledger.get(`/v1/log/entries/${position}`)).body.entry);

      const answer = await ledger.get(
        `/v1/log/proofs/inclusion?position=${position}&treeSize=${older.size}`,
        {
          token: null,
        },
      );

      expect(answer.body).toMatchObject({ leafIndex: position, treeSize: older.size, leafHash: leaf });
      const proof = answer.body.proof.map((hash: string) => Buffer.from(hash, 'base64'));
      expect(verifyInclusion(position, older.size, Buffer.from(leaf, 'base64'), proof, older.root)).toBe(
        true,
      );
    });

    it('proves two kept checkpoints consistent, and takes the latest checkpoint when to is left out', async () => {
      await append(2);
      await ledger.post('/v1/log/checkpoints', undefined);
      const kept = (await allCheckpoints())
        .map((c) => verifiedNote(c.checkpoint, key))
        .filter((c) => c.size > 0);
      const [older, newer] = [kept[0], kept[kept.length - 1]];
      expect(older.size).toBeLessThan(newer.size);

      const answer = await ledger.get(`/v1/log/proofs/consistency?from=${older.size}&to=${newer.size}`, {
        token: null,
      });
      const toLatest = await ledger.get(`/v1/log/proofs/consistency?from=${older.size}`, { token: null });

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ from: older.size, to: newer.size, proof: expect.any(Array) });
      const proof = answer.body.proof.map((hash: string) => Buffer.from(hash, 'base64'));
      expect(verifyConsistency(older.size, newer.size, proof, older.root, newer.root)).toBe(true);
      expect(toLatest.body).toEqual(answer.body);
    });

    it('refuses bad input with a 400 problem and its code, and writes nothing', async () => {
      const { size } = await latest();
      const head = await ledger.head();
      const kept = await allCheckpoints();
      const beyond = 10 ** 12;

      const refusals: [string, string][] = [
        [`/v1/log/proofs/inclusion?position=${size}&treeSize=${size}`, 'PositionOutsideTree'],
        [`/v1/log/proofs/inclusion?position=0&treeSize=${beyond}`, 'TreeSizeOutOfRange'],
        ['/v1/log/proofs/inclusion?position=0&treeSize=0', 'ValidationFailed'],
        ['/v1/log/proofs/inclusion?position=-1', 'ValidationFailed'],
        ['/v1/log/proofs/inclusion?position=1.5', 'ValidationFailed'],
        ['/v1/log/proofs/inclusion?position=abc', 'ValidationFailed'],
        ['/v1/log/proofs/inclusion?position=9007199254740993', 'ValidationFailed'],
        ['/v1/log/proofs/inclusion', 'ValidationFailed'],
        ['/v1/log/proofs/inclusion?position=0&colour=blue', 'ValidationFailed'],
        ['/v1/log/proofs/consistency?from=3&to=2', 'InvalidTreeSizes'],
        [`/v1/log/proofs/consistency?from=1&to=${beyond}`, 'TreeSizeOutOfRange'],
        ['/v1/log/proofs/consistency?from=0&to=1', 'ValidationFailed'],
        ['/v1/log/proofs/consistency?from=1&to=two', 'ValidationFailed'],
        ['/v1/log/proofs/consistency?from=1&colour=blue', 'ValidationFailed'],
        ['/v1/log/checkpoints?limit=0', 'ValidationFailed'],
        ['/v1/log/checkpoints?limit=1001', 'ValidationFailed'],
        ['/v1/log/checkpoints?fromSize=-1', 'ValidationFailed'],
        ['/v1/log/checkpoints?page=2', 'ValidationFailed'],
        ['/v1/log/checkpoints/abc', 'InvalidTreeSize'],
      ];
      for (const [path, code] of refusals) {
        expectProblem(await ledger.get(path, { token: null }), 400, code, path);
      }

      expect(await ledger.head()).toBe(head);
      expect(await allCheckpoints()).toEqual(kept);
    });

    it('regression: an empty or non-decimal size or position (position=, 1e0, 0x1) was read as a number and proved another entry', async () => {
      for (const query of [
        'position=',
        'position=%20',
        'position=1e0',
        'position=0x1',
        'position=0&treeSize=1e0',
        'position=0&treeSize=%201',
      ]) {
        expectProblem(
          await ledger.get(`/v1/log/proofs/inclusion?${query}`, { token: null }),
          400,
          'ValidationFailed',
          query,
        );
      }
      for (const query of ['from=', 'from=1e0', 'from=1&to=0x2']) {
        expectProblem(
          await ledger.get(`/v1/log/proofs/consistency?${query}`, { token: null }),
          400,
          'ValidationFailed',
          query,
        );
      }
      expectProblem(
        await ledger.get('/v1/log/checkpoints?fromSize=', { token: null }),
        400,
        'ValidationFailed',
      );
    });
  });

  describe('access', () => {
    it('serves the key, the checkpoints and the proofs without a key, and answers a bad key with 401', async () => {
      const { size } = await latest();
      const paths = [
        '/v1/log/checkpoint',
        '/v1/log/key',
        '/v1/log/checkpoints',
        `/v1/log/checkpoints/${size}`,
        `/v1/log/proofs/inclusion?position=0&treeSize=${size}`,
        `/v1/log/proofs/consistency?from=1&to=${size}`,
      ];

      for (const path of paths) {
        const anonymous = await ledger.get(path, { token: null });
        const badKey = await ledger.get(path, { token: 'not-a-key' });

        expect([path, anonymous.status]).toEqual([path, 200]);
        expect([path, badKey.status, badKey.body.code]).toEqual([path, 401, 'InvalidCredentials']);
      }
    });
  });

  describe('kept checkpoints', () => {
    it('GET /v1/log/checkpoints lists every checkpoint in size order, page by page through next', async () => {
      for (let i = 0; i < 3; i++) {
        await append();
        expect((await ledger.post('/v1/log/checkpoints', undefined)).status).toBe(201);
      }
      const all = await allCheckpoints();

      const paged: CheckpointView[] = [];
      let fromSize: number | undefined = 0;
      while (fromSize !== undefined) {
        const page: HttpAnswer = await ledger.get(`/v1/log/checkpoints?fromSize=${fromSize}&limit=2`, {
          token: null,
        });
        expect(page.body.checkpoints.length).toBeLessThanOrEqual(2);
        paged.push(...page.body.checkpoints);
        fromSize = page.body.next;
      }

      const sizes = all.map((c) => c.treeSize);
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(sizes).toEqual([...new Set(sizes)].sort((a, b) => a - b));
      expect(paged).toEqual(all);
      expect((await ledger.get('/v1/log/checkpoints?limit=1000', { token: null })).body.next).toBeUndefined();
      const fromSecond = await ledger.get(`/v1/log/checkpoints?fromSize=${sizes[1]}`, { token: null });
      expect(fromSecond.body.checkpoints).toEqual(all.slice(1));
      for (const view of all) {
        expect(verifiedNote(view.checkpoint, key)).toMatchObject({ size: view.treeSize });
        expect(verifiedNote(view.checkpoint, key).root.toString('base64')).toBe(view.rootHash);
      }
    });

    it('GET /v1/log/checkpoints/{size} answers JSON, or the signed note alone with Accept: text/plain; an unknown size is 404', async () => {
      const [, second] = await allCheckpoints();

      const json = await ledger.get(`/v1/log/checkpoints/${second.treeSize}`, { token: null });
      const note = await ledger.get(`/v1/log/checkpoints/${second.treeSize}`, {
        token: null,
        headers: { accept: 'text/plain' },
      });
      const unknown = await ledger.get(`/v1/log/checkpoints/${10 ** 12}`, { token: null });

      expect([json.status, json.body]).toEqual([200, second]);
      expect(note.status).toBe(200);
      expect(note.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(note.text).toBe(second.checkpoint);
      expectProblem(unknown, 404, 'CheckpointNotFound');
    });
  });
});

describe('transparency log configuration', () => {
  it('with LEDGER_CHECKPOINT_INTERVAL_MS=200, a growing log is signed without being asked', async () => {
    const ledger = await LedgerUnderTest.start({
      env: { LEDGER_CHECKPOINT_INTERVAL_MS: '200', LEDGER_SIGNING_KEY: aSigningKeyPem() },
    });
    try {
      const key = parseVerifierKey((await ledger.get('/v1/log/key', { token: null })).body.verifierKey);
      const before = await ledger.get('/v1/log/checkpoint', { token: null });
      expect((await ledger.post('/v1/organizations', { name: 'Grows the log' })).status).toBe(201);
      const head = await ledger.head();

      const signed = await pollUntil(
        async () => verifiedNote((await ledger.get('/v1/log/checkpoint', { token: null })).text, key),
        (checkpoint) => checkpoint.size === head + 1,
      );

      expect(signed.size).toBeGreaterThan(verifiedNote(before.text, key).size);
    } finally {
      await ledger.stop();
    }
  });

  it('with LEDGER_SIGNING_KEY and LEDGER_LOG_ORIGIN, the ledger signs as that key under that origin', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const origin = 'test.example/log';
    const rawPublicKey = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const keyId = createHash('sha256')
      .update(`${origin}\n`)
      .update(Buffer.from([0x01]))
      .update(rawPublicKey)
      .digest()
      .subarray(0, 4);
    const expectedVerifierKey = `${origin}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([0x01]), rawPublicKey]).toString('base64')}`;
    const ledger = await LedgerUnderTest.start({
      env: {
        LEDGER_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
        LEDGER_LOG_ORIGIN: origin,
      },
    });
    try {
      const keyAnswer = await ledger.get('/v1/log/key', { token: null });
      const note = await ledger.get('/v1/log/checkpoint', { token: null });

      expect(keyAnswer.body).toEqual({ origin, verifierKey: expectedVerifierKey });
      expect(verifiedNote(note.text, parseVerifierKey(expectedVerifierKey)).origin).toBe(origin);
    } finally {
      await ledger.stop();
    }
  });
});

/**
 * A key for ledgers whose key is not the point: without one, a ledger on PostgreSQL would generate
 * and keep one in ./data of the working copy.
 */
function aSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
}

function parseVerifierKey(text: string): VerifierKey {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(text);
  if (!match) throw new Error(`not a verifier key: ${text}`);
  const typed = Buffer.from(match[3], 'base64');
  if (typed.length !== 33 || typed[0] !== 0x01) throw new Error(`not an Ed25519 verifier key: ${text}`);
  return { name: match[1], keyId: Buffer.from(match[2], 'hex'), publicKey: typed.subarray(1) };
}

/**
 * Checks a C2SP signed checkpoint the way an outside verifier does, with nothing of the ledger's code:
 * a signature line by the pinned key whose Ed25519 signature covers the body, byte for byte.
 */
function verifiedNote(note: string, key: VerifierKey): VerifiedCheckpoint {
  const separator = note.indexOf('\n\n');
  expect(separator).toBeGreaterThan(0);
  const body = note.slice(0, separator + 1);
  const [origin, size, root, ...rest] = body.split('\n');
  expect(rest).toEqual(['']);
  expect(size).toMatch(/^(0|[1-9]\d*)$/);
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey.toString('base64url') },
    format: 'jwk',
  });
  const signatureLines = note.slice(separator + 2).split('\n');
  expect(signatureLines.pop()).toBe('');
  const valid = signatureLines.some((line) => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match || match[1] !== key.name) return false;
    const signed = Buffer.from(match[2], 'base64');
    return (
      signed.subarray(0, 4).equals(key.keyId) &&
      signed.length === 68 &&
      verify(null, Buffer.from(body, 'utf8'), publicKey, signed.subarray(4))
    );
  });
  expect(valid).toBe(true);
  const rootHash = Buffer.from(root, 'base64');
  expect(rootHash).toHaveLength(32);
  return { origin, size: Number(size), root: rootHash };
}

function expectProblem(answer: HttpAnswer, status: number, code: string, context = ''): void {
  expect([context, answer.status, answer.headers.get('content-type'), answer.body.code]).toEqual([
    context,
    status,
    expect.stringMatching(/^application\/problem\+json/),
    code,
  ]);
}

/** Polls `read` until `done` holds of its answer, or fails after a deadline. */
async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`still not there after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
