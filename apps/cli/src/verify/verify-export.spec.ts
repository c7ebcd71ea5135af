import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkpointBody,
  createLog,
  exportLines,
  ExportSpec,
  FixtureLog,
  generateLogKey,
  signNote,
  writeLines,
} from './testing/export-fixture';
import { VerificationResult } from './verification-result';
import { EXIT_CODES, exitCodeOf, runVerifyCommand } from './verify-command';
import { verifyExport } from './verify-export';

const log = createLog(40);
const ORIGIN = log.key.name;
/** 40 positions, every third an entry: 0, 3, …, 39. */
const MATCHED = 14;

let directory: string;
let files = 0;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'ledger-verify-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function textFile(content: string): string {
  const path = join(directory, `file-${++files}`);
  writeFileSync(path, content);
  return path;
}

function exportFile(lines: readonly string[]): string {
  return writeLines(directory, `export-${++files}.ndjson`, lines);
}

async function verify(
  lines: readonly string[],
  options: { key?: string; trusted?: string } = {},
): Promise<VerificationResult> {
  return verifyExport({
    exportPath: exportFile(lines),
    key: options.key ?? log.key.verifierKey,
    trustedPath: options.trusted === undefined ? undefined : textFile(options.trusted),
  });
}

function linesOf(spec: ExportSpec = {}, of: FixtureLog = log): string[] {
  return exportLines(of, spec);
}

/** The index in the lines of an export starting at `from` that holds `position` (the file line is one more). */
const indexOf = (position: number, from = 0): number => position - from + 1;

function edit(lines: readonly string[], index: number, change: (line: string) => string): string[] {
  return lines.map((line, i) => (i === index ? change(line) : line));
}

function flipBit(base64: string, byte = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byte] ^= 0x01;
  return bytes.toString('base64');
}

function proofOf(line: string): string[] {
  return (JSON.parse(line) as { proof: string[] }).proof;
}

function leafHashOf(line: string): string {
  return (JSON.parse(line) as { leafHash: string }).leafHash;
}

function expectTampered(
  result: VerificationResult,
  where: { line?: number; position?: number },
  reason: RegExp,
): void {
  expect(result).toMatchObject({ ok: false, kind: 'tampered' });
  expect(result.failure?.line).toBe(where.line);
  expect(result.failure?.position).toBe(where.position);
  expect(result.failure?.reason).toMatch(reason);
  expect(result.verdict.startsWith('TAMPERED: ')).toBe(true);
  expect(result.verdict).toContain(result.failure?.reason);
}

function expectUnusable(result: VerificationResult, reason: RegExp): void {
  expect(result).toMatchObject({ ok: false, kind: 'unusable' });
  expect(result.failure?.reason).toMatch(reason);
  expect(result.verdict.startsWith('UNUSABLE: ')).toBe(true);
}

