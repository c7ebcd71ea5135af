import { generateKeyPairSync } from 'node:crypto';
import { leafHash, NoteSigner } from '@ledger/transparency';
import { AuditOutcome, verdictLines } from './audit-command';
import { auditJournal, AuditReport } from './audit-journal';
import { FIXTURE_ORIGIN, LedgerFixture } from './testing/ledger-fixture';
import { parseVerifierKey, VerifierKeyError } from './verifier-key';

/**
 * 600 entries over three streams, integrated and signed at sizes 0, 256, 300 and 600: level 0 tiles
 * 0/0 and 0/1 full, 0/2 partial, and 1/0 holding two hashes.
 */
function aSignedLedger(): LedgerFixture {
  return new LedgerFixture()
    .sign()
    .append(256)
    .integrate()
    .sign()
    .append(44)
    .integrate()
    .sign()
    .append(300)
    .integrate()
    .sign();
}

function messagesOf(report: AuditReport): string[] {
  return report.findings.map((finding) => finding.message);
}

const checkpointDisagrees = (size: number) =>
  expect.stringMatching(
    new RegExp(
      `^checkpoint of size ${size} \\(signed [^)]+\\): the journal's root for ${size} entries is \\S+, the checkpoint signed \\S+$`,
    ),
  );
const treeHeadDisagrees = (size: number) =>
  expect.stringMatching(
    new RegExp(
      `^the log's tree head says the root of its ${size} entries is \\S+; recomputed from the journal it is \\S+$`,
    ),
  );

