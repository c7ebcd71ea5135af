import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@ledger/domain';
import {
  EventDataRejectedError,
  LOGGER,
  Logger,
  PersonalDataTooLargeError,
  PreconditionFailedError,
} from '@ledger/runtime';
import {
  DatabaseUnavailableError,
  EventIdConflictError,
  InvalidEventError,
  isUnavailableError,
  TreeSizeError,
  WrongExpectedVersionError,
} from '@ledger/store';
import { Problem, sendProblem } from './problem';

/** Domain codes that describe invalid input rather than a conflict with the current state. */
const INVALID_INPUT_CODES = new Set([
  'OrganizationRequired',
  'PublishScopeRequired',
  'PublishScopeNotAllowed',
  'ReleaseVersionRequired',
  'ReleaseVersionNotExpected',
  'ReleaseRequired',
  'ReleaseNotExpected',
]);

/** Domain codes that refuse the actor rather than the action: the same request from someone else would pass. */
const FORBIDDEN_CODES = new Set([
  'NotYourOrganization',
  'SuspendNotAllowed',
  'OnlyDataUsersApply',
  'NotYourApplication',
  'NotYourGrant',
  'SupervisorsOnly',
  'SystemOnly',
  'NotEntitledToPersonalData',
]);

/** Fastify's own 400-class error codes, as stable problem codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'InvalidContentLength',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EmptyBody',
  FST_ERR_CTP_INVALID_TYPE: 'UnsupportedMediaType',
};

const RETRY_AFTER_SECONDS = '5';

/**
 * The one place where errors become HTTP answers: RFC 9457 problem details with a stable `code`.
 * Anything with a 4xx `statusCode` (Fastify's parser and limit errors) keeps its status — a 5xx on
 * bad input is a bug — and only an error nobody anticipated is a 500, logged with its stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const problem = this.toProblem(error, request);
    if (problem.status >= 500 && problem.status !== 503) {
      this.logger.error({ err: error, reqId: request?.id, url: request?.url }, 'unexpected error');
    }
    if (reply.sent || reply.raw.headersSent) return;
    void sendProblem(reply, problem);
  }

  private toProblem(error: unknown, request: FastifyRequest | undefined): Problem {
    if (error instanceof Problem) return error;
    if (error instanceof WrongExpectedVersionError) {
      return new Problem(409, error.code, error.message, {
        streamId: error.streamId,
        expectedVersion: error.expectedVersion,
        actualVersion: error.actualVersion,
      });
    }
    if (error instanceof PreconditionFailedError) {
      return new Problem(412, error.code, error.message, {
        streamId: error.streamId,
        expectedVersion: error.expectedVersion,
        actualVersion: error.actualVersion,
      });
    }
    if (error instanceof EventIdConflictError) {
      return new Problem(409, error.code, error.message, { eventId: error.eventId });
    }
    if (error instanceof InvalidEventError) return Problem.badRequest(error.code, error.message);
    if (error instanceof PersonalDataTooLargeError) {
      return Problem.badRequest(
        'PersonalDataTooLarge',
        `${error.message}: shorten the evidence or the contact details`,
      );
    }
    if (error instanceof EventDataRejectedError) {
      return Problem.badRequest(error.code, error.message, error.errors);
    }
    if (error instanceof TreeSizeError) return Problem.badRequest(error.code, error.message);
    if (error instanceof DomainError) {
      const status = error.code.endsWith('NotFound')
        ? 404
        : INVALID_INPUT_CODES.has(error.code)
          ? 400
          : FORBIDDEN_CODES.has(error.code)
            ? 403
            : 409;
      return new Problem(status, error.code, error.message, { ...error.details });
    }
    if (error instanceof DatabaseUnavailableError || isUnavailableError(error)) {
      return new Problem(503, 'DatabaseUnavailable', 'the journal database is unavailable; retry shortly', {
        headers: { 'retry-after': RETRY_AFTER_SECONDS },
      });
    }
    if (error instanceof HttpException) return fromHttpException(error, request);
    const statusCode = (error as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const known = STATUS_PROBLEMS[statusCode];
      if (known) return new Problem(statusCode, known.code, known.detail(request));
      const fastifyCode = String((error as { code?: unknown }).code ?? '');
      return new Problem(statusCode, FASTIFY_CODES[fastifyCode] ?? 'BadRequest', (error as Error).message);
    }
    return new Problem(500, 'InternalError', 'the ledger failed to handle this request; it has been logged');
  }
}

/** Codes and advice for the statuses Nest and Fastify raise on their own. */
const STATUS_PROBLEMS: Record<number, { code: string; detail: (request?: FastifyRequest) => string }> = {
  404: {
    code: 'RouteNotFound',
    detail: (request) => `there is no ${request?.method} ${request?.url}; see /docs`,
  },
  405: { code: 'MethodNotAllowed', detail: (request) => `${request?.method} is not allowed here; see /docs` },
  413: {
    code: 'PayloadTooLarge',
    detail: () => 'the body is larger than this ledger accepts (LEDGER_BODY_LIMIT_BYTES)',
  },
  415: {
    code: 'UnsupportedMediaType',
    detail: () =>
      'send JSON as application/json (CloudEvents: application/cloudevents+json or application/cloudevents-batch+json)',
  },
};

function fromHttpException(error: HttpException, request: FastifyRequest | undefined): Problem {
  const status = error.getStatus();
  const known = STATUS_PROBLEMS[status];
  if (known) return new Problem(status, known.code, known.detail(request));
  return new Problem(status, error.name.replace(/Exception$/, '') || 'Error', error.message);
}
