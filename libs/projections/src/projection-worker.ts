import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, Logger } from '@ledger/runtime';

/**
 * The projection worker's shell. It runs inside the API process in embedded mode and on its own
 * (`npm run start:projections`) with PostgreSQL; the projection engine and its projections arrive
 * with the views issue and are registered here.
 */
@Injectable()
export class ProjectionWorker implements OnApplicationBootstrap {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  onApplicationBootstrap(): void {
    this.logger.info('projection worker started; no projections are registered yet');
  }
}
