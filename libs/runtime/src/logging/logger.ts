import type { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

/** One pino logger for the process: Fastify's request logs and Nest's own messages go through it as JSON lines. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'open-data-ledger' },
    redact: { paths: ['req.headers.authorization', 'token', '*.token'], censor: '[redacted]' },
  });
}

/** Nest's LoggerService over pino, so framework messages are structured like ours. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

export type { Logger };
