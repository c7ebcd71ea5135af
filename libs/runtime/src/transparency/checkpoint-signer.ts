import { NoteSigner } from '@ledger/transparency';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config';
import type { Logger } from '../logging/logger';

export const GENERATED_SIGNING_KEY_FILE = 'log-signing-key.pem';

/**
 * The key that signs checkpoints: LEDGER_SIGNING_KEY when set; otherwise one generated once and kept
 * in the data directory (or, for an in-memory journal, for this process only), with a warning,
 * because every verifier pins this key and a lost or copied file undoes what checkpoints prove.
 */
export function loadCheckpointSigner(config: LedgerConfig, logger: Logger): NoteSigner {
  if (config.signingKeyPem) return NoteSigner.fromPem(config.logOrigin, config.signingKeyPem);
  if (config.dataDir === 'memory://') {
    logger.warn(
      'LEDGER_SIGNING_KEY is not set: checkpoints are signed with a key that lives only in this process',
    );
    return new NoteSigner(config.logOrigin, generateKeyPairSync('ed25519').privateKey);
  }
  const path = join(config.dataDir, GENERATED_SIGNING_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  }
  const signer = NoteSigner.fromPem(config.logOrigin, readFileSync(path, 'utf8'));
  logger.warn(
    { path, verifierKey: signer.verifierKey },
    `LEDGER_SIGNING_KEY is not set: checkpoints are signed with the generated key in ${path}. ` +
      'Keep it with the ledger (and out of backups anyone can read), or set LEDGER_SIGNING_KEY to a key you manage.',
  );
  return signer;
}
