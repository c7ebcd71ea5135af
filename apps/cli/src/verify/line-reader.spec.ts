import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLine, readLines } from './line-reader';

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'ledger-lines-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function linesOf(content: string, chunkBytes: number): Promise<{ lines: string[]; bytesRead: number }> {
  const path = join(directory, `lines-${chunkBytes}-${content.length}`);
  writeFileSync(path, content);
  const lines: string[] = [];
  let bytesRead = 0;
  for await (const batch of readLines(path, chunkBytes)) {
    lines.push(...batch.lines.map(decodeLine));
    bytesRead = batch.bytesRead;
  }
  return { lines, bytesRead };
}

describe('readLines', () => {
  const content = '{"title":"Luftqualität — 上海 🦆"}\n\n{"n":2}\r\nlast line without newline';

  it.each([1, 2, 3, 5, 7, 64, 1024 * 1024])(
    'given chunks of %s bytes that split characters and lines, then the lines come back whole',
    async (chunkBytes) => {
      const { lines, bytesRead } = await linesOf(content, chunkBytes);

      expect(lines).toEqual([
        '{"title":"Luftqualität — 上海 🦆"}',
        '',
        '{"n":2}\r',
        'last line without newline',
      ]);
      expect(bytesRead).toBe(Buffer.byteLength(content));
    },
  );

  it('given a file ending in a newline, then no empty last line is made up', async () => {
    expect((await linesOf('a\nb\n', 3)).lines).toEqual(['a', 'b']);
  });

  it('given an empty file, then there are no lines', async () => {
    expect((await linesOf('', 4)).lines).toEqual([]);
  });
});
