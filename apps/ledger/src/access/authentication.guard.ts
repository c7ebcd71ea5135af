import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../http/problem';
import type { LedgerRequestContext } from './access.decorators';
import { hashToken } from './api-keys';
import { mayCall, requiredAccess, roleRefusal } from './authorization-matrix';
import { bearerJwtOf, JwtAuthenticator } from './jwt-authenticator';
import { PrincipalDirectory } from './principal-directory';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Every route needs a valid key unless the authorisation matrix (authorization-matrix.ts) makes it
 * public; a key that is sent must be valid everywhere, public routes included. The matrix names the
 * roles that may call each route, and a route it does not list is refused.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly directory: PrincipalDirectory,
    private readonly jwtAuthenticator: JwtAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & LedgerRequestContext>();
    const access = requiredAccess(request);
    const isPublic = access.who === 'public';
    const header = request.headers.authorization;

    if (header === undefined) {
      if (isPublic) return true;
      throw unauthorized('MissingCredentials', 'send Authorization: Bearer <API key>');
    }
    const jwt = bearerJwtOf(header);
    const match = BEARER.exec(header);
    if (jwt === undefined && !match)
      throw unauthorized('InvalidCredentials', 'the Authorization header must be "Bearer <API key>"');
    const principal =
      jwt !== undefined
        ? await this.jwtAuthenticator.authenticate(jwt)
        : match && (await this.directory.authenticate(hashToken(match[1])));
    if (!principal) throw unauthorized('InvalidCredentials', 'the API key is unknown or revoked');
    request.principal = principal;

    if (!mayCall(access, principal.role)) throw roleRefusal(access, principal.role);
    return true;
  }
}

function unauthorized(code: string, detail: string): Problem {
  return new Problem(401, code, detail, {
    headers: { 'www-authenticate': 'Bearer realm="open-data-ledger"' },
  });
}
