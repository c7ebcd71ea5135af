import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { temporaryDirectory } from '../../../../test/support/test-backend';
import { ConfigurationError, loadConfig } from '../config/ledger-config';
import { GENERATED_MASTER_KEY_FILE, loadMasterKey } from './master-key';

const silent = pino({ level: 'silent' });

describe('loading the master key', () => {
  let directory: { path: string; remove(): void };

  beforeEach(() => {
    directory = temporaryDirectory('master-key');
  });
  afterEach(() => directory.remove());

  it('uses LEDGER_MASTER_KEY when set, and writes no file', () => {
    const key = randomBytes(32);
    const config = loadConfig({ LEDGER_MASTER_KEY: key.toString('hex'), LEDGER_DATA_DIR: directory.path });

    expect(loadMasterKey(config, silent)).toEqual(key);
    expect(() => statSync(join(directory.path, GENERATED_MASTER_KEY_FILE))).toThrow();
  });

  it('generates one into the data directory, readable by its owner only, and reads the same one after a restart', () => {
    const config = loadConfig({ LEDGER_DATA_DIR: join(directory.path, 'data') });

    const first = loadMasterKey(config, silent);
    const path = join(config.dataDir, GENERATED_MASTER_KEY_FILE);

    expect(first).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(`${first.toString('hex')}\n`);
    expect(loadMasterKey(config, silent)).toEqual(first);
  });

  it('keeps an in-memory ledger’s key in the process only', () => {
    const config = loadConfig({ LEDGER_DATA_DIR: 'memory://' });

    expect(loadMasterKey(config, silent)).not.toEqual(loadMasterKey(config, silent));
  });

  it('refuses to start from a damaged key file', () => {
    writeFileSync(join(directory.path, GENERATED_MASTER_KEY_FILE), 'not a key\n');

    expect(() => loadMasterKey(loadConfig({ LEDGER_DATA_DIR: directory.path }), silent)).toThrow(
      ConfigurationError,
    );
  });
});
