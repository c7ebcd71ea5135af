import { createHmac, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, JWTHeaderParameters, JWTPayload, KeyLike, SignJWT } from 'jose';
import { LedgerUnderTest } from './support/ledger-under-test';

const ISSUER = 'https://sso.example.sh.gov.cn/realms/open-data';
const AUDIENCE = 'open-data-ledger';
const ORGANIZATION = 'transport';

type Algorithm = 'EdDSA' | 'ES256' | 'RS256';

interface SigningKey {
  alg: Algorithm;
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
}

async function signingKey(alg: Algorithm, kid: string): Promise<SigningKey> {
  return { alg, kid, ...(await generateKeyPair(alg)) };
}

async function jwksOf(...keys: SigningKey[]): Promise<{ keys: JWK[] }> {
  return {
    keys: await Promise.all(
      keys.map(async (key) => ({
        ...(await exportJWK(key.publicKey)),
        kid: key.kid,
        alg: key.alg,
        use: 'sig',
      })),
    ),
  };
}

const now = () => Math.floor(Date.now() / 1000);

/** A body officer of `transport`, valid for five minutes; `undefined` members are left out of the token. */
const officerClaims = (extra: Record<string, unknown> = {}): JWTPayload => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'officer-li-na',
  name: 'Li Na',
  role: 'body_officer',
  org: ORGANIZATION,
  iat: now(),
  exp: now() + 300,
  ...extra,
});

