import type { Actor } from '@ledger/events';

/**
 * Who acts for a data-opening body: its own body officers, and publishers (the body's catalogue
 * system) bound to it. The ledger's own reactions act for every body.
 */
export function actsForOrganization(actor: Actor, organizationId: string): boolean {
  if (actor.role === 'system') return true;
  return (
    (actor.role === 'body_officer' || actor.role === 'publisher') && actor.organizationId === organizationId
  );
}
