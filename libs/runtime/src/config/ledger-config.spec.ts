import { DEFAULT_HSTS_MAX_AGE_SECONDS } from './http-edge-settings';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { ConfigurationError, loadConfig, MASTER_KEY_FORMAT, parseMasterKey } from './ledger-config';

/** The problems loadConfig reports for `env`, one per line of its ConfigurationError. */
function problemsWith(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      return error.message.split('\n- ').slice(1);
    }
    throw error;
  }
  return [];
}

const TOKEN = 'a-bootstrap-token-of-32-characters';
/** 32 bytes whose base64 holds both "+" and "/" (so base64url differs), written each way LEDGER_MASTER_KEY accepts. */
const MASTER_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 67 + 251) % 256));

describe('loading the configuration', () => {
  it('falls back to the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      migrationDatabaseUrl: undefined,
      dataDir: './data',
      redisUrl: undefined,
      bootstrapToken: undefined,
      bodyLimitBytes: 1024 * 1024,
      logLevel: 'info',
      processRole: 'all',
      signingKeyPem: undefined,
      logOrigin: 'open-data-ledger.local/log',
      checkpointIntervalMs: 10_000,
      sequencer: true,
      statisticsReuseMs: 5_000,
      masterKey: undefined,
      rateLimits: {
        perPrincipal: { max: 60_000, windowMs: 60_000 },
        anonymousFilings: { max: 20, windowMs: 3_600_000 },
        anonymous: { max: 300, windowMs: 60_000 },
      },
      trustProxy: false,
      hstsMaxAgeSeconds: DEFAULT_HSTS_MAX_AGE_SECONDS,
    });
  });

  it('treats empty variables as unset', () => {
    expect(
      loadConfig({
        PORT: '',
        HOST: '',
        DATABASE_URL: '',
        LOG_LEVEL: '',
        LEDGER_PROCESS: '',
        LEDGER_BOOTSTRAP_TOKEN: '',
      }),
    ).toEqual(loadConfig({}));
  });

  it('reads every variable it knows', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgres://ledger@db:5432/ledger',
        LEDGER_MIGRATION_DATABASE_URL: 'postgres://owner@db:5432/ledger',
        LEDGER_DATA_DIR: '/var/lib/ledger',
        REDIS_URL: 'redis://cache:6379',
        LEDGER_BOOTSTRAP_TOKEN: TOKEN,
        LEDGER_BODY_LIMIT_BYTES: '2048',
        LOG_LEVEL: 'debug',
        LEDGER_PROCESS: 'api',
        LEDGER_SIGNING_KEY:
          '-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEI…\\n-----END PRIVATE KEY-----',
        LEDGER_LOG_ORIGIN: 'ledger.example.gov.cn/log',
        LEDGER_CHECKPOINT_INTERVAL_MS: '5000',
        LEDGER_SEQUENCER: 'off',
        LEDGER_STATISTICS_REUSE_MS: '0',
        LEDGER_MASTER_KEY: MASTER_KEY.toString('hex'),
        LEDGER_RATE_LIMIT_PER_PRINCIPAL: '600/30s',
        LEDGER_RATE_LIMIT_ANONYMOUS_FILINGS: '5',
        LEDGER_RATE_LIMIT_ANONYMOUS: 'off',
        LEDGER_TRUST_PROXY: '10.0.0.0/8,::1',
        LEDGER_HSTS: 'off',
      }),
    ).toEqual({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://ledger@db:5432/ledger',
      migrationDatabaseUrl: 'postgres://owner@db:5432/ledger',
      dataDir: '/var/lib/ledger',
      redisUrl: 'redis://cache:6379',
      bootstrapToken: TOKEN,
      bodyLimitBytes: 2048,
      logLevel: 'debug',
      processRole: 'api',
      // A PEM in one environment line may carry its newlines as \n escapes.
      signingKeyPem: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI…\n-----END PRIVATE KEY-----',
      logOrigin: 'ledger.example.gov.cn/log',
      checkpointIntervalMs: 5000,
      sequencer: false,
      statisticsReuseMs: 0,
      masterKey: MASTER_KEY,
      rateLimits: {
        perPrincipal: { max: 600, windowMs: 30_000 },
        anonymousFilings: { max: 5, windowMs: 3_600_000 },
      },
      trustProxy: ['10.0.0.0/8', '::1'],
      hstsMaxAgeSeconds: 0,
    });
  });

  describe('LEDGER_MASTER_KEY', () => {
    it.each([
      ['64 hex digits', MASTER_KEY.toString('hex')],
      ['64 upper-case hex digits', MASTER_KEY.toString('hex').toUpperCase()],
      ['padded base64', MASTER_KEY.toString('base64')],
      ['unpadded base64', MASTER_KEY.toString('base64').replace(/=$/, '')],
      ['base64url', MASTER_KEY.toString('base64url')],
      ['hex with a trailing newline', `${MASTER_KEY.toString('hex')}\n`],
    ])('is read from %s', (_, text) => {
      expect(loadConfig({ LEDGER_MASTER_KEY: text }).masterKey).toEqual(MASTER_KEY);
    });

    it('treats an empty variable as unset', () => {
      expect(loadConfig({ LEDGER_MASTER_KEY: '' }).masterKey).toBeUndefined();
    });

    it.each([
      ['a passphrase', 'correct horse battery staple'],
      ['16 bytes of hex', MASTER_KEY.subarray(0, 16).toString('hex')],
      ['33 bytes of hex', Buffer.concat([MASTER_KEY, Buffer.from([0])]).toString('hex')],
      ['63 hex digits', MASTER_KEY.toString('hex').slice(1)],
      ['hex with a non-hex digit', `g${MASTER_KEY.toString('hex').slice(1)}`],
      ['base64 of 31 bytes', MASTER_KEY.subarray(0, 31).toString('base64')],
      ['base64 of 48 bytes', Buffer.concat([MASTER_KEY, MASTER_KEY.subarray(0, 16)]).toString('base64')],
      [
        'base64 with a stray character',
        `${MASTER_KEY.toString('base64').slice(0, 20)}!${MASTER_KEY.toString('base64').slice(21)}`,
      ],
      [
        'base64 whose last character carries bits beyond 32 bytes',
        `${MASTER_KEY.toString('base64').slice(0, 42)}B=`,
      ],
      [
        'base64 mixing the two alphabets',
        `${MASTER_KEY.toString('base64').slice(0, 40)}_${MASTER_KEY.toString('base64').slice(41)}`,
      ],
    ])('refuses %s, without repeating the value', (_, text) => {
      const problems = problemsWith({ LEDGER_MASTER_KEY: text });
      expect(problems).toEqual([MASTER_KEY_FORMAT]);
      expect(problems.join('\n')).not.toContain(text.trim());
    });

    it('decodes every accepted form of one key to the same bytes', () => {
      const forms = [
        MASTER_KEY.toString('hex'),
        MASTER_KEY.toString('base64'),
        MASTER_KEY.toString('base64url'),
      ];
      expect(new Set(forms.map((form) => parseMasterKey(form)?.toString('hex')))).toEqual(
        new Set([MASTER_KEY.toString('hex')]),
      );
    });
  });

  describe('LEDGER_JWT_*', () => {
    const ISSUER = 'https://sso.example.sh.gov.cn/realms/open-data';
    const jwkOf = (key: KeyObject) => key.export({ format: 'jwk' }) as Record<string, unknown>;
    const ed25519 = generateKeyPairSync('ed25519');
    const JWKS = { keys: [{ ...jwkOf(ed25519.publicKey), kid: 'ed-1' }] };

    it('leaves JWT sign-in off without an issuer', () => {
      expect('jwt' in loadConfig({})).toBe(false);
    });

    it('reads an issuer with an inline JWKS, with the default audience and clock tolerance', () => {
      expect(loadConfig({ LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS: JSON.stringify(JWKS) }).jwt).toEqual({
        issuer: ISSUER,
        audience: 'open-data-ledger',
        jwks: JWKS,
        clockToleranceSeconds: 30,
      });
    });

    it('reads an issuer with a JWKS URL, an audience and a clock tolerance', () => {
      expect(
        loadConfig({
          LEDGER_JWT_ISSUER: ISSUER,
          LEDGER_JWT_JWKS_URL: `${ISSUER}/protocol/openid-connect/certs`,
          LEDGER_JWT_AUDIENCE: 'ledger-prod',
          LEDGER_JWT_CLOCK_TOLERANCE_SECONDS: '300',
        }).jwt,
      ).toEqual({
        issuer: ISSUER,
        audience: 'ledger-prod',
        jwksUrl: `${ISSUER}/protocol/openid-connect/certs`,
        clockToleranceSeconds: 300,
      });
    });

    it.each(['http://localhost:8080/jwks', 'http://127.0.0.1/jwks', 'http://[::1]:9000/jwks'])(
      'takes a JWKS URL over http to the loopback address %s',
      (url) => {
        expect(loadConfig({ LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS_URL: url }).jwt?.jwksUrl).toBe(url);
      },
    );

    it('takes EC P-256 and RSA public keys, and more than one', () => {
      const keys = [
        jwkOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
        jwkOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
        ...JWKS.keys,
      ];
      expect(
        loadConfig({ LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS: JSON.stringify({ keys }) }).jwt?.jwks,
      ).toEqual({ keys });
    });

    it.each([
      ['neither', {}],
      ['both', { LEDGER_JWT_JWKS_URL: 'https://sso.example/jwks', LEDGER_JWT_JWKS: JSON.stringify(JWKS) }],
    ])('reports an issuer with %s of LEDGER_JWT_JWKS_URL and LEDGER_JWT_JWKS', (_, env) => {
      expect(problemsWith({ LEDGER_JWT_ISSUER: ISSUER, ...env })).toEqual([
        "LEDGER_JWT_ISSUER needs exactly one of LEDGER_JWT_JWKS_URL (the issuer's JWKS endpoint) and LEDGER_JWT_JWKS (its JWKS inline)",
      ]);
    });

    it.each([
      'http://sso.example.sh.gov.cn/jwks',
      'http://10.0.0.7/jwks',
      'ftp://sso.example/jwks',
      'sso/jwks',
    ])('reports a JWKS URL %j that is neither https nor http to loopback', (url) => {
      expect(problemsWith({ LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS_URL: url })).toEqual([
        'LEDGER_JWT_JWKS_URL must be an https URL (http only to a loopback address)',
      ]);
    });

    it.each([
      ['not JSON', '{keys:', 'LEDGER_JWT_JWKS is not JSON: it must be a JWKS, {"keys":[…]}'],
      [
        'a single JWK',
        JSON.stringify(JWKS.keys[0]),
        'LEDGER_JWT_JWKS must be a JWKS, {"keys":[…]}, with at least one key',
      ],
      ['no keys', '{"keys":[]}', 'LEDGER_JWT_JWKS must be a JWKS, {"keys":[…]}, with at least one key'],
      ['a key that is not an object', '{"keys":["ed-1"]}', 'LEDGER_JWT_JWKS key 0: is not a JSON object'],
      [
        'a symmetric key',
        '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}',
        "LEDGER_JWT_JWKS key 0: holds private key material (k); give the issuer's public keys only",
      ],
      [
        'a key of an unknown type',
        '{"keys":[{"kty":"PQC","x":"AA"}]}',
        'LEDGER_JWT_JWKS key 0: must be an OKP, EC or RSA public key (the ledger accepts EdDSA, ES256 and RS256 signatures)',
      ],
      [
        'a key that does not import',
        '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"not-a-point"}]}',
        'LEDGER_JWT_JWKS key 0: is not a valid public key',
      ],
      [
        'an RSA key of 1024 bits',
        JSON.stringify({ keys: [jwkOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)] }),
        'LEDGER_JWT_JWKS key 0: an RSA key must have 2048 bits or more',
      ],
    ])('reports an inline JWKS that is %s', (_, jwks, problem) => {
      expect(problemsWith({ LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS: jwks })).toEqual([problem]);
    });

    it('reports a private key in the inline JWKS without repeating it', () => {
      const privateJwk = jwkOf(ed25519.privateKey);
      const jwks = JSON.stringify({ keys: [...JWKS.keys, privateJwk] });

      const problems = problemsWith({ LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS: jwks });

      expect(problems).toEqual([
        "LEDGER_JWT_JWKS key 1: holds private key material (d); give the issuer's public keys only",
      ]);
      expect(problems.join('\n')).not.toContain(privateJwk.d as string);
    });

    it('reports a clock tolerance above 300 s', () => {
      expect(
        problemsWith({
          LEDGER_JWT_ISSUER: ISSUER,
          LEDGER_JWT_JWKS: JSON.stringify(JWKS),
          LEDGER_JWT_CLOCK_TOLERANCE_SECONDS: '301',
        }),
      ).toEqual(['LEDGER_JWT_CLOCK_TOLERANCE_SECONDS must be an integer from 0 to 300, not "301"']);
    });

    it('reports JWT settings without LEDGER_JWT_ISSUER rather than ignoring them', () => {
      expect(
        problemsWith({ LEDGER_JWT_JWKS_URL: 'https://sso.example/jwks', LEDGER_JWT_AUDIENCE: 'ledger' }),
      ).toEqual(['LEDGER_JWT_AUDIENCE, LEDGER_JWT_JWKS_URL are set but LEDGER_JWT_ISSUER is not']);
    });
  });

  describe('reports', () => {
    it('a signing key that is not a PEM private key, an origin with a space, an unknown sequencer switch', () => {
      expect(
        problemsWith({
          LEDGER_SIGNING_KEY: 'secret',
          LEDGER_LOG_ORIGIN: 'my log',
          LEDGER_SEQUENCER: 'maybe',
        }),
      ).toEqual([
        'LEDGER_LOG_ORIGIN must be non-empty, without spaces or "+"',
        'LEDGER_SIGNING_KEY must be an Ed25519 private key in PEM (PKCS#8: -----BEGIN PRIVATE KEY-----)',
        'LEDGER_SEQUENCER must be on or off',
      ]);
    });

    it('a checkpoint interval below 100 ms', () => {
      expect(problemsWith({ LEDGER_CHECKPOINT_INTERVAL_MS: '10' })).toEqual([
        'LEDGER_CHECKPOINT_INTERVAL_MS must be an integer from 100 to 86400000, not "10"',
      ]);
    });

    it('a bootstrap token shorter than 16 characters', () => {
      expect(problemsWith({ LEDGER_BOOTSTRAP_TOKEN: 'x'.repeat(15) })).toEqual([
        'LEDGER_BOOTSTRAP_TOKEN must be at least 16 characters long',
      ]);
    });

    it('no problem for a bootstrap token of exactly 16 characters', () => {
      expect(loadConfig({ LEDGER_BOOTSTRAP_TOKEN: 'x'.repeat(16) }).bootstrapToken).toBe('x'.repeat(16));
    });

    it.each(['abc', '80.5', '-1', '65536', '70000'])('a PORT of %j', (port) => {
      expect(problemsWith({ PORT: port })).toEqual([
        `PORT must be an integer from 0 to 65535, not ${JSON.stringify(port)}`,
      ]);
    });

    it.each(['0', '65535'])('no problem for a PORT of %j', (port) => {
      expect(loadConfig({ PORT: port }).port).toBe(Number(port));
    });

    it.each(['1023', '67108865', 'big'])('a LEDGER_BODY_LIMIT_BYTES of %j', (limit) => {
      expect(problemsWith({ LEDGER_BODY_LIMIT_BYTES: limit })).toEqual([
        `LEDGER_BODY_LIMIT_BYTES must be an integer from 1024 to 67108864, not ${JSON.stringify(limit)}`,
      ]);
    });

    it.each(['verbose', 'INFO', 'warning'])('a LOG_LEVEL of %j', (level) => {
      expect(problemsWith({ LOG_LEVEL: level })).toEqual([
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      ]);
    });

    it('a LEDGER_PROCESS other than all or api', () => {
      expect(problemsWith({ LEDGER_PROCESS: 'worker' })).toEqual(['LEDGER_PROCESS must be all or api']);
    });

    it('LEDGER_PROCESS=api without DATABASE_URL', () => {
      expect(problemsWith({ LEDGER_PROCESS: 'api' })).toEqual([
        'LEDGER_PROCESS=api needs DATABASE_URL: the embedded store serves one process, which runs the API and the worker together',
      ]);
    });

    it.each(['DATABASE_URL', 'LEDGER_MIGRATION_DATABASE_URL', 'REDIS_URL'])(
      'a %s that is not a URL',
      (name) => {
        expect(problemsWith({ [name]: 'db.internal' })).toEqual([`${name} is not a URL`]);
      },
    );

    it('every problem at once, in one ConfigurationError', () => {
      const env = {
        LEDGER_BOOTSTRAP_TOKEN: 'short',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        LEDGER_PROCESS: 'api',
        REDIS_URL: 'not a url',
      };
      expect(() => loadConfig(env)).toThrow(ConfigurationError);
      expect(problemsWith(env).sort()).toEqual(
        [
          'LEDGER_BOOTSTRAP_TOKEN must be at least 16 characters long',
          'PORT must be an integer from 0 to 65535, not "eighty"',
          'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
          'LEDGER_PROCESS=api needs DATABASE_URL: the embedded store serves one process, which runs the API and the worker together',
          'REDIS_URL is not a URL',
        ].sort(),
      );
    });

    it('a non-URL DATABASE_URL together with a bad PORT', () => {
      expect(problemsWith({ DATABASE_URL: 'ledger-db', PORT: '99999' })).toHaveLength(2);
    });
  });
});
