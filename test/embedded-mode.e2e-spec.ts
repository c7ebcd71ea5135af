import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirectoryInUseError, openJournal } from '@ledger/store';
import { LedgerUnderTest } from './support/ledger-under-test';
import { pgliteTemplate, temporaryDirectory, TestDatabase } from './support/test-backend';

/**
 * `npm ci && npm start` on a bare machine: PGlite in a data directory, a bootstrap key printed once,
 * nothing lost across a restart, and no second process on the same directory. Always PGlite, whatever
 * backend the rest of the suite runs on.
 */
describe('embedded mode', () => {
  let directory: { path: string; remove(): void };
  let printed: string[];
  let stdoutWrite: jest.SpyInstance;

  beforeEach(() => {
    directory = temporaryDirectory('embedded');
    printed = [];
    const write = process.stdout.write.bind(process.stdout);
    // Observes what reaches the terminal, and still lets it through.
    stdoutWrite = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return write(chunk);
    });
  });

  afterEach(() => {
    stdoutWrite.mockRestore();
    directory.remove();
  });

  const embeddedDatabase = (withSnapshot: boolean): TestDatabase => ({
    journalOptions: { dataDir: directory.path, ...(withSnapshot && { pgliteSnapshot: pgliteTemplate() }) },
    dispose: async () => undefined,
  });

  it('prints a generated bootstrap key once, and keeps the ledger and that key across a restart', async () => {
    const first = await LedgerUnderTest.start({ database: embeddedDatabase(true), bootstrapToken: null });
    const token = /odl_[A-Za-z0-9_-]{43}/.exec(printed.join(''))?.[0] as string;
    expect(token).toBeDefined();
    expect((await first.post('/v1/organizations', { id: 'kept', name: 'Kept' }, { token })).status).toBe(201);
    await first.stop();
    printed.length = 0;

    const second = await LedgerUnderTest.start({ database: embeddedDatabase(false), bootstrapToken: null });
    try {
      expect(printed.join('')).not.toMatch(/odl_/);
      expect((await second.get('/v1/organizations/kept', { token })).body.name).toBe('Kept');
      expect((await second.get('/health/ready', { token: null })).body.info.journal.backend).toBe('pglite');
    } finally {
      await second.stop();
    }
  });

  it('keeps a second ledger off a data directory that is in use', async () => {
    const running = await LedgerUnderTest.start({ database: embeddedDatabase(true) });
    try {
      await expect(openJournal({ dataDir: directory.path })).rejects.toBeInstanceOf(DataDirectoryInUseError);
    } finally {
      await running.stop();
    }
  });

  it('refuses a directory locked by another live process, and takes over a lock left by a dead one', async () => {
    const lockFile = join(directory.path, 'ledger.lock');
    writeFileSync(lockFile, '1');
    await expect(openJournal({ dataDir: directory.path })).rejects.toThrow(/in use by process 1/);

    writeFileSync(lockFile, '999999999');
    const journal = await openJournal({ dataDir: directory.path, pgliteSnapshot: pgliteTemplate() });
    await journal.close();
  });
});
