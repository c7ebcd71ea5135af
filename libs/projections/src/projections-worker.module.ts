import { Module } from '@nestjs/common';
import { ProjectionWorker } from './projection-worker';
import { ProjectionsModule } from './projections.module';

/** Everything the worker runs; imported by apps/projections and, in embedded mode, by apps/ledger. */
@Module({ imports: [ProjectionsModule], providers: [ProjectionWorker] })
export class ProjectionsWorkerModule {}
