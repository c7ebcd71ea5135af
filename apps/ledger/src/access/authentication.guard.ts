import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Role } from '@ledger/events';
import { Problem } from '../http/problem';
import { ALLOWED_ROLES, LedgerRequestContext, PUBLIC_ROUTE } from './access.decorators';
import { hashToken } from './api-keys';
import { PrincipalDirectory } from './principal-directory';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Every route needs a valid key unless it is @Public(); a key that is sent must be valid everywhere,
 * public routes included. @Roles() narrows who may call a route.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly directory: PrincipalDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & LedgerRequestContext>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false;
    const header = request.headers.authorization;

    if (header === undefined) {
      if (isPublic) return true;
      throw unauthorized('MissingCredentials', 'send Authorization: Bearer <API key>');
    }
    const match = BEARER.exec(header);
    if (!match)
      throw unauthorized('InvalidCredentials', 'the Authorization header must be "Bearer <API key>"');
    const principal = await this.directory.authenticate(hashToken(match[1]));
    if (!principal) throw unauthorized('InvalidCredentials', 'the API key is unknown or revoked');
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw Problem.forbidden(
        `this action needs one of the roles ${roles.join(', ')}; you are a ${principal.role}`,
      );
    }
    return true;
  }
}

function unauthorized(code: string, detail: string): Problem {
  return new Problem(401, code, detail, {
    headers: { 'www-authenticate': 'Bearer realm="open-data-ledger"' },
  });
}