describe('verifyExport, given an untouched export', () => {
  it('when the export covers the whole log, then it is verified and the verdict gives its counts and checkpoint', async () => {
    const result = await verify(linesOf());

    expect(result).toEqual({
      ok: true,
      kind: 'ok',
      verdict: `OK: 40 positions [0, 40), ${MATCHED} matched entries, under checkpoint of size 40 (origin ${ORIGIN})`,
    });
  });

  it('when every position matches the filter, then it is verified', async () => {
    const result = await verify(linesOf({ matches: () => true }));

    expect(result.verdict).toBe(
      `OK: 40 positions [0, 40), 40 matched entries, under checkpoint of size 40 (origin ${ORIGIN})`,
    );
  });

  it('when no position matches the filter, then the stubs alone are verified', async () => {
    const result = await verify(linesOf({ matches: () => false }));

    expect(result).toMatchObject({ ok: true, kind: 'ok' });
    expect(result.verdict).toContain('0 matched entries');
  });

  it('when the range is a middle slice [13, 29) of a larger tree, then it is verified against that tree', async () => {
    const result = await verify(linesOf({ from: 13, to: 29 }));

    expect(result.verdict).toBe(
      `OK: 16 positions [13, 29), 5 matched entries, under checkpoint of size 40 (origin ${ORIGIN})`,
    );
  });

  it('when the checkpoint is of a size between the range end and the log size, then the proofs are for that tree', async () => {
    const result = await verify(linesOf({ from: 2, to: 30, treeSize: 33 }));

    expect(result).toMatchObject({ ok: true, kind: 'ok' });
    expect(result.verdict).toContain('under checkpoint of size 33');
  });

  it('when the export has no positions, then its checkpoint and closing line are verified', async () => {
    const result = await verify(linesOf({ from: 17, to: 17 }));

    expect(result.verdict).toBe(
      `OK: 0 positions [17, 17), 0 matched entries, under checkpoint of size 40 (origin ${ORIGIN})`,
    );
  });

  it('when the log is empty, then the export of nothing under the empty checkpoint is verified', async () => {
    const empty = createLog(0, { key: log.key });

    const result = await verify(linesOf({}, empty));

    expect(result).toMatchObject({ ok: true, kind: 'ok' });
    expect(result.verdict).toContain('under checkpoint of size 0');
  });

  it('when the checkpoint is also signed by a witness, before or after the log, then the other signature is ignored', async () => {
    const witness = generateLogKey('witness.example.org');

    for (const signers of [
      [log.key, witness],
      [witness, log.key],
    ]) {
      const result = await verify(linesOf({ checkpoint: log.checkpoint(40, { signers }) }));
      expect(result).toMatchObject({ ok: true, kind: 'ok' });
    }
  });

  it('when entries hold text in any script and names beyond U+FFFF, then they are hashed as the ledger stored them', async () => {
    const multilingual = createLog(12, {
      key: log.key,
      rewrite: (entry) => ({
        ...entry,
        data: {
          ...(entry.data as object),
          名称: '上海市公共数据开放',
          '\ud83e\udd86': 'duck',
          '\ufb01': 'ligature',
          Ærø: 'ø',
        },
      }),
    });

    const result = await verify(linesOf({ matches: () => true }, multilingual));

    expect(result).toMatchObject({ ok: true, kind: 'ok' });
  });

  it('when the file has CRLF line endings, then it is verified', async () => {
    const path = textFile(
      linesOf()
        .map((line) => `${line}\r\n`)
        .join(''),
    );

    const result = await verifyExport({ exportPath: path, key: log.key.verifierKey });

    expect(result).toMatchObject({ ok: true, kind: 'ok' });
  });

  it('when --key names a file holding the key, or the answer of GET /v1/log/key, then that key is used', async () => {
    const exportPath = exportFile(linesOf());

    for (const content of [
      `${log.key.verifierKey}\n`,
      JSON.stringify({ origin: ORIGIN, verifierKey: log.key.verifierKey }),
    ]) {
      const result = await verifyExport({ exportPath, key: textFile(content) });
      expect(result).toMatchObject({ ok: true, kind: 'ok' });
    }
  });

  it('when the file is read, then progress is reported up to its size', async () => {
    const exportPath = exportFile(linesOf());
    const reports: [number, number][] = [];

    await verifyExport({
      exportPath,
      key: log.key.verifierKey,
      onProgress: (read, total) => reports.push([read, total]),
    });

    const [read, total] = reports[reports.length - 1];
    expect(read).toBe(total);
    expect(total).toBe(Buffer.byteLength(`${linesOf().join('\n')}\n`));
  });
});

