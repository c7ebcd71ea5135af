import { jobIdOf } from '@ledger/runtime';

/** The job queue of grant expiries. */
export const GRANT_EXPIRY_QUEUE = 'grant-expiry';

/** A grant's expiry timer: which grant, its validUntil (when the timer is due), the AccessGranted that set it. */
export interface GrantExpiryPayload {
  grantStream: string;
  /** RFC 3339. */
  validUntil: string;
  /** The id of the AccessGranted (the GrantExpired's causation). */
  startedBy: string;
}

/** One expiry timer per grant, however often it is decided. */
export function grantExpiryJobId(timer: Pick<GrantExpiryPayload, 'grantStream'>): string {
  return jobIdOf(timer.grantStream, 'grant_expiry');
}
