import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LedgerConfig } from '@ledger/runtime';
import { projectPath } from '@ledger/store';

/** Where `npm run build:console` (vite, apps/console) writes the console. */
const BUILT_CONSOLE = ['dist', 'console'];

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Open Data Ledger console — not built</title></head>
<body><h1>The console is not built</h1>
<p>Build it with <code>npm run build:console</code> (npm start and npm run build do it for you), or point
<code>LEDGER_CONSOLE_DIR</code> at a built console, then restart the ledger. The API is unaffected.</p>
<p>控制台尚未构建：请运行 <code>npm run build:console</code> 后重启账本服务。</p></body></html>`;

/**
 * The web console (issue 9) as static files under /console: a single page that talks only to the
 * public HTTP API, so serving it needs nothing but the files. The routes are Fastify's own, public
 * in the authorisation matrix like /docs; the page's Content-Security-Policy is in security-headers.ts.
 */
export async function serveConsole(fastify: FastifyInstance, config: LedgerConfig): Promise<void> {
  const root = consoleDirectory(config);
  if (root !== undefined) {
    await fastify.register(fastifyStatic, {
      root,
      prefix: '/console/',
      index: ['index.html'],
      // Vite names assets by content hash: they never change under their name. index.html does.
      setHeaders: (reply, path) => {
        reply.header(
          'cache-control',
          path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        );
      },
    });
    // /console → /console/, so the page's relative asset paths resolve under it.
    fastify.get('/console', (_request, reply) => reply.redirect('/console/'));
    return;
  }
  const notBuilt = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
  fastify.get('/console', notBuilt);
  fastify.get('/console/*', notBuilt);
}

/** LEDGER_CONSOLE_DIR, else the build in dist/console; undefined when neither holds an index.html. */
function consoleDirectory(config: LedgerConfig): string | undefined {
  if (config.consoleDir !== undefined) {
    return existsSync(join(config.consoleDir, 'index.html')) ? resolve(config.consoleDir) : undefined;
  }
  try {
    return projectPath(...BUILT_CONSOLE, 'index.html').slice(0, -'/index.html'.length);
  } catch {
    return undefined;
  }
}
