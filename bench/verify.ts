/**
 * The offline verifier's speed on a large export, printed beside ceilings measured in the same run on
 * the same file: reading its lines and JSON.parse of each (what no verifier can beat), the same plus
 * SHA-256 of each line, and Node's own readline with JSON.parse.
 *
 *   npx ts-node --swc -r tsconfig-paths/register bench/verify.ts [--entries 1000000] [--entry-every 1] [--keep]
 *   npx ts-node --swc -r tsconfig-paths/register bench/verify.ts --file <an export kept earlier>
 *
 * `--entry-every K` writes every K-th position as an entry and the others as stubs (1: all entries,
 * the slowest case, since each entry is canonicalised and hashed). The export goes to a temporary
 * directory, removed afterwards unless `--keep`; `--file` measures an existing export instead.
 */
import { hash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readLines } from '../apps/cli/src/verify/line-reader';
import {
  checkpointBody,
  closingLine,
  entryLine,
  fixtureCanonicalJson,
  fixtureLeafHash,
  generateLogKey,
  headerLine,
  ledgerEntry,
  LevelMerkleTree,
  signNote,
  stubLine,
} from '../apps/cli/src/verify/testing/export-fixture';
import { verifyExport } from '../apps/cli/src/verify/verify-export';
import { scriptOptions } from '../test/support/script-options';

const args = scriptOptions(__filename, {
  entries: { type: 'string', default: '1000000' },
  'entry-every': { type: 'string', default: '1' },
  keep: { type: 'boolean', default: false },
  file: { type: 'string' },
});
const entries = Number(args.entries);
const entryEvery = Number(args['entry-every']);

/** Writes the export of a whole log of `size` entries. */
function generate(path: string, size: number): void {
  const key = generateLogKey('bench.example.gov/audit-log');
  const leafHashes = Buffer.alloc(size * 32);
  for (let position = 0; position < size; position++) {
    fixtureLeafHash(fixtureCanonicalJson(ledgerEntry(position))).copy(leafHashes, position * 32);
  }
  const tree = new LevelMerkleTree(leafHashes);
  const checkpoint = signNote(checkpointBody(key.name, size, tree.root()), key);
  const file = openSync(path, 'w');
  let pending: string[] = [headerLine({ from: 0, to: size, checkpoint, verifierKey: key.verifierKey })];
  let matched = 0;
  for (let position = 0; position < size; position++) {
    const leafHash = leafHashes.subarray(position * 32, position * 32 + 32);
    const proof = tree.inclusionProof(position);
    if (position % entryEvery === 0) {
      matched++;
      pending.push(entryLine(fixtureCanonicalJson(ledgerEntry(position)), leafHash, proof));
    } else {
      pending.push(stubLine(position, leafHash, proof));
    }
    if (pending.length === 2000) {
      writeSync(file, `${pending.join('\n')}\n`);
      pending = [];
    }
  }
  pending.push(closingLine(size, matched));
  writeSync(file, `${pending.join('\n')}\n`);
  closeSync(file);
}

async function timed(title: string, run: () => Promise<number>): Promise<{ lines: number; seconds: number }> {
  process.stdout.write(`  ${title}… `);
  const start = process.hrtime.bigint();
  const lines = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${rate(lines, seconds)} lines/s\n`);
  return { lines, seconds };
}

function rate(lines: number, seconds: number): string {
  return Math.round(lines / seconds).toLocaleString('en');
}

const mebibytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;

/** What an export's header says: its verifier key and how many lines the export has. */
function headerOf(path: string): { verifierKey: string; lines: number } {
  const file = openSync(path, 'r');
  const buffer = Buffer.alloc(64 * 1024);
  const head = buffer.subarray(0, readSync(file, buffer)).toString('utf8');
  closeSync(file);
  const header = JSON.parse(head.slice(0, head.indexOf('\n'))) as {
    verifierKey: string;
    range: { from: number; to: number };
  };
  return { verifierKey: header.verifierKey, lines: header.range.to - header.range.from + 2 };
}

async function main(): Promise<void> {
  const directory = args.file === undefined ? mkdtempSync(join(tmpdir(), 'ledger-verify-bench-')) : undefined;
  const path = args.file ?? join(directory as string, 'export.ndjson');
  try {
    if (args.file === undefined) {
      process.stdout.write(
        `generating an export of ${entries.toLocaleString('en')} positions (entry every ${entryEvery})… `,
      );
      const generatedAt = process.hrtime.bigint();
      generate(path, entries);
      const seconds = Number(process.hrtime.bigint() - generatedAt) / 1e9;
      process.stdout.write(`${mebibytes(statSync(path).size)} in ${seconds.toFixed(0)} s\n`);
    }
    const { verifierKey, lines } = headerOf(path);
    const size = statSync(path).size;
    console.log(path);

    // Verified first, in a process that has done nothing else yet, as `ledger verify` runs.
    // Flat memory shows as a peak no higher than the RSS once a tenth of the file is read.
    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    let rssAtTenth = 0;
    let verdict = '';
    const verified = await timed('verifyExport', async () => {
      const result = await verifyExport({
        exportPath: path,
        key: verifierKey,
        onProgress: (read, total) => {
          rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
          if (rssAtTenth === 0 && read >= total / 10) rssAtTenth = rssPeak;
        },
      });
      verdict = result.verdict;
      return lines;
    });

    const parseOnly = await timed('ceiling: read lines + JSON.parse', async () => {
      let count = 0;
      for await (const batch of readLines(path)) {
        for (const line of batch.lines) {
          JSON.parse(line);
          count++;
        }
      }
      return count;
    });
    const parseAndHash = await timed('ceiling: read lines + JSON.parse + SHA-256 of the line', async () => {
      let count = 0;
      for await (const batch of readLines(path)) {
        for (const line of batch.lines) {
          JSON.parse(line);
          hash('sha256', line, 'buffer');
          count++;
        }
      }
      return count;
    });
    const readline = await timed('reference: node:readline + JSON.parse', async () => {
      let count = 0;
      for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
        JSON.parse(line);
        count++;
      }
      return count;
    });

    console.log(`\n${verdict}`);
    console.log(`\n| measurement | lines/s | % of the parse ceiling |`);
    console.log(`|---|---|---|`);
    for (const [title, figures] of [
      ['verifyExport', verified],
      ['ceiling: read lines + JSON.parse', parseOnly],
      ['ceiling: read lines + JSON.parse + SHA-256', parseAndHash],
      ['reference: node:readline + JSON.parse', readline],
    ] as const) {
      const percent = Math.round((100 * parseOnly.seconds) / figures.seconds);
      console.log(`| ${title} | ${rate(figures.lines, figures.seconds)} | ${percent}% |`);
    }
    console.log(
      `\nfile ${mebibytes(size)}; RSS before verifying ${mebibytes(rssBefore)}, after a tenth of the file ` +
        `${mebibytes(rssAtTenth)}, peak ${mebibytes(rssPeak)}; verify took ${verified.seconds.toFixed(1)} s`,
    );
  } finally {
    if (directory !== undefined && args.keep) console.log(`kept ${path}`);
    else if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  }
}

void main();
