import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Problem, problemDetailsOf, sendProblem, STATUS_TITLES } from './problem';

/**
 * Longest path parameter the router matches. Ids run to 128 characters (AGGREGATE_ID_PATTERN) and
 * stream ids and receipts add a category before them (`application-<id>`), so Fastify's default of 100
 * turned a request for a dataset with a long id into a 414.
 */
export const MAX_PATH_PARAMETER_LENGTH = 256;

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request (a malformed request line, CR,
 * LF or NUL in a header, conflicting Content-Length, headers over 16 KiB) before there is a request
 * to route. Answered as problem details like every other refusal, then the connection is closed, as
 * Node and Fastify do.
 */
export function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Socket): void {
  // A connection reset by the client has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new Problem(431, 'HeadersTooLarge', 'the request line and headers are larger than 16 KiB')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new Problem(408, 'RequestTimeout', 'the request did not arrive in time')
        : Problem.badRequest(
            'MalformedRequest',
            'the request is not well-formed HTTP/1.1: its request line, a header, or the framing of its body',
          );
  const body = JSON.stringify(problemDetailsOf(problem));
  // As Node does: never write into a response already under way on this connection (pipelining).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_TITLES[problem.status]}\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`: the router refused the path before any route or Nest filter runs — it
 * does not percent-decode to UTF-8 (`%C0%80`, a lone surrogate's `%ED%A0%80`), or a parameter is longer
 * than MAX_PATH_PARAMETER_LENGTH.
 */
export function answerUnroutablePath(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new Problem(
          414,
          'PathParameterTooLong',
          `a path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`,
        )
      : error.code === 'FST_ERR_BAD_URL'
        ? Problem.badRequest('InvalidPath', 'the path does not percent-decode to valid UTF-8')
        : new Problem(error.statusCode ?? 400, 'BadRequest', error.message);
  void sendProblem(reply, problem);
}

/** None of the ledger's GET, HEAD or DELETE routes reads a body. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * Refuses, before any route runs, what no route could handle faithfully:
 * - an HTTP/1.1 request without Host (RFC 9112 §3.2; Node's own refusal, turned off with
 *   `requireHostHeader: false`, was an empty 400);
 * - a URL holding U+0000 as `%00`, which PostgreSQL text cannot hold: bodies refuse it already, and a
 *   path or query value reached SQL with it (`GET /v1/events?type=%00` was a 500);
 * - a body on GET, HEAD or DELETE: Fastify runs those routes without waiting for a body, so one that
 *   turned out malformed (`Transfer-Encoding: chunked` then `zz`) was answered 400 by the parser while
 *   the route went on to record an export or a disclosure.
 */
export function refuseUnfaithfulRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
      throw Problem.badRequest('HostRequired', 'an HTTP/1.1 request names its Host');
    }
    if (/%00/.test(request.url)) {
      throw Problem.badRequest('UnfaithfulUrl', 'the URL holds U+0000 (%00), which the ledger cannot keep');
    }
    const length = request.headers['content-length'];
    const hasBody =
      request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (hasBody && BODILESS_METHODS.has(request.method)) {
      throw Problem.badRequest('UnexpectedBody', `${request.method} takes no body here; send none`);
    }
  });
}
