import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class DataDirectoryInUseError extends Error {
  override readonly name = 'DataDirectoryInUseError';
}

const heldInThisProcess = new Set<string>();

/**
 * PGlite is one database in one process: a second process opening the same directory would corrupt it.
 * A lock file holding the owner's PID keeps it out; a lock left by a process that died is taken over.
 */
export class DataDirectoryLock {
  private released = false;

  private constructor(readonly path: string) {}

  static acquire(directory: string): DataDirectoryLock {
    mkdirSync(directory, { recursive: true });
    const path = resolve(join(directory, 'ledger.lock'));
    if (heldInThisProcess.has(path)) {
      throw new DataDirectoryInUseError(`the data directory ${directory} is already open in this process`);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        heldInThisProcess.add(path);
        return new DataDirectoryLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(readFileSync(path, 'utf8').trim());
        if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
          throw new DataDirectoryInUseError(
            `the data directory ${directory} is in use by process ${owner}: stop that ledger, or set LEDGER_DATA_DIR to another directory`,
          );
        }
        unlinkSync(path);
      }
    }
    throw new DataDirectoryInUseError(`could not take the lock ${path}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    heldInThisProcess.delete(this.path);
    try {
      if (readFileSync(this.path, 'utf8').trim() === String(process.pid)) unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
