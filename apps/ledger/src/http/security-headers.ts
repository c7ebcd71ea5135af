import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LedgerConfig } from '@ledger/runtime';

type Directives = Record<string, string[]>;

/** JSON, text and exports: nothing in an answer may run, load anything or be framed. */
const API_DIRECTIVES: Directives = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI at /docs: its scripts, stylesheet and icons come from /docs itself, the page has inline
 * <style> blocks (and Swagger UI writes style attributes), its images are data: URIs, and "Try it
 * out" calls this origin. No inline script: swagger-ui-init.js carries the document.
 */
const DOCS_DIRECTIVES: Directives = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * bull-board at /v1/admin/queues: scripts and styles from its own static path (found through
 * <base href>), inline style attributes, data: images, its API on this origin. Its stylesheet link
 * to Google Fonts is not allowed: the board falls back to local fonts rather than telling a third
 * party when a platform admin looks at the queues. The sign-in page sets a stricter policy of its own.
 */
const QUEUE_BOARD_DIRECTIVES: Directives = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'self'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * The console at /console: its scripts and stylesheets are files Vite built into /console, it calls
 * this origin's API, and nothing else — no inline script, no third party. Charts draw on a canvas
 * and write style properties from script (the CSS object model, which style-src does not govern).
 */
const CONSOLE_DIRECTIVES: Directives = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

const PAGES: { path: string; policy: string }[] = [
  { path: '/console', policy: policyOf(CONSOLE_DIRECTIVES) },
  { path: '/docs', policy: policyOf(DOCS_DIRECTIVES) },
  { path: '/v1/admin/queues', policy: policyOf(QUEUE_BOARD_DIRECTIVES) },
];

/**
 * Security headers on every answer (issue 7), problem answers and 404s included, via helmet:
 * a Content-Security-Policy that lets an API answer do nothing (the two HTML pages, /docs and the queue
 * board, get the policies their UIs need), X-Content-Type-Options: nosniff, X-Frame-Options: DENY with
 * frame-ancestors 'none', Referrer-Policy: no-referrer, Strict-Transport-Security unless LEDGER_HSTS=off
 * (browsers ignore it over plain http anyway), and Cache-Control: no-store on answers under /v1 — they
 * can carry case data — unless the route set its own. Register before anything that may refuse a
 * request in a hook (the rate limits), so refusals carry the headers too.
 */
export async function registerSecurityHeaders(fastify: FastifyInstance, config: LedgerConfig): Promise<void> {
  const headers = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: API_DIRECTIVES },
    strictTransportSecurity:
      config.hstsMaxAgeSeconds > 0 ? { maxAge: config.hstsMaxAgeSeconds, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    const page = PAGES.find(({ path }) => isUnder(pathOf(request), path));
    if (page) reply.header('content-security-policy', page.policy);
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (isUnder(pathOf(request), '/v1') && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
}

/**
 * The headers helmet sets with these options, worked out once. They depend on the options alone (no
 * nonces), and helmet's middleware would set them one by one on each response, through a chain of a
 * dozen middlewares (3% of the time of a single-event append; @fastify/helmet was worse, parsing every
 * directive again per request).
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => (failure = error),
  );
  if (failure) throw failure;
  return headers;
}

function policyOf(directives: Directives): string {
  return Object.entries(directives)
    .map(
      ([name, values]) =>
        `${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} ${values.join(' ')}`,
    )
    .join(';');
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?', 1)[0];
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
