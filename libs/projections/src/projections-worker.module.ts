import { Module } from '@nestjs/common';
import { ProjectionWorker } from './projection-worker';
import { ProjectionsModule } from './projections.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ExportsModule } from './exports/exports.module';
import { DetectionModule } from './detection/detection.module';

/**
 * Everything the worker runs (projections, reactors, the job runner and its handlers); imported by
 * apps/projections and, in embedded mode, by apps/ledger.
 */
@Module({
  imports: [ProjectionsModule, WebhooksModule, ExportsModule, DetectionModule],
  providers: [ProjectionWorker],
})
export class ProjectionsWorkerModule {}