function sign(
  key: SigningKey,
  claims: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const registration = (title: string) => ({
  title,
  organizationId: ORGANIZATION,
  classification: 'unconditional',
  classificationBasis: 'aggregate counts, no personal information',
  fields: ['line', 'month', 'passengers'],
  updateFrequency: 'monthly',
});

/** People sign in with JWTs from the configured issuer beside API keys (http-api.md, "Conventions"; issue 7). */
describe('signing in with a JWT from the configured issuer (inline JWKS)', () => {
  let ledger: LedgerUnderTest;
  let keys: Record<Algorithm, SigningKey>;
  /** A second Ed25519 key of the issuer: a token without `kid` may have been signed by either. */
  let secondEd25519: SigningKey;

  beforeAll(async () => {
    keys = {
      EdDSA: await signingKey('EdDSA', 'ed-1'),
      ES256: await signingKey('ES256', 'es-1'),
      RS256: await signingKey('RS256', 'rs-1'),
    };
    secondEd25519 = await signingKey('EdDSA', 'ed-2');
    const jwks = await jwksOf(keys.EdDSA, keys.ES256, keys.RS256, secondEd25519);
    ledger = await LedgerUnderTest.start({
      env: { LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS: JSON.stringify(jwks) },
    });
    await ledger.post('/v1/organizations', { id: ORGANIZATION, name: 'Municipal Transport Commission' });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  /** Registers a dataset with `token`; the status, the problem code and the recorded actor, if any. */
  async function registerWith(token: string) {
    const answer = await ledger.post('/v1/datasets', registration(`Metro ridership ${now()}`), { token });
    if (answer.status !== 201) return { answer, actor: undefined };
    const stream = await ledger.get(`/v1/streams/${answer.body.streamId}/events`);
    return { answer, actor: stream.body.events[0].metadata.actor };
  }

  describe('accepts', () => {
    it.each(['EdDSA', 'ES256', 'RS256'] as const)(
      'given a body officer’s token signed with %s, when it registers a dataset of its organisation, then the event’s actor is the token’s subject, role and organisation',
      async (alg) => {
        const token = await sign(keys[alg], officerClaims());

        const { answer, actor } = await registerWith(token);

        expect(answer.status).toBe(201);
        expect(actor).toEqual({ id: 'officer-li-na', role: 'body_officer', organizationId: ORGANIZATION });
      },
    );

    it('given an RS256 token longer than an API key may be, when it is sent, then it is accepted', async () => {
      const token = await sign(keys.RS256, officerClaims({ name: 'Li Na'.repeat(40) }));
      expect(token.length).toBeGreaterThan(512);

      expect((await registerWith(token)).answer.status).toBe(201);
    });

    it('given a body officer’s token, when it asks who it is, then it is the token’s subject, signed in with a JWT, with its role’s routes', async () => {
      const token = await sign(keys.EdDSA, officerClaims());

      const me = await ledger.get('/v1/me', { token });

      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        id: 'officer-li-na',
        name: 'Li Na',
        role: 'body_officer',
        organizationId: ORGANIZATION,
        signedInWith: 'jwt',
      });
      expect(me.body.keyId).toBeUndefined();
      expect(me.body.may).toContain('POST /v1/corrections/{id}/resolve');
      expect(me.body.may).not.toContain('POST /v1/principals');
    });

    it('given a token expired within the clock tolerance (30 s), when it is sent, then it is accepted', async () => {
      const token = await sign(keys.ES256, officerClaims({ iat: now() - 310, exp: now() - 10 }));

      expect((await registerWith(token)).answer.status).toBe(201);
    });

    it('given a token without kid, when one of two Ed25519 keys of the issuer signed it, then it is accepted', async () => {
      const token = await sign(secondEd25519, officerClaims(), { kid: undefined });

      expect((await registerWith(token)).answer.status).toBe(201);
    });

    it('given a supervisor’s token, when it reads the whole journal, then it may, as a supervisor’s key may', async () => {
      const token = await sign(
        keys.EdDSA,
        officerClaims({ sub: 'supervisor-zhao', role: 'supervisor', org: undefined }),
      );

      expect((await ledger.get('/v1/events?limit=1', { token })).status).toBe(200);
    });

    it('given a data user’s token, when it lists the principals, then it is refused as a data user (403), not as a stranger', async () => {
      const token = await sign(
        keys.EdDSA,
        officerClaims({ sub: 'user-chen', role: 'data_user', org: undefined }),
      );

      const answer = await ledger.get('/v1/principals', { token });

      expect([answer.status, answer.body.code]).toEqual([403, 'Forbidden']);
    });

    it('given JWT sign-in, when API keys are used beside it, then they keep working', async () => {
      const officer = await ledger.principal('body_officer', { organizationId: ORGANIZATION });

      const { answer, actor } = await registerWith(officer.token);

      expect(answer.status).toBe(201);
      expect(actor).toEqual({ id: officer.id, role: 'body_officer', organizationId: ORGANIZATION });
      expect((await ledger.get('/v1/principals')).status).toBe(200);
    });
  });

  describe('refuses with 401 and writes nothing', () => {
    const cases: [string, () => Promise<string>, string][] = [
      [
        'a wrong issuer',
        () => sign(keys.EdDSA, officerClaims({ iss: 'https://elsewhere.example' })),
        'InvalidTokenClaims',
      ],
      [
        'a wrong audience',
        () => sign(keys.EdDSA, officerClaims({ aud: 'another-service' })),
        'InvalidTokenClaims',
      ],
      [
        'an expiry beyond the clock tolerance',
        () => sign(keys.EdDSA, officerClaims({ iat: now() - 400, exp: now() - 60 })),
        'TokenExpired',
      ],
      [
        'a not-before in the future',
        () => sign(keys.EdDSA, officerClaims({ nbf: now() + 120 })),
        'TokenNotYetValid',
      ],
      ['no exp', () => sign(keys.EdDSA, officerClaims({ exp: undefined })), 'InvalidTokenClaims'],
      ['no sub', () => sign(keys.EdDSA, officerClaims({ sub: undefined })), 'InvalidTokenClaims'],
      [
        'a sub that is not an id',
        () => sign(keys.EdDSA, officerClaims({ sub: 'Li Na' })),
        'InvalidTokenClaims',
      ],
      ['an unknown role', () => sign(keys.EdDSA, officerClaims({ role: 'mayor' })), 'InvalidTokenClaims'],
      [
        'a body officer without org',
        () => sign(keys.EdDSA, officerClaims({ org: undefined })),
        'InvalidTokenClaims',
      ],
      [
        'an org that is not registered in the ledger',
        () => sign(keys.EdDSA, officerClaims({ org: 'no-such-body' })),
        'InvalidTokenClaims',
      ],
      [
        'the publisher role',
        () => sign(keys.EdDSA, officerClaims({ role: 'publisher' })),
        'InvalidTokenClaims',
      ],
      [
        'alg none',
        async () => `${segment({ alg: 'none', typ: 'JWT' })}.${segment(officerClaims())}.`,
        'InvalidToken',
      ],
      [
        'HS256 signed with the issuer’s RSA public key (PEM) as the secret',
        async () => {
          const pem = (keys.RS256.publicKey as KeyObject).export({ type: 'spki', format: 'pem' });
          const signed = `${segment({ alg: 'HS256', typ: 'JWT', kid: 'rs-1' })}.${segment(officerClaims())}`;
          return `${signed}.${createHmac('sha256', pem).update(signed).digest('base64url')}`;
        },
        'InvalidToken',
      ],
      [
        'a signature by a key not in the JWKS, under a kid that is',
        async () => sign(await signingKey('ES256', 'es-1'), officerClaims()),
        'InvalidToken',
      ],
      [
        'a signature by a key not in the JWKS, without kid',
        async () => sign(await signingKey('EdDSA', 'stranger'), officerClaims(), { kid: undefined }),
        'InvalidToken',
      ],
      ['an unknown kid', () => sign(keys.ES256, officerClaims(), { kid: 'es-9' }), 'InvalidToken'],
      [
        'a tampered payload (a body officer made platform admin)',
        async () => {
          const [header, , signature] = (await sign(keys.RS256, officerClaims())).split('.');
          return `${header}.${segment(officerClaims({ role: 'platform_admin', org: undefined }))}.${signature}`;
        },
        'InvalidToken',
      ],
    ];

    it.each(cases)(
      'given a token with %s, when it registers a dataset, then 401 and the journal head is unchanged',
      async (_, tokenOf, code) => {
        const token = await tokenOf();
        const head = await ledger.head();

        const { answer } = await registerWith(token);

        expect([answer.status, answer.body.code]).toEqual([401, code]);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="open-data-ledger"/);
        expect(answer.body.detail).not.toContain(token.split('.')[2] || token);
        expect(await ledger.head()).toBe(head);
      },
    );

    it('given a publisher’s token, then the refusal says why: a JWT cannot carry a publish scope', async () => {
      const token = await sign(keys.EdDSA, officerClaims({ role: 'publisher', org: undefined }));

      const { answer } = await registerWith(token);

      expect([answer.status, answer.body.code]).toEqual([401, 'InvalidTokenClaims']);
      expect(answer.body.detail).toContain('publish scope');
    });

    it('given an expired token on a public route, then it is refused there too (a bad credential is 401 everywhere)', async () => {
      const token = await sign(keys.EdDSA, officerClaims({ iat: now() - 400, exp: now() - 60 }));

      const answer = await ledger.get('/v1/public/open-list', { token });

      expect([answer.status, answer.body.code]).toEqual([401, 'TokenExpired']);
    });

    it('given a JWT-shaped header longer than 8 KiB, then it is refused as malformed credentials', async () => {
      const token = await sign(keys.EdDSA, officerClaims({ name: 'x'.repeat(9000) }));

      const answer = await ledger.get('/v1/principals', { token });

      expect([answer.status, answer.body.code]).toEqual([401, 'InvalidCredentials']);
    });
  });
});

