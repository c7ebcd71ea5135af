import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FastifyInstance, LogController } from 'fastify';
import { LedgerMetrics, PinoNestLogger, RuntimeOptions } from '@ledger/runtime';
import { BATCH, STRUCTURED } from './journal/cloud-events';
import { LedgerAppModule } from './ledger-app.module';
import { Problem } from './http/problem';
import {
  answerUnparsableRequest,
  answerUnroutablePath,
  MAX_PATH_PARAMETER_LENGTH,
  refuseUnfaithfulRequests,
} from './http/edge-refusals';
import { serveConsole } from './http/console-files';
import { useLeanAsyncResourceBind } from './http/lean-async-resource-bind';
import { requestIdOf } from './http/request-id';
import { registerSecurityHeaders } from './http/security-headers';
import { refuseRequestsWhileStopping } from './http/stop-taking-requests';
import { parseStrictJson } from './http/strict-json';
import { ledgerValidationPipe } from './http/validation';
import { RateLimits } from './rate-limits/rate-limits';

const JSON_MEDIA_TYPES = ['application/json', STRUCTURED, BATCH];

/**
 * Builds the ledger's HTTP application, ready to listen: Fastify with the security headers, the rate
 * limits, the strict JSON parsers, the validation pipe, problem details, request metrics and the
 * OpenAPI document at /docs.
 * main.ts and the end-to-end tests both start the ledger through here.
 */
export async function createLedgerApp(options: RuntimeOptions): Promise<NestFastifyApplication> {
  useLeanAsyncResourceBind();
  const adapter = new FastifyAdapter({
    bodyLimit: options.config.bodyLimitBytes,
    loggerInstance: options.logger.child({ component: 'http' }),
    // A log line per request costs more than the append itself at thousands per second: only when debugging.
    logController: new LogController({
      disableRequestLogging: options.config.logLevel !== 'debug' && options.config.logLevel !== 'trace',
    }),
    // The id is the correlationId of what the request records: a client's is checked first (requestIdOf).
    requestIdHeader: false,
    genReqId: requestIdOf,
    return503OnClosing: true,
    // Requests refused before routing are problem details too, not Node's or Fastify's own answers.
    clientErrorHandler: answerUnparsableRequest,
    frameworkErrors: answerUnroutablePath,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    http: { requireHostHeader: false },
    // Which X-Forwarded-For hop is the client: the per-IP rate limits count it (LEDGER_TRUST_PROXY).
    trustProxy: options.config.trustProxy,
  });
  const app = await NestFactory.create<NestFastifyApplication>(LedgerAppModule.register(options), adapter, {
    bodyParser: false,
    logger: new PinoNestLogger(options.logger.child({ component: 'nest' })),
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // Headers first: a request the rate limits refuse in their hook still gets them.
  await registerSecurityHeaders(fastify, options.config);
  // While stopping (main.ts, on SIGTERM), a request on an open connection is answered 503 before anything runs.
  refuseRequestsWhileStopping(fastify);
  await app.get(RateLimits).install(fastify);
  refuseUnfaithfulRequests(fastify);
  registerStrictJsonParsers(fastify);
  recordRequestMetrics(fastify, app.get(LedgerMetrics));
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.useGlobalPipes(ledgerValidationPipe());
  setUpOpenApi(app);
  await serveConsole(fastify, options.config);
  await app.init();
  return app;
}

/** Every JSON body goes through parseStrictJson; any other content type is refused with 415 by Fastify. */
function registerStrictJsonParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseStrictJson(body as Buffer));
    } catch (error) {
      done(error as Problem, undefined);
    }
  });
}

function recordRequestMetrics(fastify: FastifyInstance, metrics: LedgerMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}

function setUpOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Open Data Ledger')
    .setDescription(
      'An event-sourced, tamper-evident governance and audit ledger for government open data. ' +
        'Errors are RFC 9457 problem details (application/problem+json) with a stable `code`. ' +
        'Authenticate with `Authorization: Bearer <API key>`. ' +
        'Requests are rate limited per principal, and without a key per client address (anonymous filings more ' +
        'strictly): over a limit the answer is 429 `RateLimited` with `Retry-After`; `RateLimit-*` headers tell what is left.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
