import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TEMP_DIRECTORY } from './test-backend';

const ROOT = join(__dirname, '..', '..');
const CONSOLE_SOURCES = join(ROOT, 'apps', 'console');

/**
 * The console as the tests serve it: built by Vite from the sources in the checkout, once per change
 * of them (kept in .tmp/console-builds/<hash of the sources>), so every run tests the page as it is
 * now and a run that changes nothing of the console builds nothing.
 */
export function builtConsoleDirectory(): string {
  const hash = sourcesHash();
  const builds = join(TEMP_DIRECTORY, 'console-builds');
  const target = join(builds, hash);
  if (existsSync(join(target, 'index.html'))) return target;
  mkdirSync(builds, { recursive: true });
  const scratch = `${target}.${process.pid}.building`;
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(CONSOLE_SOURCES, 'vite.config.mts'),
      '--outDir',
      scratch,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  try {
    renameSync(scratch, target);
  } catch (error) {
    // Another run built the same sources at the same time: theirs is as good as ours.
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(join(target, 'index.html'))) throw error;
  }
  return target;
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(CONSOLE_SOURCES).sort()) {
    hash.update(relative(CONSOLE_SOURCES, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