describe('verifyExport, given an altered export, then the first bad line is named with the reason', () => {
  const lines = linesOf();
  const trailerLine = lines.length; // 1-based number of the closing line

  it('when one character of an entry is changed, then its leaf hash does not match', async () => {
    const altered = edit(lines, indexOf(6), (line) => line.replace('Messwerte', 'Nesswerte'));

    expectTampered(await verify(altered), { line: 8, position: 6 }, /leaf hash does not match the entry/);
  });

  it('when one bit of an entry’s leaf hash is flipped, then it does not match the entry', async () => {
    const altered = edit(lines, indexOf(9), (line) =>
      line.replace(leafHashOf(line), flipBit(leafHashOf(line))),
    );

    expectTampered(await verify(altered), { line: 11, position: 9 }, /leaf hash does not match the entry/);
  });

  it('when one bit of a non-matching position’s leaf hash is flipped, then its inclusion proof fails', async () => {
    const altered = edit(lines, indexOf(10), (line) =>
      line.replace(leafHashOf(line), flipBit(leafHashOf(line), 31)),
    );

    expectTampered(
      await verify(altered),
      { line: 12, position: 10 },
      /inclusion proof does not lead to the checkpoint's root: the leaf hash is not the one/,
    );
  });

  it.each([
    ['the lowest', 0],
    ['a middle', 2],
    ['the topmost (shared with every neighbour verified just before)', 5],
  ])(
    'when one bit of %s proof element is flipped, then its inclusion proof fails',
    async (_which, element) => {
      const position = 21;
      const altered = edit(lines, indexOf(position), (line) => {
        const original = proofOf(line)[element];
        return line.replace(`"${original}"`, `"${flipBit(original, 17)}"`);
      });

      expectTampered(
        await verify(altered),
        { line: 23, position },
        /inclusion proof does not lead to the checkpoint's root: the entry is not the one the log holds/,
      );
    },
  );

  it('when the shared top proof element is altered alike on every line, then the first line is caught', async () => {
    const top = proofOf(lines[indexOf(0)]).at(-1) as string;
    const altered = lines.map((line) => line.replaceAll(`"${top}"`, `"${flipBit(top)}"`));

    expectTampered(await verify(altered), { line: 2, position: 0 }, /inclusion proof does not lead/);
  });

  it('when a proof element is not base64 of 32 bytes, then the proof is refused', async () => {
    const altered = edit(lines, indexOf(4), (line) => {
      const original = proofOf(line)[1];
      return line.replace(`"${original}"`, `"${original.slice(0, -4)}"`);
    });

    expectTampered(await verify(altered), { line: 6, position: 4 }, /not a base64 SHA-256 hash/);
  });

  it('when a line is dropped, then its position is missing', async () => {
    const altered = lines.filter((_, i) => i !== indexOf(5));

    expectTampered(
      await verify(altered),
      { line: 7, position: 5 },
      /position 5 is missing: the line holds position 6/,
    );
  });

  it('when two lines are swapped, then the first of them is missing', async () => {
    const altered = [...lines];
    [altered[indexOf(5)], altered[indexOf(6)]] = [altered[indexOf(6)], altered[indexOf(5)]];

    expectTampered(
      await verify(altered),
      { line: 7, position: 5 },
      /position 5 is missing: the line holds position 6/,
    );
  });

  it('when a line is duplicated, then the copy is where the next position should be', async () => {
    const altered = [...lines.slice(0, indexOf(5) + 1), lines[indexOf(5)], ...lines.slice(indexOf(5) + 1)];

    expectTampered(
      await verify(altered),
      { line: 8, position: 6 },
      /holds position 5 where position 6 should be/,
    );
  });

  it('when the last position is duplicated, then the copy is where the closing line should be', async () => {
    const altered = [...lines.slice(0, -1), lines[indexOf(39)], lines[lines.length - 1]];

    expectTampered(
      await verify(altered),
      { line: trailerLine },
      /a further line follows where the closing line should be/,
    );
  });

  it('when the closing line is dropped, then the export is truncated', async () => {
    const result = await verify(lines.slice(0, -1));

    expectTampered(result, { line: trailerLine }, /without its closing line: the export is truncated/);
  });

  it('when the file is cut after a line, then it ends before the rest of the range', async () => {
    const result = await verify(lines.slice(0, indexOf(20) + 1));

    expectTampered(result, { line: 23, position: 21 }, /after 21 of the range's 40 positions .* truncated/);
  });

  it('when the file is cut in the middle of a line, then that line is not JSON', async () => {
    const content = `${lines.join('\n')}\n`;
    const cut = content.indexOf(lines[indexOf(20)]) + 300;

    const result = await verifyExport({
      exportPath: textFile(content.slice(0, cut)),
      key: log.key.verifierKey,
    });

    expectTampered(
      result,
      { line: 22, position: 20 },
      /not valid JSON: the file is damaged or was cut short/,
    );
  });

  it('when the closing line comes early, then the positions left out are named', async () => {
    const altered = [...lines.slice(0, indexOf(30)), lines[lines.length - 1]];

    expectTampered(await verify(altered), { line: 32, position: 30 }, /positions 30 to 39 are missing/);
  });

  it('when the closing line counts a position too many, then it is refused', async () => {
    const altered = edit(lines, lines.length - 1, () => `{"count":41,"matched":${MATCHED}}`);

    expectTampered(
      await verify(altered),
      { line: trailerLine },
      /counts 41 positions, but the range holds 40/,
    );
  });

  it('when the closing line counts a matched entry too many, then it is refused', async () => {
    const altered = edit(lines, lines.length - 1, () => `{"count":40,"matched":${MATCHED + 1}}`);

    expectTampered(
      await verify(altered),
      { line: trailerLine },
      /says 15 entries matched, but the export holds 14/,
    );
  });

  it('when a line follows the closing line, then it is refused', async () => {
    const result = await verify([...lines, lines[indexOf(3)]]);

    expectTampered(result, { line: trailerLine + 1 }, /more after the closing line/);
  });

  it('when a line is respaced, then it is not as the ledger writes it', async () => {
    const altered = edit(lines, indexOf(3), (line) => line.replace('"leafHash":', '"leafHash": '));

    expectTampered(await verify(altered), { line: 5, position: 3 }, /not written as the ledger writes it/);
  });

  it('when a character of an entry is written as an escape, then the line is not as the ledger writes it', async () => {
    const altered = edit(lines, indexOf(6), (line) => line.replace('ü', '\\u00fc'));

    expectTampered(await verify(altered), { line: 8, position: 6 }, /not written as the ledger writes it/);
  });

  it('when an entry line repeats "entry" with another entry first, then the repetition is refused', async () => {
    const genuine = lines[indexOf(3)];
    const forged = JSON.stringify({
      ...(JSON.parse(genuine) as { entry: object }).entry,
      type: 'DatasetWithdrawn',
    });
    const altered = edit(lines, indexOf(3), (line) =>
      line.replace('{"entry":', `{"entry":${forged},"entry":`),
    );

    expectTampered(await verify(altered), { line: 5, position: 3 }, /not written as the ledger writes it/);
  });

  it('when a line carries an extra field, then it is refused', async () => {
    const altered = edit(lines, indexOf(4), (line) =>
      line.replace('{"position":', '{"approved":true,"position":'),
    );

    expectTampered(await verify(altered), { line: 6, position: 4 }, /not \{"position","leafHash","proof"\}/);
  });
});

describe('verifyExport, given a checkpoint that is not the pinned log’s', () => {
  it('when the checkpoint is another log’s, signed by that log’s key, then it is refused', async () => {
    const other = createLog(40, { key: generateLogKey('other-ledger.example.org/log') });
    const lines = linesOf({ checkpoint: other.checkpoint(40) });

    expectTampered(
      await verify(lines),
      { line: 1 },
      /checkpoint is of the log "other-ledger.example.org\/log", not of "ledger.example.gov\/audit-log" whose key you trust/,
    );
  });

  it('when the whole export is another log’s, then its checkpoint is refused', async () => {
    const other = createLog(40, { key: generateLogKey('other-ledger.example.org/log') });

    expectTampered(await verify(exportLines(other)), { line: 1 }, /checkpoint is of the log "other-ledger/);
  });

  it('when the checkpoint is signed by another key under the same name, then it is refused', async () => {
    const impostor = generateLogKey(ORIGIN);
    const lines = linesOf({ checkpoint: log.checkpoint(40, { signers: [impostor] }) });

    expectTampered(await verify(lines), { line: 1 }, /checkpoint is not signed by the key you trust/);
  });

  it('when the checkpoint’s origin differs from the key’s name, though signed by the key, then it is refused', async () => {
    const lines = linesOf({ checkpoint: log.checkpoint(40, { origin: 'ledger.example.gov/another-log' }) });

    expectTampered(
      await verify(lines),
      { line: 1 },
      /checkpoint is of the log "ledger.example.gov\/another-log"/,
    );
  });

  it('when the checkpoint’s root is changed after signing, then its signature does not verify', async () => {
    const note = log.checkpoint(40);
    const root = log.tree.root(40).toString('base64');
    const lines = linesOf({ checkpoint: note.replace(root, flipBit(root)) });

    expectTampered(await verify(lines), { line: 1 }, /signature on the checkpoint does not verify/);
  });

  it('when the header’s range goes beyond the checkpoint, then it is refused', async () => {
    const lines = edit(linesOf(), 0, (header) => header.replace('"to":40', '"to":41'));

    expectTampered(await verify(lines), { line: 1 }, /range ends at 41, beyond the checkpoint's 40 entries/);
  });
});

describe('verifyExport with --trusted, an older checkpoint kept by the officer', () => {
  it('when the export proves its checkpoint extends the trusted one, then it is verified and says so', async () => {
    const result = await verify(linesOf({ trustedSize: 25 }), { trusted: log.checkpoint(25) });

    expect(result.verdict).toBe(
      `OK: 40 positions [0, 40), ${MATCHED} matched entries, under checkpoint of size 40 (origin ${ORIGIN}), consistent with trusted size 25`,
    );
  });

  it('when the trusted checkpoint is the export’s own size and root, then it is verified with an empty proof', async () => {
    const result = await verify(linesOf({ trustedSize: 40 }), { trusted: log.checkpoint(40) });

    expect(result).toMatchObject({ ok: true, kind: 'ok' });
    expect(result.verdict).toContain('consistent with trusted size 40');
  });

  it('when the trusted checkpoint is of a rewritten history, then the export is inconsistent', async () => {
    const rewritten = createLog(40, {
      key: log.key,
      rewrite: (entry) => (entry.globalPosition === 3 ? { ...entry, type: 'DatasetWithdrawn' } : entry),
    });

    const result = await verify(linesOf({ trustedSize: 25 }), { trusted: rewritten.checkpoint(25) });

    expectTampered(
      result,
      { line: 1 },
      /does not extend your trusted checkpoint \(size 25\): the log's history was rewritten/,
    );
  });

  it('when the trusted checkpoint has the same size but another root, then the export is inconsistent', async () => {
    const rewritten = createLog(40, { key: log.key, rewrite: (entry) => ({ ...entry, schemaVersion: 2 }) });

    const result = await verify(linesOf({ trustedSize: 40 }), { trusted: rewritten.checkpoint(40) });

    expectTampered(result, { line: 1 }, /both have 40 entries but different roots/);
  });

  it('when the trusted checkpoint is larger than the export’s, then the export cannot vouch for it', async () => {
    const result = await verify(linesOf({ to: 30, treeSize: 30 }), { trusted: log.checkpoint(40) });

    expectTampered(
      result,
      { line: 1 },
      /checkpoint \(size 30\) is older than your trusted checkpoint \(size 40\)/,
    );
  });

  it('when the header carries no consistency proof, then it is refused', async () => {
    const result = await verify(linesOf(), { trusted: log.checkpoint(25) });

    expectTampered(result, { line: 1 }, /no consistency proof from your trusted size 25/);
  });

  it('when the header’s consistency proof starts from another size, then it is refused', async () => {
    const result = await verify(linesOf({ trustedSize: 20 }), { trusted: log.checkpoint(25) });

    expectTampered(result, { line: 1 }, /goes from size 20 to 40, not from your trusted size 25/);
  });

  it('when a bit of the consistency proof is flipped, then the export is inconsistent', async () => {
    const lines = edit(linesOf({ trustedSize: 25 }), 0, (text) => {
      const header = JSON.parse(text) as { consistencyProof: { proof: string[] } };
      header.consistencyProof.proof[1] = flipBit(header.consistencyProof.proof[1]);
      return JSON.stringify(header);
    });

    expectTampered(
      await verify(lines, { trusted: log.checkpoint(25) }),
      { line: 1 },
      /does not extend your trusted/,
    );
  });

  it('when the trusted checkpoint is not signed by the pinned key, then it is refused', async () => {
    const trusted = log.checkpoint(25, { signers: [generateLogKey(ORIGIN)] });

    const result = await verify(linesOf({ trustedSize: 25 }), { trusted });

    expectTampered(result, {}, /your trusted checkpoint is not signed by the key you trust/);
    expect(result.verdict).toBe(`TAMPERED: ${result.failure?.reason}`);
  });

  it('when an altered line comes before an inconsistent checkpoint, then the line is reported first', async () => {
    const lines = edit(linesOf({ trustedSize: 25 }), indexOf(6), (line) =>
      line.replace('Messwerte', 'Messwerke'),
    );
    const rewritten = createLog(40, { key: log.key, rewrite: (entry) => ({ ...entry, schemaVersion: 2 }) });

    expectTampered(
      await verify(lines, { trusted: rewritten.checkpoint(25) }),
      { line: 8, position: 6 },
      /leaf hash/,
    );
  });
});

describe('verifyExport, given input it cannot check', () => {
  it('when the export file does not exist, then it is unusable', async () => {
    const result = await verifyExport({
      exportPath: join(directory, 'missing.ndjson'),
      key: log.key.verifierKey,
    });

    expectUnusable(result, /cannot be read \(no such file\)/);
  });

  it('when the key is garbage, then it is unusable', async () => {
    expectUnusable(
      await verify(linesOf(), { key: 'not-a-key' }),
      /--key is neither a verifier key nor a readable key file/,
    );
  });

  it('when the key’s id does not match its name and public key, then it is unusable', async () => {
    const key = log.key.verifierKey.replace(`+${log.key.keyId.toString('hex')}+`, '+00000000+');
    const result = await verify(linesOf(), { key });

    expectUnusable(result, /id 00000000 is not the one its name and key give/);
  });

  it('when the first line is not JSON, then it is unusable', async () => {
    const result = await verify(['Date,Type,Stream', ...linesOf().slice(1)]);

    expectUnusable(result, /first line is not JSON/);
    expect(result.failure?.line).toBe(1);
  });

  it('when the first line is another format, then it is unusable', async () => {
    const lines = edit(linesOf(), 0, (header) =>
      header.replace('ledger-audit-export/1', 'ledger-audit-export/2'),
    );

    expectUnusable(
      await verify(lines),
      /format "ledger-audit-export\/2"; this verifier reads ledger-audit-export\/1/,
    );
  });

  it('when the file is empty, then it is unusable', async () => {
    expectUnusable(await verifyExport({ exportPath: textFile(''), key: log.key.verifierKey }), /empty/);
  });

  it('when the trusted checkpoint file is missing, not a checkpoint, or of the empty log, then it is unusable', async () => {
    const exportPath = exportFile(linesOf({ trustedSize: 25 }));
    const empty = signNote(checkpointBody(ORIGIN, 0, createLog(0).tree.root()), log.key);

    for (const [trustedPath, reason] of [
      [join(directory, 'missing-checkpoint'), /cannot be read \(no such file\)/],
      [textFile('{"size":25}'), /is not a signed checkpoint/],
      [textFile(empty), /empty log/],
    ] as const) {
      expectUnusable(await verifyExport({ exportPath, key: log.key.verifierKey, trustedPath }), reason);
    }
  });
});

describe('ledger verify’s exit codes', () => {
  function output(isTTY = false): {
    stdout: string[];
    stderr: string[];
    streams: Parameters<typeof runVerifyCommand>[2];
  } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return {
      stdout,
      stderr,
      streams: {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: (text: string) => stderr.push(text), isTTY, columns: 100 },
      },
    };
  }

  it('given each kind of result, then ok exits 0, tampered 1 and unusable 2', () => {
    expect(exitCodeOf({ kind: 'ok' })).toBe(0);
    expect(exitCodeOf({ kind: 'tampered' })).toBe(1);
    expect(exitCodeOf({ kind: 'unusable' })).toBe(2);
    expect(EXIT_CODES).toEqual({ ok: 0, tampered: 1, unusable: 2 });
  });

  it.each([
    ['a verified export', () => exportFile(linesOf()), 0, /^OK: 40 positions/],
    [
      'a tampered export',
      () => exportFile(edit(linesOf(), indexOf(6), (line) => line.replace('Messwerte', 'Messwerfe'))),
      1,
      /^TAMPERED: line 8 \(position 6\): the leaf hash does not match the entry/,
    ],
    ['a missing file', () => join(directory, 'nothing-here.ndjson'), 2, /^UNUSABLE: /],
  ])(
    'given %s, then the command prints one verdict line and returns %s',
    async (_given, path, code, verdict) => {
      const out = output();

      const exitCode = await runVerifyCommand(path(), { key: log.key.verifierKey }, out.streams);

      expect(exitCode).toBe(code);
      expect(out.stdout).toHaveLength(1);
      expect(out.stdout[0]).toMatch(verdict);
      expect(out.stdout[0].endsWith('\n')).toBe(true);
      expect(out.stderr).toEqual([]);
    },
  );

  it('given a garbage key, then the command returns 2', async () => {
    const out = output();

    expect(await runVerifyCommand(exportFile(linesOf()), { key: 'garbage' }, out.streams)).toBe(2);
  });

  it('given a terminal on stderr, then a progress bar is drawn there and cleared before the verdict', async () => {
    const out = output(true);

    await runVerifyCommand(exportFile(linesOf()), { key: log.key.verifierKey }, out.streams);

    expect(out.stderr.some((text) => text.includes('100.0%'))).toBe(true);
    expect(out.stderr[out.stderr.length - 1]).toBe('\r\u001b[2K');
    expect(out.stdout).toHaveLength(1);
  });
});