describe('signing in with a JWT whose keys come from the issuer’s JWKS endpoint', () => {
  let ledger: LedgerUnderTest;
  let key: SigningKey;
  let server: Server;
  let jwksRequests = 0;
  let endpointDown = false;

  beforeAll(async () => {
    key = await signingKey('ES256', 'es-remote');
    const jwks = JSON.stringify(await jwksOf(key));
    server = createServer((request, response) => {
      jwksRequests++;
      if (endpointDown || request.url !== '/jwks.json') {
        response.writeHead(endpointDown ? 502 : 404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ledger = await LedgerUnderTest.start({
      env: { LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` },
    });
    await ledger.post('/v1/organizations', { id: ORGANIZATION, name: 'Municipal Transport Commission' });
  });

  afterAll(async () => {
    await ledger.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('given the endpoint is down, when a token is sent, then 503 JwksUnavailable with Retry-After, and nothing is written', async () => {
    endpointDown = true;
    const head = await ledger.head();

    const answer = await ledger.post('/v1/datasets', registration('Bus stops'), {
      token: await sign(key, officerClaims()),
    });

    endpointDown = false;
    expect([answer.status, answer.body.code]).toEqual([503, 'JwksUnavailable']);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(await ledger.head()).toBe(head);
  });

  it('given the endpoint is up, when tokens are sent, then they are accepted and the JWKS is fetched once, not per request', async () => {
    const before = jwksRequests;

    const first = await ledger.post('/v1/datasets', registration('Taxi trips'), {
      token: await sign(key, officerClaims()),
    });
    const second = await ledger.post('/v1/datasets', registration('Ferry trips'), {
      token: await sign(key, officerClaims()),
    });

    expect([first.status, second.status]).toEqual([201, 201]);
    const stream = await ledger.get(`/v1/streams/${first.body.streamId}/events`);
    expect(stream.body.events[0].metadata.actor).toEqual({
      id: 'officer-li-na',
      role: 'body_officer',
      organizationId: ORGANIZATION,
    });
    expect(jwksRequests - before).toBe(1);
  });

  it('given an unknown kid just after a fetch, when it is sent, then 401 InvalidToken without fetching again (cooldown)', async () => {
    const before = jwksRequests;
    const head = await ledger.head();

    const answer = await ledger.post('/v1/datasets', registration('Tram trips'), {
      token: await sign(key, officerClaims(), { kid: 'es-unknown' }),
    });

    expect([answer.status, answer.body.code]).toEqual([401, 'InvalidToken']);
    expect(jwksRequests).toBe(before);
    expect(await ledger.head()).toBe(head);
  });
});

describe('a JWT where no issuer is configured', () => {
  /** A bootstrap token with two dots: an API key, not a JWT, since its first segment is no JOSE header. */
  const DOTTED_BOOTSTRAP_TOKEN = 'first.bootstrap.token-of-2024';
  let ledger: LedgerUnderTest;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start({ bootstrapToken: DOTTED_BOOTSTRAP_TOKEN });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('given a well-signed JWT, when it is sent, then 401 JwtNotAccepted saying the ledger accepts API keys only', async () => {
    const token = await sign(await signingKey('EdDSA', 'ed-1'), officerClaims());

    const answer = await ledger.get('/v1/principals', { token });

    expect([answer.status, answer.body.code]).toEqual([401, 'JwtNotAccepted']);
    expect(answer.body.detail).toContain('API keys only');
  });

  it('given a bootstrap token with two dots, when it is sent, then it still works as an API key', async () => {
    expect((await ledger.get('/v1/principals', { token: DOTTED_BOOTSTRAP_TOKEN })).status).toBe(200);
  });
});
