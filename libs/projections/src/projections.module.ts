import { Global, Module } from '@nestjs/common';
import { JOURNAL, LedgerMetrics, LOGGER, Logger, Rulebooks } from '@ledger/runtime';
import type { Journal } from '@ledger/store';
import { ProjectionEngine } from './engine/projection-engine';
import { createProjectionEngine } from './create-projection-engine';

/**
 * The projection engine with every projection registered. Both apps import it: the worker runs it
 * (ProjectionsWorkerModule), the API reads its checkpoints (read-your-writes, lag in health and metrics).
 */
@Global()
@Module({
  providers: [
    {
      provide: ProjectionEngine,
      inject: [JOURNAL, Rulebooks, LedgerMetrics, LOGGER],
      useFactory: (journal: Journal, rulebooks: Rulebooks, metrics: LedgerMetrics, logger: Logger) =>
        createProjectionEngine(
          journal,
          { rulebooks },
          {
            onError: (projection, error) =>
              logger.warn({ err: error, projection }, 'projection batch failed'),
            onApplied: (projection, position) => metrics.projectionPosition.set({ projection }, position),
          },
        ),
    },
  ],
  exports: [ProjectionEngine],
})
export class ProjectionsModule {}
