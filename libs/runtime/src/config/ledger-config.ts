import { createPublicKey, JsonWebKeyInput } from 'node:crypto';
import { isValidKeyName } from '@ledger/transparency';
import { HttpEdgeSettings, readHttpEdgeSettings } from './http-edge-settings';

/** The service's configuration, read once from the environment (http-api.md, "Configuration"). */
export interface LedgerConfig extends HttpEdgeSettings {
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
  /** Ed25519 private key (PEM) that signs checkpoints; absent: one is generated and kept in `dataDir`. */
  signingKeyPem?: string;
  /** The transparency log's origin line and key name (C2SP). */
  logOrigin: string;
  /** A checkpoint is signed at least this often while the log grows. */
  checkpointIntervalMs: number;
  /** Whether this process integrates new entries into the transparency log and signs checkpoints. */
  sequencer: boolean;
  /**
   * How long one computation of a body's evaluation figures answers the same question again (0: never).
   * The figures aggregate every case of the period, so their cost grows with the journal; `minPosition`
   * always gets figures that include it.
   */
  statisticsReuseMs: number;
  /**
   * The 32-byte key the per-person keys of personal data are wrapped with (architecture.md §6);
   * absent: one is generated and kept in `dataDir` (see loadMasterKey).
   */
  masterKey?: Buffer;
  /** The built web console served under /console; absent: dist/console in the checkout. */
  consoleDir?: string;
  /** People sign in with JWTs from this issuer as well as with API keys; present only when LEDGER_JWT_ISSUER is set. */
  jwt?: JwtConfig;
}

/** The issuer whose JWTs the ledger accepts, and where its public keys are (exactly one of `jwksUrl`, `jwks`). */
export interface JwtConfig {
  issuer: string;
  audience: string;
  /** The issuer's JWKS endpoint (https, or http to a loopback address). */
  jwksUrl?: string;
  /** The issuer's public keys inline, for deployments that cannot reach it (and for tests). */
  jwks?: { keys: Record<string, unknown>[] };
  clockToleranceSeconds: number;
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

  const logOrigin = text('LEDGER_LOG_ORIGIN') ?? 'open-data-ledger.local/log';
  if (!isValidKeyName(logOrigin)) problems.push('LEDGER_LOG_ORIGIN must be non-empty, without spaces or "+"');
  const signingKeyPem = text('LEDGER_SIGNING_KEY')?.replace(/\\n/g, '\n');
  if (signingKeyPem !== undefined && !signingKeyPem.includes('-----BEGIN PRIVATE KEY-----')) {
    problems.push(
      'LEDGER_SIGNING_KEY must be an Ed25519 private key in PEM (PKCS#8: -----BEGIN PRIVATE KEY-----)',
    );
  }
  const masterKeyText = text('LEDGER_MASTER_KEY');
  const masterKey = masterKeyText === undefined ? undefined : parseMasterKey(masterKeyText);
  if (masterKeyText !== undefined && masterKey === undefined) problems.push(MASTER_KEY_FORMAT);
  const sequencer = text('LEDGER_SEQUENCER') ?? 'on';
  if (sequencer !== 'on' && sequencer !== 'off') problems.push('LEDGER_SEQUENCER must be on or off');
  const jwt = readJwtConfig(text, integer, problems);
  const edge = readHttpEdgeSettings(text, problems);

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
    signingKeyPem,
    logOrigin,
    checkpointIntervalMs: integer('LEDGER_CHECKPOINT_INTERVAL_MS', 10_000, 100, 24 * 3600 * 1000),
    sequencer: sequencer === 'on',
    statisticsReuseMs: integer('LEDGER_STATISTICS_REUSE_MS', 5_000, 0, 3600 * 1000),
    masterKey,
    consoleDir: text('LEDGER_CONSOLE_DIR'),
    ...edge,
    ...(jwt !== undefined && { jwt }),
  };
  if (problems.length > 0) {
    throw new ConfigurationError(`the configuration has problems:\n- ${problems.join('\n- ')}`);
  }
  return config;
}

export const MASTER_KEY_BYTES = 32;

/** The problem reported for a LEDGER_MASTER_KEY of the wrong form; the value itself is never repeated. */
export const MASTER_KEY_FORMAT =
  'LEDGER_MASTER_KEY must be 32 random bytes as 64 hex digits or as base64 (44 characters with "=", or 43 without; base64url too), e.g. the output of `openssl rand -hex 32`';

