export * from './export-jobs';
export { exportJobHandler } from './export-job.handler';
export * from './exports.module';
