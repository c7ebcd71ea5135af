import type { FastifyReply } from 'fastify';
import type { FieldError } from '@ledger/runtime';

/**
 * An HTTP refusal with a stable machine-readable `code` (RFC 9457 problem details). Thrown by
 * controllers and the edge; domain and store errors are mapped to problems in ProblemDetailsFilter.
 */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      [member: string]: unknown;
    } = {},
  ) {
    super(detail);
  }

  static badRequest(code: string, detail: string, errors?: FieldError[]): Problem {
    return new Problem(400, code, detail, errors ? { errors } : {});
  }
  static forbidden(detail: string, code = 'Forbidden'): Problem {
    return new Problem(403, code, detail);
  }
  static notFound(code: string, detail: string): Problem {
    return new Problem(404, code, detail);
  }
}

/** The `title` of each status: short, and the same for every problem with that status. */
export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The RFC 9457 body every refusal of the ledger answers with. */
export function problemDetailsOf(problem: Problem): Record<string, unknown> {
  const { errors, headers, ...extra } = problem.extra;
  void headers;
  return {
    type: `urn:open-data-ledger:problem:${problem.code}`,
    title: STATUS_TITLES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    ...extra,
    ...(errors && { errors }),
  };
}

/** Answers a refusal as problem details: its status, its headers (Retry-After, say) and its body. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .headers(problem.extra.headers ?? {})
    .type('application/problem+json')
    .send(problemDetailsOf(problem));
}
