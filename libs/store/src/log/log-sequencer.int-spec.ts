import { generateKeyPairSync } from 'node:crypto';
import { NoteSigner } from '@ledger/transparency';
import { someNewEvents } from '../../../../test/builders/events';
import { openTestJournal, testBackend } from '../../../../test/support/test-backend';
import { LogSequencer, SigningKeyMismatchError } from './log-sequencer';
import { TransparencyLog } from './transparency-log';

type TestJournal = Awaited<ReturnType<typeof openTestJournal>>;

const ORIGIN = 'test.example/log';

const aSigner = (origin = ORIGIN) => new NoteSigner(origin, generateKeyPairSync('ed25519').privateKey);

/**
 * The sequencer of a ledger started again on its journal — after a restart, or on a database restored
 * from a backup (issue 8). Verifiers pin the key that signs the log's checkpoints: a ledger that
 * comes back with another key (a lost LEDGER_SIGNING_KEY, a data directory not restored with its
 * log-signing-key.pem) would sign checkpoints none of them accepts, so it refuses to start.
 */
describe(`the log sequencer on ${testBackend()}`, () => {
  let journal: TestJournal;
  let log: TransparencyLog;

  beforeEach(async () => {
    journal = await openTestJournal();
    log = new TransparencyLog(journal.database);
  });

  afterEach(async () => {
    await journal.dispose();
  });

  const sequencerWith = (signer: NoteSigner) =>
    new LogSequencer({ log, store: journal.store, signer, checkpointIntervalMs: 60_000 });

  it('starts again with the key that signed the latest checkpoint, and signs on', async () => {
    const signer = aSigner();
    const first = sequencerWith(signer);
    await journal.store.append('usage-a', someNewEvents(3));
    expect((await first.start()).treeSize).toBe(3);
    await first.stop();

    await journal.store.append('usage-a', someNewEvents(2));
    const again = sequencerWith(signer);
    const checkpoint = await again.start();
    await again.stop();

    expect(checkpoint.treeSize).toBe(5);
    expect(checkpoint.verifierKey).toBe(signer.verifierKey);
  });

  it.each([
    ['another key', () => aSigner()],
    ['the same kind of key under another origin', () => aSigner('other.example/log')],
  ])(
    'refuses to start with %s than the one that signed the latest checkpoint, signing nothing',
    async (_, other) => {
      const signer = aSigner();
      const first = sequencerWith(signer);
      await journal.store.append('usage-a', someNewEvents(3));
      await first.start();
      await first.stop();
      await journal.store.append('usage-a', someNewEvents(2));

      const stranger = other();
      const refused = sequencerWith(stranger).start();

      await expect(refused).rejects.toBeInstanceOf(SigningKeyMismatchError);
      await expect(refused).rejects.toThrow(signer.verifierKey);
      const latest = await log.latestCheckpoint();
      expect(latest?.treeSize).toBe(3);
      expect(latest?.verifierKey).toBe(signer.verifierKey);
    },
  );

  it('starts with any key on a log that has no checkpoint yet', async () => {
    const sequencer = sequencerWith(aSigner());
    await expect(sequencer.start()).resolves.toMatchObject({ treeSize: 0 });
    await sequencer.stop();
  });
});
