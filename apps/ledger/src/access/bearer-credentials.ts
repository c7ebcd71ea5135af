import { Injectable } from '@nestjs/common';
import { hashToken } from './api-keys';
import { bearerJwtOf, JwtAuthenticator } from './jwt-authenticator';
import { AuthenticatedPrincipal, PrincipalDirectory } from './principal-directory';

const BEARER_API_KEY = /^Bearer ([\x21-\x7e]{1,512})$/;

/** An `Authorization` header that is not `Bearer <API key or JWT>` at all. */
export const MALFORMED = 'malformed';

/**
 * Who an `Authorization: Bearer` header names: a JWT from the configured issuer, or an API key the
 * ledger issued. The one place both kinds are told apart, for the guard and for the routes Fastify
 * serves outside it (the queue board).
 */
@Injectable()
export class BearerCredentials {
  constructor(
    private readonly directory: PrincipalDirectory,
    private readonly jwtAuthenticator: JwtAuthenticator,
  ) {}

  /** The principal, undefined for an unknown, revoked, expired or forged credential, MALFORMED for no Bearer token. */
  async principalOf(header: string): Promise<AuthenticatedPrincipal | undefined | typeof MALFORMED> {
    const jwt = bearerJwtOf(header);
    if (jwt !== undefined) return this.jwtAuthenticator.authenticate(jwt);
    const apiKey = BEARER_API_KEY.exec(header)?.[1];
    if (apiKey === undefined) return MALFORMED;
    return this.directory.authenticate(hashToken(apiKey));
  }
}
