import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { preProcessFile } from 'typescript';

/**
 * The offline verifier trusts nothing but Node itself: its code imports `node:*` modules and its own
 * files, never the ledger's libraries (whose Merkle code it must not share) nor an npm package.
 */
function verifierSources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : verifierSources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the verifier’s dependencies', () => {
  const sources = verifierSources(__dirname);

  it('given its source files, then there are some to check', () => {
    expect(sources.length).toBeGreaterThan(5);
  });

  it.each(sources.map((path) => [relative(__dirname, path), path]))(
    'given %s, then it imports only node:* modules and files of the verifier',
    (_name, path) => {
      const specifiers = preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.map(
        (file) => file.fileName,
      );

      const foreign = specifiers.filter(
        (specifier) => !specifier.startsWith('node:') && !/^\.\/[\w-]+$/.test(specifier),
      );
      expect(foreign).toEqual([]);
    },
  );
});
