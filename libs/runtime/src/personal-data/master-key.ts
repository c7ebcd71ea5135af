import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlDatabase } from '@ledger/store';
import { ConfigurationError, LedgerConfig, MASTER_KEY_BYTES, parseMasterKey } from '../config/ledger-config';
import type { Logger } from '../logging/logger';
import { MasterKeyMismatchError } from './personal-data.errors';
import { PersonalDataVault } from './personal-data-vault';

export const GENERATED_MASTER_KEY_FILE = 'master-key';

/**
 * The key every per-person key of personal data is wrapped with: LEDGER_MASTER_KEY when set;
 * otherwise one generated once and kept in the data directory as 64 hex digits (or, for an
 * in-memory journal, for this process only), with a warning — as the checkpoint key is
 * (loadCheckpointSigner). Losing it makes all sealed personal data unreadable and erasure by contact
 * impossible; copying it (with a database backup) undoes erasures.
 */
export function loadMasterKey(config: LedgerConfig, logger: Logger): Buffer {
  if (config.masterKey) return config.masterKey;
  if (config.dataDir === 'memory://') {
    logger.warn(
      'LEDGER_MASTER_KEY is not set: personal data is sealed under a master key that lives only in this process',
    );
    return randomBytes(MASTER_KEY_BYTES);
  }
  const path = join(config.dataDir, GENERATED_MASTER_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(path, `${randomBytes(MASTER_KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process of the same data directory wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = parseMasterKey(readFileSync(path, 'utf8'));
  if (!key) {
    throw new ConfigurationError(
      `${path} does not hold a master key (64 hex digits); restore it, or set LEDGER_MASTER_KEY`,
    );
  }
  logger.warn(
    { path },
    `LEDGER_MASTER_KEY is not set: personal data is sealed under the generated master key in ${path}. ` +
      'Keep it with the ledger but out of its database backups (a backup and this key together reopen erased data), ' +
      'or set LEDGER_MASTER_KEY to a key you manage; every process of one ledger needs the same key.',
  );
  return key;
}

/**
 * The vault of this process, on the journal's database, under the configured (or generated) master
 * key. A master key that does not unwrap the stored keys stops the start as a configuration problem.
 */
export async function openPersonalDataVault(
  db: SqlDatabase,
  config: LedgerConfig,
  logger: Logger,
): Promise<PersonalDataVault> {
  try {
    return await PersonalDataVault.open(db, loadMasterKey(config, logger));
  } catch (error) {
    if (!(error instanceof MasterKeyMismatchError)) throw error;
    throw new ConfigurationError(
      'LEDGER_MASTER_KEY (or the generated master-key file) is not the master key the stored personal-data keys were wrapped with: ' +
        'start the ledger with the key it was using',
    );
  }
}
