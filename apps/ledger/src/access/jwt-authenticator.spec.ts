import { exportJWK, generateKeyPair, JWTPayload, KeyLike, SignJWT } from 'jose';
import { loadConfig, Logger } from '@ledger/runtime';
import { Problem } from '../http/problem';
import { bearerJwtOf, JWT_KEY_ID, JwtAuthenticator } from './jwt-authenticator';
import type { PrincipalDirectory } from './principal-directory';

const ISSUER = 'https://sso.example.sh.gov.cn';
const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('telling a JWT from an API key in the Authorization header', () => {
  const jwt = `${segment({ alg: 'EdDSA', kid: 'ed-1' })}.${segment({ sub: 'li' })}.c2lnbmF0dXJl`;

  it('takes three base64url segments whose first is a JOSE header as a JWT', () => {
    expect(bearerJwtOf(`Bearer ${jwt}`)).toBe(jwt);
  });

  it('takes an unsigned JWT (empty third segment) as a JWT, for the authenticator to refuse', () => {
    const unsigned = `${segment({ alg: 'none' })}.${segment({ sub: 'li' })}.`;
    expect(bearerJwtOf(`Bearer ${unsigned}`)).toBe(unsigned);
  });

  it.each([
    ['an API key', 'odl_3q2-7wEvWJb5rY0k_8QeKp1bXo9VqN4sZ0cYtF6uHhA'],
    ['a dotted token whose first segment is not JSON', 'first.bootstrap.token-of-2024'],
    ['a dotted token whose first segment is JSON but no object', `${segment([1])}.${segment({})}.x`],
    ['two segments', `${segment({ alg: 'EdDSA' })}.${segment({})}`],
    ['four segments', `${jwt}.more`],
    ['characters outside base64url', `${jwt}=`],
  ])('does not take %s as a JWT', (_, token) => {
    expect(bearerJwtOf(`Bearer ${token}`)).toBeUndefined();
  });

  it('does not take a JWT longer than 8 KiB, nor one without the Bearer scheme', () => {
    expect(bearerJwtOf(`Bearer ${jwt}${'A'.repeat(8 * 1024)}`)).toBeUndefined();
    expect(bearerJwtOf(jwt)).toBeUndefined();
    expect(bearerJwtOf(`Basic ${jwt}`)).toBeUndefined();
  });
});

describe('the principal a JWT proves', () => {
  let privateKey: KeyLike;
  let authenticator: JwtAuthenticator;
  const registered = new Set(['transport']);
  const directory = {
    organization: (id: string) => (registered.has(id) ? { id, name: id, registeredAt: '' } : undefined),
    catchUp: async () => undefined,
  } as unknown as PrincipalDirectory;
  const logger = { warn: () => undefined } as unknown as Logger;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA');
    privateKey = pair.privateKey;
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'ed-1' }] };
    const config = loadConfig({ LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS: JSON.stringify(jwks) });
    authenticator = new JwtAuthenticator(config, logger, directory);
  });

  const tokenWith = (claims: Record<string, unknown>) =>
    new SignJWT({ iss: ISSUER, aud: 'open-data-ledger', sub: 'li-na', ...claims } as JWTPayload)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'ed-1' })
      .setExpirationTime('5m')
      .sign(privateKey);

  it('is the subject with its role, organisation and name, under the key id "jwt" (no ledger key to revoke)', async () => {
    const token = await tokenWith({ role: 'body_officer', org: 'transport', name: ' Li Na ' });

    expect(await authenticator.authenticate(token)).toEqual({
      id: 'li-na',
      name: 'Li Na',
      role: 'body_officer',
      organizationId: 'transport',
      keyId: JWT_KEY_ID,
    });
  });

  it.each([
    ['no name claim', {}],
    ['a name that is not text', { name: 42 }],
    ['a blank name', { name: '  ' }],
  ])('is named by its subject when the token has %s', async (_, claims) => {
    const principal = await authenticator.authenticate(await tokenWith({ role: 'supervisor', ...claims }));

    expect(principal).toEqual({ id: 'li-na', name: 'li-na', role: 'supervisor', keyId: 'jwt' });
  });

  it('keeps the organisation of a role other than body officer', async () => {
    const principal = await authenticator.authenticate(
      await tokenWith({ role: 'data_user', org: 'transport' }),
    );

    expect(principal.organizationId).toBe('transport');
  });

  it('is refused as a publisher, saying a JWT cannot carry the publish scope', async () => {
    const refusal = await authenticator
      .authenticate(await tokenWith({ role: 'publisher' }))
      .catch((error: Problem) => error);

    expect(refusal).toMatchObject({ status: 401, code: 'InvalidTokenClaims' });
    expect((refusal as Problem).detail).toContain('publish scope');
  });

  it('is refused when no issuer is configured, saying the ledger accepts API keys only', async () => {
    const withoutJwt = new JwtAuthenticator(loadConfig({}), logger, directory);

    await expect(withoutJwt.authenticate(await tokenWith({ role: 'supervisor' }))).rejects.toMatchObject({
      status: 401,
      code: 'JwtNotAccepted',
      detail: expect.stringContaining('API keys only'),
    });
  });
});
