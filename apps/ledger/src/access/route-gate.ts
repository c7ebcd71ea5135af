import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import { LOGGER, Logger } from '@ledger/runtime';
import { AuthenticationGuard } from './authentication.guard';
import { authorizationOf } from './authorization-matrix';

/** One route as Fastify serves it: a method and the URL template it was declared with. */
export interface ServedRoute {
  method: string;
  url: string;
}

/**
 * Watches every route Fastify is given, from before Nest declares its own: keeps the list (the
 * matrix's completeness test reads it, and start-up warns of routes the matrix does not list), and
 * puts the authentication guard in front of the routes Nest's guard never sees — Fastify's own
 * (`servedBy: 'fastify'` in the matrix: the OpenAPI pages) and any route the matrix does not list,
 * which the guard then refuses. The queue board's routes check their callers in a hook of their own.
 */
@Injectable()
export class RouteGate implements OnApplicationBootstrap {
  private readonly routes: ServedRoute[] = [];

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly guard: AuthenticationGuard,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Nest declares its routes before any onModuleInit runs: the hook must be in place from construction.
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRoute', (route) => this.declared(route));
  }

  /** Every route served so far (HEAD routes included), in the order they were declared. */
  served(): readonly ServedRoute[] {
    return this.routes;
  }

  onApplicationBootstrap(): void {
    const missing = this.routes.filter((route) => !authorizationOf(route.method, route.url).entry);
    if (missing.length > 0) {
      this.logger.warn(
        { routes: missing.map((route) => `${route.method} ${route.url}`) },
        'routes missing from the authorisation matrix (apps/ledger/src/access/authorization-matrix.ts) are refused to everyone',
      );
    }
  }

  private declared(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let gated = false;
    for (const method of methods) {
      this.routes.push({ method, url: route.url });
      const { entry } = authorizationOf(method, route.url);
      gated ||= entry === undefined || entry.servedBy === 'fastify';
    }
    if (!gated) return;
    const onRequest = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [this.admit, ...onRequest];
  }

  private readonly admit: onRequestHookHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    await this.guard.canActivate(new ExecutionContextHost([request, reply]));
  };
}
