import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The leaf hash an outside verifier computes from an entry as the API returned it: SHA-256(0x00 ‖
 * RFC 8785 bytes), with the `canonicalize` package, independently of the ledger's own encoder.
 */
export function leafHashOf(entry: unknown): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(canonicalize(entry) as string, 'utf8')
    .digest('base64');
}
