import { Inject, Injectable } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  JSONWebKeySet,
  JWTPayload,
  JWTVerifyGetKey,
  jwtVerify,
  JWTVerifyOptions,
  KeyLike,
} from 'jose';
import { AGGREGATE_ID_PATTERN, Role, ROLES } from '@ledger/events';
import { LEDGER_CONFIG, LedgerConfig, LOGGER, Logger } from '@ledger/runtime';
import { Problem } from '../http/problem';
import { AuthenticatedPrincipal, PrincipalDirectory } from './principal-directory';

/** The signatures a JWT may carry (http-api.md, "Conventions"): never `none`, never a shared secret. */
const ALGORITHMS = ['EdDSA', 'ES256', 'RS256'];

/**
 * A JWT is longer than an API key (an RS256 signature alone is 342 characters), so its own bound:
 * 8 KiB, half of what Node lets a whole header block be.
 */
const MAX_JWT_LENGTH = 8 * 1024;
const BEARER_JWT = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** What `keyId` says for a JWT: the principal signed in with no key of the ledger's, so there is none to name or revoke. */
export const JWT_KEY_ID = 'jwt';

const MAX_NAME_LENGTH = 200;

/**
 * The token of an `Authorization: Bearer` header when it is a JWT: three base64url segments whose
 * first is a JSON object (the JOSE header). API keys (`odl_…`) never hold a dot; a bootstrap token
 * that happens to have two dots is still not a JWT unless its first segment decodes to an object.
 */
