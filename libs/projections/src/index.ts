export * from './projections-worker.module';
