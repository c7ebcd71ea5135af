import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config';

/**
 * The BullMQ key prefix of a ledger: derived from the journal it serves (PostgreSQL host, port and
 * database; or the embedded data directory), so every process of one ledger shares its queues and two
 * ledgers on one Redis (or the suites of one test run) never take each other's jobs.
 */
export function queuePrefixOf(config: Pick<LedgerConfig, 'databaseUrl' | 'dataDir'>): string {
  let journal: string;
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    journal = `postgres://${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } else {
    journal = `pglite:${resolve(config.dataDir)}`;
  }
  return `ledger:${createHash('sha256').update(journal).digest('hex').slice(0, 12)}`;
}