export function bearerJwtOf(header: string): string | undefined {
  if (header.length > 'Bearer '.length + MAX_JWT_LENGTH) return undefined;
  const token = BEARER_JWT.exec(header)?.[1];
  if (token === undefined) return undefined;
  try {
    const joseHeader: unknown = JSON.parse(
      Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'),
    );
    return typeof joseHeader === 'object' && joseHeader !== null && !Array.isArray(joseHeader)
      ? token
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Signs people in with JWTs from the configured issuer (LEDGER_JWT_ISSUER): the signature is checked
 * against the issuer's JWKS (fetched from LEDGER_JWT_JWKS_URL and cached by jose, which fetches again
 * for an unknown `kid` at most every 30 s; or given inline in LEDGER_JWT_JWKS), then `iss`, `aud`,
 * `exp`, `nbf`, and the ledger's own claims `sub`, `role` and `org`. Nothing is stored: the issuer,
 * not the ledger's directory, vouches for the person, so a JWT principal has no API key to revoke.
 */
@Injectable()
export class JwtAuthenticator {
  private readonly verifier?: { keys: JWTVerifyGetKey; options: JWTVerifyOptions; issuer: string };

  constructor(
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly directory: PrincipalDirectory,
  ) {
    const jwt = config.jwt;
    if (jwt === undefined) return;
    const keys =
      jwt.jwksUrl !== undefined
        ? createRemoteJWKSet(new URL(jwt.jwksUrl))
        : createLocalJWKSet(jwt.jwks as unknown as JSONWebKeySet);
    this.verifier = {
      keys,
      issuer: jwt.issuer,
      options: {
        algorithms: ALGORITHMS,
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: jwt.clockToleranceSeconds,
      },
    };
  }

  /** The principal a JWT proves, or a 401 problem saying what is wrong with it (503 when the issuer's keys cannot be had). */
  async authenticate(token: string): Promise<AuthenticatedPrincipal> {
    if (!this.verifier) {
      throw refused(
        'JwtNotAccepted',
        'this ledger accepts API keys only: no JWT issuer is configured (LEDGER_JWT_ISSUER)',
      );
    }
    const payload = await this.verify(token, this.verifier);
    return this.principalOf(payload);
  }

  private async verify(
    token: string,
    verifier: NonNullable<JwtAuthenticator['verifier']>,
  ): Promise<JWTPayload> {
    try {
      return (await jwtVerify(token, verifier.keys, verifier.options)).payload;
    } catch (error) {
      // A token without `kid` that several of the issuer's keys could have signed: jose leaves trying each to us.
      if (error instanceof errors.JWKSMultipleMatchingKeys)
        return this.verifyWithEach(token, error, verifier);
      throw this.problemOf(error, verifier.issuer);
    }
  }

  private async verifyWithEach(
    token: string,
    candidates: errors.JWKSMultipleMatchingKeys,
    verifier: NonNullable<JwtAuthenticator['verifier']>,
  ): Promise<JWTPayload> {
    let last: unknown = new errors.JWSSignatureVerificationFailed();
    for await (const key of candidates as unknown as AsyncIterable<KeyLike>) {
      try {
        return (await jwtVerify(token, key, verifier.options)).payload;
      } catch (error) {
        last = error;
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw this.problemOf(last, verifier.issuer);
  }

  private async principalOf(payload: JWTPayload): Promise<AuthenticatedPrincipal> {
    const { sub, role, org, name } = payload as JWTPayload & Record<'role' | 'org' | 'name', unknown>;
    if (typeof sub !== 'string' || !AGGREGATE_ID_PATTERN.test(sub)) {
      throw invalidClaims(
        'the token\'s "sub" must be a person\'s id: 1 to 128 letters, digits and ._~:- starting with a letter or digit',
      );
    }
    if (role === 'publisher') {
      throw invalidClaims(
        "publishers cannot sign in with a JWT: a publisher needs a publish scope (event types and sources) that a token does not carry; use the publisher's API key",
      );
    }
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw invalidClaims(
        `the token's "role" must be one of ${ROLES.filter((r) => r !== 'publisher').join(', ')}`,
      );
    }
    if (org !== undefined && (typeof org !== 'string' || !AGGREGATE_ID_PATTERN.test(org))) {
      throw invalidClaims('the token\'s "org" must be an organisation id');
    }
    if (role === 'body_officer' && org === undefined) {
      throw invalidClaims('a body_officer\'s token must name its organisation in "org"');
    }
    if (org !== undefined && !(await this.isRegistered(org))) {
      throw invalidClaims(`the token's "org" names ${org}, which is not an organisation of this ledger`);
    }
    return {
      id: sub,
      name: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, MAX_NAME_LENGTH) : sub,
      role: role as Role,
      ...(org !== undefined && { organizationId: org }),
      keyId: JWT_KEY_ID,
    };
  }

  /** As for API keys, an organisation registered by another instance counts at once. */
  private async isRegistered(organizationId: string): Promise<boolean> {
    if (this.directory.organization(organizationId)) return true;
    await this.directory.catchUp();
    return this.directory.organization(organizationId) !== undefined;
  }

  private problemOf(error: unknown, issuer: string): Problem {
    if (error instanceof errors.JWTExpired) {
      return refused('TokenExpired', 'the token has expired ("exp" is in the past); get a new one');
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'nbf' && error.reason === 'check_failed') {
        return refused('TokenNotYetValid', 'the token is not valid yet ("nbf" is in the future)');
      }
      if (error.reason === 'missing') {
        return invalidClaims(`the token has no "${error.claim}" claim, which this ledger requires`);
      }
      if (error.claim === 'iss') {
        return invalidClaims(`the token was not issued by ${issuer}, the issuer this ledger trusts ("iss")`);
      }
      if (error.claim === 'aud') {
        return invalidClaims('the token is not meant for this ledger ("aud")');
      }
      return invalidClaims(`the token's "${error.claim}" claim is not valid`);
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return invalidToken(`the token's signature algorithm is not accepted: only ${ALGORITHMS.join(', ')}`);
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      return invalidToken('no key of the issuer matches the token ("kid" and "alg")');
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return invalidToken("the token's signature does not verify with the issuer's key");
    }
    if (
      error instanceof errors.JWSInvalid ||
      error instanceof errors.JWTInvalid ||
      error instanceof errors.JOSENotSupported
    ) {
      return invalidToken('the token is not a well-formed signed JWT');
    }
    // Anything else happened while getting the issuer's keys (the JWKS endpoint is down, slow or
    // answers garbage): not the caller's fault, and worth a retry.
    this.logger.warn({ err: error }, "JWT sign-in: the issuer's keys could not be had");
    return new Problem(
      503,
      'JwksUnavailable',
      "the issuer's signing keys cannot be fetched right now, so the token cannot be checked; try again shortly",
      { headers: { 'retry-after': '5' } },
    );
  }
}

function refused(code: string, detail: string): Problem {
  return new Problem(401, code, detail, {
    headers: {
      'www-authenticate': `Bearer realm="open-data-ledger", error="invalid_token", error_description="${code}"`,
    },
  });
}

function invalidToken(detail: string): Problem {
  return refused('InvalidToken', detail);
}

function invalidClaims(detail: string): Problem {
  return refused('InvalidTokenClaims', detail);
}
