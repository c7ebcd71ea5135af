import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * A client's X-Request-Id names the request in the logs and becomes the `correlationId` of what the
 * request records — in the journal, for ever. So only a short, plain one is taken (a UUID, a ULID,
 * a W3C trace id, `gateway-42:7`); anything else (kilobytes of text, spaces, quotes, other scripts,
 * the header sent twice) is replaced by a fresh UUID, which the answer's X-Request-Id tells the client.
 */
const PLAIN_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const offered = request.headers['x-request-id'];
  return typeof offered === 'string' && PLAIN_REQUEST_ID.test(offered) ? offered : randomUUID();
}
