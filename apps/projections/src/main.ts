import { NestFactory } from '@nestjs/core';
import { ConfigurationError, createLogger, loadConfig, PinoNestLogger, stopOnSignals } from '@ledger/runtime';
import { ProjectionsAppModule } from './projections-app.module';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new ConfigurationError(
      'the projection worker runs as its own process only with PostgreSQL (DATABASE_URL); in embedded mode `npm start` runs it inside the ledger',
    );
  }
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(ProjectionsAppModule.register({ config, logger }), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  // SIGTERM/SIGINT: the projections finish their batch, running jobs end, then exit 0 (within 9 s, else 1).
  stopOnSignals(app, { logger });
  await app.init();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigurationError ? error.message : ((error as Error)?.stack ?? String(error))}\n`,
  );
  process.exit(1);
});
