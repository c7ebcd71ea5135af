import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, Logger } from '@ledger/runtime';
import { ProjectionEngine } from './engine/projection-engine';

/**
 * Runs the projections: inside the API process in embedded mode, on its own
 * (`npm run start:projections`) with PostgreSQL. Each projection's runner holds its advisory lock, so
 * several workers may run and each projection is applied by one of them at a time.
 */
@Injectable()
export class ProjectionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.start();
    const names = this.engine.registered.map((projection) => projection.name);
    this.logger.info(
      { projections: names },
      `projection worker started: ${names.join(', ') || 'no projections'}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
  }
}
