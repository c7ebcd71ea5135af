import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, loadConfig, LedgerConfig } from '@ledger/runtime';
import type { JournalOptions } from '@ledger/store';
import { createLedgerApp } from '../../apps/ledger/src/ledger-app';
import { createTestDatabase, temporaryDirectory, TestDatabase } from './test-backend';

/** One checkpoint key for every ledger of a suite, so a ledger restarted on its database signs on with the same key. */
const SUITE_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({
  format: 'pem',
  type: 'pkcs8',
}) as string;

export interface HttpAnswer<TBody = any> {
  status: number;
  headers: Headers;
  body: TBody;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  contentType?: string;
}

/**
 * The ledger, started over HTTP on a free port against a fresh database of the suite's backend
 * (PGlite in memory under `npm test`; PostgreSQL and Redis under `npm run test:services`).
 */
export class LedgerUnderTest {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly adminToken: string,
    readonly database: TestDatabase,
    private readonly files: { remove(): void },
  ) {}

  static async start(
    options: {
      env?: Record<string, string>;
      journal?: Partial<JournalOptions>;
      database?: TestDatabase;
      /** null: start without LEDGER_BOOTSTRAP_TOKEN, as `npm start` on a fresh machine does. */
      bootstrapToken?: string | null;
    } = {},
  ): Promise<LedgerUnderTest> {
    const database = options.database ?? (await createTestDatabase());
    const adminToken =
      options.bootstrapToken === undefined
        ? `test-admin-${randomBytes(16).toString('hex')}`
        : options.bootstrapToken;
    const databaseUrl = database.journalOptions.databaseUrl;
    // Files the ledger keeps (long exports; a generated key if a test unsets ours) go to a scratch directory, never ./data.
    const files = temporaryDirectory('ledger-files');
    const config: LedgerConfig = loadConfig({
      LEDGER_SIGNING_KEY: SUITE_SIGNING_KEY,
      ...(adminToken !== null && { LEDGER_BOOTSTRAP_TOKEN: adminToken }),
      LOG_LEVEL: process.env.LEDGER_TEST_LOG_LEVEL ?? 'silent',
      ...(databaseUrl !== undefined && {
        DATABASE_URL: databaseUrl,
        REDIS_URL: process.env.REDIS_URL as string,
      }),
      LEDGER_DATA_DIR: databaseUrl === undefined ? database.journalOptions.dataDir : files.path,
      // Suites make thousands of requests from one address: limits this high still run the limiter
      // on every request without ever refusing one. rate-limits.e2e-spec.ts sets low ones.
      LEDGER_RATE_LIMIT_PER_PRINCIPAL: '1000000',
      LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: '1000000',
      LEDGER_RATE_LIMIT_ANONYMOUS: '1000000',
      ...(process.env.LEDGER_CONSOLE_DIR !== undefined && {
        LEDGER_CONSOLE_DIR: process.env.LEDGER_CONSOLE_DIR,
      }),
      ...options.env,
    });
    const app = await createLedgerApp({
      config,
      logger: createLogger(config.logLevel),
      journal: { ...database.journalOptions, ...options.journal },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address() as { port: number };
    return new LedgerUnderTest(app, `http://127.0.0.1:${address.port}`, adminToken ?? '', database, files);
  }

  /** Stops the ledger; the database is dropped unless `keepDatabase` (to restart on it). */
  async stop({ keepDatabase = false } = {}): Promise<void> {
    await this.app.close();
    this.files.remove();
    if (!keepDatabase) await this.database.dispose();
  }

  async request<TBody = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpAnswer<TBody>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.adminToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined;
    if (options.body !== undefined) {
      body =
        typeof options.body === 'string' || Buffer.isBuffer(options.body)
          ? options.body
          : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    const type = response.headers.get('content-type') ?? '';
    // NDJSON (exports) stays text: it is many documents, one per line.
    if (type.includes('json') && !type.includes('ndjson') && text.length > 0) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as TBody, text };
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }

  post(path: string, body: unknown, options?: RequestOptions) {
    return this.request('POST', path, { ...options, body });
  }

  /** The journal's head (from /health/ready), to prove a refused request wrote nothing. */
  async head(): Promise<number> {
    const answer = await this.get('/health/ready', { token: null });
    return answer.body.info.journal.head;
  }

  /** Creates an organisation and a principal with that role; returns its id and token. */
  async principal(
    role: string,
    extra: { organizationId?: string; publish?: { types: string[]; sources: string[] }; name?: string } = {},
  ): Promise<{ id: string; token: string; keyId: string }> {
    if (extra.organizationId) {
      const exists = await this.get(`/v1/organizations/${extra.organizationId}`);
      if (exists.status === 404)
        await this.post('/v1/organizations', { id: extra.organizationId, name: extra.organizationId });
    }
    const answer = await this.post('/v1/principals', { name: extra.name ?? `a ${role}`, role, ...extra });
    if (answer.status !== 201) throw new Error(`could not create a ${role}: ${answer.text}`);
    return { id: answer.body.id, token: answer.body.token, keyId: answer.body.keyId };
  }
}
