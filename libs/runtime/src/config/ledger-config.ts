/** The service's configuration, read once from the environment (http-api.md, "Configuration"). */
export interface LedgerConfig {
  port: number;
  host: string;
  /** PostgreSQL when set; PGlite in `dataDir` otherwise. */
  databaseUrl?: string;
  /** The owner's URL for migrations, when the service's own login may not run them. */
  migrationDatabaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  bootstrapToken?: string;
  bodyLimitBytes: number;
  logLevel: string;
  /** `all`: the API and the projection worker in this process (always so in embedded mode); `api`: the API only. */
  processRole: 'all' | 'api';
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const text = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

  const bootstrapToken = text('LEDGER_BOOTSTRAP_TOKEN');
  if (bootstrapToken !== undefined && bootstrapToken.length < 16) {
    problems.push('LEDGER_BOOTSTRAP_TOKEN must be at least 16 characters long');
  }
  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const processRole = text('LEDGER_PROCESS') ?? 'all';
  if (processRole !== 'all' && processRole !== 'api') problems.push('LEDGER_PROCESS must be all or api');
  const databaseUrl = text('DATABASE_URL');
  if (!databaseUrl && processRole === 'api') {
    problems.push(
      'LEDGER_PROCESS=api needs DATABASE_URL: the embedded store serves one process, which runs the API and the worker together',
    );
  }
  for (const name of ['DATABASE_URL', 'LEDGER_MIGRATION_DATABASE_URL', 'REDIS_URL']) {
    const value = text(name);
    if (value !== undefined && !URL.canParse(value)) problems.push(`${name} is not a URL`);
  }

  const config: LedgerConfig = {
    port: integer('PORT', 3000, 0, 65535),
    host: text('HOST') ?? '0.0.0.0',
    databaseUrl,
    migrationDatabaseUrl: text('LEDGER_MIGRATION_DATABASE_URL'),
    dataDir: text('LEDGER_DATA_DIR') ?? './data',
    redisUrl: text('REDIS_URL'),
    bootstrapToken,
    bodyLimitBytes: integer('LEDGER_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel,
    processRole: processRole as LedgerConfig['processRole'],
  };
  if (problems.length > 0) {
    throw new ConfigurationError(`the configuration has problems:\n- ${problems.join('\n- ')}`);
  }
  return config;
}
