import { Module } from '@nestjs/common';
import { ProjectionWorker } from './projection-worker';

/** Everything the worker runs; imported by apps/projections and, in embedded mode, by apps/ledger. */
@Module({ providers: [ProjectionWorker] })
export class ProjectionsWorkerModule {}