/**
 * A master key written as 64 hex digits or as base64 / base64url (padded or not) of exactly 32
 * bytes; undefined for anything else. Node's base64 decoder skips what it does not understand, so
 * the text is matched first: a typo is refused rather than silently decoded into another key.
 */
export function parseMasterKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=?$/.test(value)) return Buffer.from(value, 'base64');
  if (/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]=?$/.test(value)) return Buffer.from(value, 'base64url');
  return undefined;
}

const JWT_SETTINGS = [
  'LEDGER_JWT_AUDIENCE',
  'LEDGER_JWT_JWKS_URL',
  'LEDGER_JWT_JWKS',
  'LEDGER_JWT_CLOCK_TOLERANCE_SECONDS',
];

/** LEDGER_JWT_*: present only with an issuer, and then with exactly one source of its keys. */
function readJwtConfig(
  text: (name: string) => string | undefined,
  integer: (name: string, fallback: number, min: number, max: number) => number,
  problems: string[],
): JwtConfig | undefined {
  const issuer = text('LEDGER_JWT_ISSUER');
  if (issuer === undefined) {
    const stray = JWT_SETTINGS.filter((name) => text(name) !== undefined);
    if (stray.length > 0)
      problems.push(
        `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but LEDGER_JWT_ISSUER is not`,
      );
    return undefined;
  }
  const jwksUrl = text('LEDGER_JWT_JWKS_URL');
  const jwksText = text('LEDGER_JWT_JWKS');
  if ((jwksUrl === undefined) === (jwksText === undefined)) {
    problems.push(
      "LEDGER_JWT_ISSUER needs exactly one of LEDGER_JWT_JWKS_URL (the issuer's JWKS endpoint) and LEDGER_JWT_JWKS (its JWKS inline)",
    );
  }
  if (jwksUrl !== undefined && !isJwksUrl(jwksUrl)) {
    problems.push('LEDGER_JWT_JWKS_URL must be an https URL (http only to a loopback address)');
  }
  const jwks = jwksText === undefined ? undefined : parseJwks(jwksText, problems);
  return {
    issuer,
    audience: text('LEDGER_JWT_AUDIENCE') ?? 'open-data-ledger',
    ...(jwksUrl !== undefined && { jwksUrl }),
    ...(jwks !== undefined && { jwks }),
    clockToleranceSeconds: integer('LEDGER_JWT_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
  };
}

function isJwksUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  if (url.protocol === 'https:') return true;
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname))
  );
}

/** Members that make a JWK private (RFC 7518 §6.2.2, §6.3.2) or secret (§6.4.1). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** An inline JWKS of public OKP, EC or RSA (2048 bits or more) keys; undefined, with a problem, for anything else. */
function parseJwks(text: string, problems: string[]): JwtConfig['jwks'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push('LEDGER_JWT_JWKS is not JSON: it must be a JWKS, {"keys":[…]}');
    return undefined;
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push('LEDGER_JWT_JWKS must be a JWKS, {"keys":[…]}, with at least one key');
    return undefined;
  }
  const before = problems.length;
  keys.forEach((key: unknown, index) => {
    const problem = publicJwkProblem(key);
    if (problem !== undefined) problems.push(`LEDGER_JWT_JWKS key ${index}: ${problem}`);
  });
  return problems.length === before ? { keys: keys as Record<string, unknown>[] } : undefined;
}

function publicJwkProblem(key: unknown): string | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'is not a JSON object';
  const jwk = key as Record<string, unknown>;
  const secret = PRIVATE_JWK_MEMBERS.filter((member) => Object.hasOwn(jwk, member));
  if (secret.length > 0) {
    return `holds private key material (${secret.join(', ')}); give the issuer's public keys only`;
  }
  if (jwk.kty !== 'OKP' && jwk.kty !== 'EC' && jwk.kty !== 'RSA') {
    return 'must be an OKP, EC or RSA public key (the ledger accepts EdDSA, ES256 and RS256 signatures)';
  }
  try {
    const publicKey = createPublicKey({ key: jwk as JsonWebKeyInput['key'], format: 'jwk' });
    const bits = publicKey.asymmetricKeyDetails?.modulusLength;
    if (jwk.kty === 'RSA' && (bits === undefined || bits < 2048))
      return 'an RSA key must have 2048 bits or more';
  } catch {
    return 'is not a valid public key';
  }
  return undefined;
}