describe('auditJournal', () => {
  describe('given a ledger as the service writes it', () => {
    it('then nothing is found, every checkpoint is checked and the root is the latest checkpoint’s', async () => {
      const ledger = aSignedLedger();

      const report = await auditJournal(ledger);

      expect(report).toMatchObject({
        findings: [],
        findingCount: 0,
        entries: 600,
        size: 600,
        treeSize: 600,
        checkpointsChecked: 4,
        latestCheckpointSize: 600,
      });
      expect(report.root).toEqual(ledger.storedCheckpoints[3].rootHash);
    });

    it('when entries were appended after the latest checkpoint and not yet integrated, then they are audited and nothing is found', async () => {
      const ledger = aSignedLedger().append(10);

      const report = await auditJournal(ledger);

      expect(report).toMatchObject({ findings: [], entries: 610, size: 610, treeSize: 600 });
    });

    it('when it is checked with the key that signed it, then nothing is found', async () => {
      const ledger = aSignedLedger();

      const report = await auditJournal(ledger, { key: parseVerifierKey(ledger.signer.verifierKey) });

      expect(report.findings).toEqual([]);
    });

    it('when it holds more than 65,536 entries and one hash of its full level 1 tile was rewritten, then that hash alone is named', async () => {
      const ledger = new LedgerFixture().append(65_600).integrate().sign();
      (ledger.storedTiles.get('1/0') as Buffer).fill(7, 7 * 32, 8 * 32);

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        "tile 1/0: hash 7 is not the root of tile 0/7 recomputed from the journal (the log's tiles were rewritten)",
      ]);
    });
  });

  describe('given a row rewritten behind the service', () => {
    it('when only the entry text changed, then the entry no longer hashes to its leaf hash, and the checkpoints and tree head covering it disagree', async () => {
      const ledger = aSignedLedger().editEntry(270, (entry) => {
        entry.data.recordCount = 999_999;
      });

      const report = await auditJournal(ledger);

      expect(messagesOf(report)).toEqual([
        'position 270: the stored entry does not hash to its leaf hash (altered entry)',
        checkpointDisagrees(300),
        treeHeadDisagrees(600),
        'the later checkpoint of size 600 disagrees with the journal too',
      ]);
    });

    it('when its leaf hash was recomputed to match, then the tile the log built gives it away', async () => {
      const ledger = aSignedLedger().editEntry(
        270,
        (entry) => {
          entry.data.recordCount = 999_999;
        },
        { recomputeLeafHash: true },
      );

      const report = await auditJournal(ledger);

      expect(messagesOf(report)).toEqual([
        'position 270: leaf hash differs from the tile the log built (row rewritten after it was logged)',
        checkpointDisagrees(300),
        treeHeadDisagrees(600),
        'the later checkpoint of size 600 disagrees with the journal too',
      ]);
    });

    it('when only its leaf_hash column changed, then the column is named and the checkpoints still agree', async () => {
      const ledger = aSignedLedger();
      ledger.row(270).leafHash = leafHash('forged');

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        'position 270: the leaf_hash column was rewritten (the entry still hashes to the leaf the log built)',
      ]);
    });

    it('when a column changed, then the entry and the column are named, and the entry is known to be the original', async () => {
      const ledger = aSignedLedger();
      ledger.row(100).type = 'DataDeleted';

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        'position 100: the entry\'s type is "DataAccessed", the type column "DataDeleted" (column rewritten)',
      ]);
    });

    it('when the entry was re-serialised with its leaf hash recomputed, then it is reported as not canonical', async () => {
      const ledger = aSignedLedger();
      const row = ledger.row(5);
      row.entry = JSON.stringify(JSON.parse(row.entry), null, 1);
      row.leafHash = leafHash(row.entry);

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        'position 5: the stored entry is not in RFC 8785 canonical form (edited by hand)',
        'position 5: leaf hash differs from the tile the log built (row rewritten after it was logged)',
        checkpointDisagrees(256),
        treeHeadDisagrees(600),
        'the 2 later checkpoints, of sizes 300–600, disagree with the journal too',
      ]);
    });

    it('when the entry is not JSON any more, then it says so', async () => {
      const ledger = aSignedLedger();
      ledger.row(5).entry = '{"data":';

      expect(messagesOf(await auditJournal(ledger))[0]).toMatch(
        /^position 5: the stored entry is not JSON \(/,
      );
    });
  });

  describe('given the log rewritten behind the service', () => {
    it('when a level 0 tile changed under an intact row, then a checkpoint that agrees with the entries shows the tile changed', async () => {
      const ledger = aSignedLedger();
      (ledger.storedTiles.get('0/1') as Buffer).fill(1, 3 * 32, 4 * 32);

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        "position 259: tile 0/1 holds another leaf hash for it, yet the entry is what the checkpoint of size 300 signed (the log's tile was rewritten)",
      ]);
    });

    it('when a hash of the right-edge level 1 tile changed, then that tile is named', async () => {
      const ledger = aSignedLedger();
      (ledger.storedTiles.get('1/0') as Buffer).fill(1, 32, 64);

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        "tile 1/0: hash 1 is not the root of tile 0/1 recomputed from the journal (the log's tiles were rewritten)",
      ]);
    });

    it('when a tile is missing or tiles lie beyond the tree head, then each is named', async () => {
      const ledger = aSignedLedger();
      ledger.storedTiles.delete('0/2');
      ledger.storedTiles.set('0/9', Buffer.alloc(32));

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        'tile 0/2 is missing from the log',
        'the log holds tiles up to 0/9, beyond its tree of 600 entries (which ends at tile 0/2)',
      ]);
    });

    it('when the tree head was rolled back behind a checkpoint, then the rollback is named', async () => {
      const ledger = aSignedLedger();
      ledger.tree = { size: 300, rootHash: ledger.storedCheckpoints[2].rootHash };

      expect(messagesOf(await auditJournal(ledger))).toContainEqual(
        expect.stringMatching(
          /^the log's tree head \(size 300\) is behind the checkpoint of size 600 \(signed [^)]+\): the tree was rolled back$/,
        ),
      );
    });

    it('when the tree head row was deleted, then it says so and still checks the checkpoints', async () => {
      const ledger = aSignedLedger();
      ledger.tree = null;

      const report = await auditJournal(ledger);

      expect(messagesOf(report)).toEqual(['ledger.log_tree holds no tree head (its row was deleted)']);
      expect(report.checkpointsChecked).toBe(4);
    });
  });

  describe('given rows deleted', () => {
    it('when one row in the middle was deleted, then its position is missing and its stream has a gap, and the checkpoints agree over the hash the log kept', async () => {
      const ledger = aSignedLedger().deleteRows(100);

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        'position 100 is missing (deleted row)',
        'stream usage-ds1: version 33 is missing (between positions 97 and 103: deleted row)',
      ]);
    });

    it('when rows at the end were deleted, then the positions the log covers are missing', async () => {
      const ledger = aSignedLedger().deleteRows(598, 599);

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        'positions 598–599 are missing (deleted rows: the journal ends at 598, the log covers 600)',
      ]);
    });

    it('when rows the log never integrated were deleted, then the checkpoints beyond cannot be checked', async () => {
      const ledger = aSignedLedger().append(20).deleteRows(605);
      ledger.sign(); // signs the tree of 600 again: the size is what matters here
      ledger.storedCheckpoints[4].treeSize = 610;

      expect(messagesOf(await auditJournal(ledger))).toEqual(
        expect.arrayContaining([
          'position 605 is missing (deleted row)',
          expect.stringMatching(
            /^checkpoint of size 610 \(signed [^)]+\) cannot be checked: the journal lacks position 605 and the log holds no hash for it$/,
          ),
        ]),
      );
    });
  });

  describe('given rows reordered or inserted', () => {
    it('when two rows swapped positions, then each entry names its real position, and times and stream versions go back', async () => {
      const ledger = aSignedLedger().swapPositions(270, 280);

      const messages = messagesOf(await auditJournal(ledger));

      expect(messages).toEqual(
        expect.arrayContaining([
          'position 270: the entry says globalPosition 280 (rows swapped or renumbered)',
          'position 280: the entry says globalPosition 270 (rows swapped or renumbered)',
          'position 270: leaf hash differs from the tile the log built (row rewritten after it was logged)',
          expect.stringMatching(/^position 271: recordedAt \S+ is earlier than \S+ at position 270 /),
          'stream usage-ds0: version 91 is at position 273, before version 90 at position 280 (rows reordered)',
          checkpointDisagrees(300),
        ]),
      );
    });

    it('when a forged row was inserted with every later row, the tiles and the tree head rewritten to match, then only the checkpoints signed after it disagree', async () => {
      const ledger = aSignedLedger().insertForged(280).rebuildLog();

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        checkpointDisagrees(300),
        'the later checkpoint of size 600 disagrees with the journal too',
      ]);
    });
  });

  describe('given checkpoints forged or rewritten', () => {
    const otherSigner = new NoteSigner(FIXTURE_ORIGIN, generateKeyPairSync('ed25519').privateKey);

    it('when a forged row is covered by a checkpoint signed with another key but naming the ledger’s, then its signature fails with and without --key', async () => {
      const ledger = aSignedLedger().append(1).integrate().sign(otherSigner);
      ledger.storedCheckpoints[4].verifierKey = ledger.signer.verifierKey;

      const withKey = await auditJournal(ledger, { key: parseVerifierKey(ledger.signer.verifierKey) });
      const withoutKey = await auditJournal(ledger);

      expect(messagesOf(withKey)).toEqual([
        expect.stringMatching(
          /^checkpoint of size 601 \(signed [^)]+\): its signature does not verify with the key given \(audit\.test\/log\+/,
        ),
      ]);
      expect(messagesOf(withoutKey)).toEqual([
        expect.stringMatching(
          /^checkpoint of size 601 \(signed [^)]+\): its signature does not verify with the key it names/,
        ),
      ]);
    });

    it('when a checkpoint names another key than the one before it, then the change is reported, and --key names the one that is not the ledger’s', async () => {
      const ledger = aSignedLedger().append(1).integrate().sign(otherSigner);

      const withoutKey = await auditJournal(ledger);
      const withKey = await auditJournal(ledger, { key: parseVerifierKey(ledger.signer.verifierKey) });

      expect(messagesOf(withoutKey)).toEqual([
        expect.stringMatching(
          /^checkpoint of size 601 \(signed [^)]+\) names the key \S+, the checkpoint before it \S+ \(a new signing key, or a forged checkpoint: audit with --key\)$/,
        ),
      ]);
      expect(messagesOf(withKey)).toEqual([
        expect.stringMatching(
          /^checkpoint of size 601 \(signed [^)]+\): its signature does not verify with the key given/,
        ),
      ]);
    });

    it('when a checkpoint’s columns no longer match its note, then each is named and its root is taken from the note', async () => {
      const ledger = aSignedLedger();
      ledger.storedCheckpoints[2].rootHash = leafHash('forged');
      ledger.storedCheckpoints[2].origin = 'elsewhere/log';

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        expect.stringMatching(
          /^checkpoint of size 300 \(signed [^)]+\): its note signs root \S+, the root_hash column holds \S+$/,
        ),
        expect.stringMatching(
          /^checkpoint of size 300 \(signed [^)]+\): its note names origin "audit.test\/log", the origin column "elsewhere\/log"$/,
        ),
      ]);
    });

    it('when a note is not a signed checkpoint, then it says why', async () => {
      const ledger = aSignedLedger();
      ledger.storedCheckpoints[1].note = 'audit.test/log\n256\n';

      expect(messagesOf(await auditJournal(ledger))).toEqual([
        expect.stringMatching(
          /^checkpoint of size 256 \(signed [^)]+\): its note is not a signed checkpoint \(not a signed note: no blank line before the signatures\)$/,
        ),
      ]);
    });
  });

  it('given more findings than it keeps, then it keeps the first ones in order and counts them all', async () => {
    const ledger = aSignedLedger();
    for (let position = 400; position < 550; position++) {
      ledger.editEntry(position, (entry) => {
        entry.data.recordCount = -1;
      });
    }

    const report = await auditJournal(ledger, { maxFindings: 100 });

    expect(report.findings).toHaveLength(100);
    expect(report.findings[0].message).toBe(
      'position 400: the stored entry does not hash to its leaf hash (altered entry)',
    );
    expect(report.findingCount).toBe(150 + 2);
    expect(report.countsByKind).toEqual({ 'altered-entry': 150, checkpoint: 1, 'tree-head': 1 });
  });
});

