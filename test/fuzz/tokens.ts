import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, JWTPayload, KeyLike, SignJWT } from 'jose';

/** The identity provider the fuzzed ledger trusts (LEDGER_JWT_ISSUER, LEDGER_JWT_JWKS). */
export const FUZZ_ISSUER = 'https://sso.fuzz.test/realms/open-data';
const AUDIENCE = 'open-data-ledger';

export interface Tokens {
  /** The ledger's settings for the issuer. */
  env: Record<string, string>;
  /** A body officer of `organization` signed in with a valid JWT. */
  validOfficer: string;
  /** JWTs to refuse: forged, expired, for someone else, malformed. */
  hostile: string[];
}

const base64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * An Ed25519 key of the issuer, a valid body officer's token, and JWTs that must all be refused with
 * 401: signed by the issuer's key but expired, not yet valid, for another audience or issuer, without
 * `exp`, with a role or organisation that is not one, or altered after signing; and JWT-shaped garbage
 * nobody signed (alg none, a guessed HMAC secret, key URLs to fetch, truncated or extra segments).
 */
export async function fuzzTokens(organization: string): Promise<Tokens> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fuzz-1', alg: 'EdDSA', use: 'sig' };
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: FUZZ_ISSUER,
    aud: AUDIENCE,
    sub: 'fuzz-officer',
    role: 'body_officer',
    org: organization,
    iat: now,
    exp: now + 3600,
  };
  const sign = (payload: JWTPayload, key: KeyLike = privateKey, kid = 'fuzz-1') =>
    new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' }).sign(key);
  const without = (name: string) =>
    Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));
  const validOfficer = await sign(claims);
  const [header, payload, signature] = validOfficer.split('.');
  const stranger = await generateKeyPair('EdDSA');
  const signed = await Promise.all([
    sign({ ...claims, exp: now - 3600 }),
    sign({ ...claims, nbf: now + 3600 }),
    sign({ ...claims, aud: 'another-service' }),
    sign({ ...claims, iss: 'https://evil.example/realms/open-data' }),
    sign(without('exp')),
    sign({ ...claims, role: 'emperor' }),
    sign({ ...claims, role: ['body_officer'] }),
    sign(without('org')),
    sign({ ...claims, org: "' OR '1'='1" }),
    sign({ ...claims, sub: '\u202Eevil\u0000' }),
    sign({ ...claims, sub: 'x'.repeat(5000) }),
    sign({ ...claims, exp: 'tomorrow' as unknown as number }),
    sign(claims, stranger.privateKey),
    sign(claims, privateKey, 'unknown-kid'),
  ]);
  const hs256 = (headerValue: object, payloadValue: object) => {
    const signingInput = `${base64url(headerValue)}.${base64url(payloadValue)}`;
    return `${signingInput}.${createHmac('sha256', 'secret').update(signingInput).digest('base64url')}`;
  };
  const garbageSignature = Buffer.alloc(64, 7).toString('base64url');
  const admin = { ...claims, role: 'platform_admin' };
  return {
    env: { LEDGER_JWT_ISSUER: FUZZ_ISSUER, LEDGER_JWT_JWKS: JSON.stringify({ keys: [jwk] }) },
    validOfficer,
    hostile: [
      ...signed,
      `${header}.${base64url({ ...claims, role: 'platform_admin' })}.${signature}`,
      `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(admin)}.`,
      hs256({ alg: 'HS256', typ: 'JWT', kid: 'fuzz-1' }, admin),
      `${base64url({ alg: 'ES256', kid: "' OR '1'='1" })}.${payload}.${garbageSignature}`,
      `${base64url({ alg: 'RS256', kid: '../../../../etc/passwd' })}.${payload}.${garbageSignature}`,
      `${base64url({ alg: 'EdDSA', jku: 'http://127.0.0.1:9/jwks', x5u: 'http://127.0.0.1:9/x5u' })}.${payload}.${garbageSignature}`,
      `${base64url({ alg: 'EdDSA', kid: 'fuzz-1', crit: ['exp'] })}.${payload}.${signature}`,
      `${base64url('"not an object"')}.${base64url('[]')}.${garbageSignature}`,
      `${header}.${Buffer.from('{"exp":1,"exp":2}').toString('base64url')}.${signature}`,
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.extra`,
      `${header}.!!!.${signature}`,
      `${header}..${signature}`,
      'a.b.c',
      'eyJ.eyJ.',
      '..',
      '...',
    ],
  };
}
