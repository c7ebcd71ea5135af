import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LedgerRequestContext } from '../access/access.decorators';
import { RateLimits } from './rate-limits';

/**
 * The per-principal rate limit. Fastify's hooks all run before Nest's guards, so none of them knows
 * the principal; this guard does, because RateLimitsModule is imported after AccessModule and Nest runs
 * global guards in the order their modules were imported: the authentication guard has set
 * `request.principal` (or refused the request) by the time this one runs. Requests without a principal
 * were counted per IP when they arrived (RateLimits.limitAnonymous).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & LedgerRequestContext>();
    if (request.principal) await this.limits.limitPrincipal(request, http.getResponse<FastifyReply>());
    return true;
  }
}