describe('verdictLines', () => {
  const report: AuditReport = {
    entries: 610,
    size: 610,
    root: Buffer.alloc(32, 1),
    treeSize: 610,
    checkpointsChecked: 4,
    latestCheckpointSize: 600,
    findings: [],
    findingCount: 0,
    countsByKind: {},
  };

  it('given everything agrees, then one line counts entries and checkpoints, gives the root and what is not signed yet', () => {
    const outcome: AuditOutcome = { exitCode: 0, findings: [], findingCount: 0, report };

    expect(verdictLines(outcome)).toEqual([
      `audit passed: 610 entries, 4 checkpoints checked, root ${Buffer.alloc(32, 1).toString('base64')} (size 610); ` +
        'the 10 entries after the latest checkpoint (size 600) are not signed yet',
    ]);
  });

  it('given findings beyond those kept, then each kept finding is a line, then a count of the rest and a verdict', () => {
    const findings = Array.from({ length: 100 }, (_, i) => ({
      kind: 'missing' as const,
      message: `position ${i} is missing (deleted row)`,
    }));
    const countsByKind = { missing: 1_200, checkpoint: 34 };
    const outcome: AuditOutcome = {
      exitCode: 1,
      findings,
      findingCount: 1_234,
      report: { ...report, findings, findingCount: 1_234, countsByKind },
    };

    const lines = verdictLines(outcome);

    expect(lines).toHaveLength(102);
    expect(lines[0]).toBe('position 0 is missing (deleted row)');
    expect(lines.slice(-2)).toEqual([
      '… and 1,134 more findings (missing 1,100, checkpoint 34)',
      'audit FAILED: 1,234 findings over 610 entries, 4 checkpoints checked',
    ]);
  });
});

describe('parseVerifierKey', () => {
  const signer = new NoteSigner('example.org/log', generateKeyPairSync('ed25519').privateKey);

  it('given the key a signer publishes, then it reads back its name, id and public key', () => {
    expect(parseVerifierKey(signer.verifierKey)).toMatchObject({
      name: 'example.org/log',
      keyId: signer.keyId,
      publicKey: signer.publicKey,
    });
  });

  it.each([
    ['a key id that is not this key’s', () => signer.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')],
    ['no key id', () => `example.org/log+${signer.verifierKey.split('+').slice(2).join('+')}`],
    ['a truncated key', () => signer.verifierKey.slice(0, -8)],
  ])('given %s, then it is refused', (_, key) => {
    expect(() => parseVerifierKey(key())).toThrow(VerifierKeyError);
  });
});
