import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../http/problem';
import type { LedgerRequestContext } from './access.decorators';
import { mayCall, requiredAccess, roleRefusal } from './authorization-matrix';
import { BearerCredentials, MALFORMED } from './bearer-credentials';

/**
 * Every route needs a valid key unless the authorisation matrix (authorization-matrix.ts) makes it
 * public; a key that is sent must be valid everywhere, public routes included. The matrix names the
 * roles that may call each route, and a route it does not list is refused.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(private readonly credentials: BearerCredentials) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & LedgerRequestContext>();
    const access = requiredAccess(request);
    const isPublic = access.who === 'public';
    const header = request.headers.authorization;

    if (header === undefined) {
      if (isPublic) return true;
      throw unauthorized('MissingCredentials', 'send Authorization: Bearer <API key>');
    }
    const principal = await this.credentials.principalOf(header);
    if (principal === MALFORMED)
      throw unauthorized('InvalidCredentials', 'the Authorization header must be "Bearer <API key>"');
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
