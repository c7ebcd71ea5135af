import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Actor, ANONYMOUS_ACTOR } from '@ledger/events';
import type { AuthenticatedPrincipal } from './principal-directory';

export interface LedgerRequestContext {
  principal?: AuthenticatedPrincipal;
}

/** The authenticated principal of the request (undefined on a public route called without a key). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedPrincipal | undefined =>
    context.switchToHttp().getRequest<LedgerRequestContext>().principal,
);

export function actorOf(principal: AuthenticatedPrincipal): Actor {
  return {
    id: principal.id,
    role: principal.role,
    ...(principal.organizationId !== undefined && { organizationId: principal.organizationId }),
  };
}

/** The actor of a route that answers without a key: the principal when one was sent, else the public. */
export function actorOrAnonymous(principal: AuthenticatedPrincipal | undefined): Actor {
  return principal ? actorOf(principal) : ANONYMOUS_ACTOR;
}
