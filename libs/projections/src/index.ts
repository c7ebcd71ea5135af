export * from './projections-worker.module';
export * from './projections.module';
export * from './projections';
export * from './engine/projection';
export * from './engine/projection-engine';
export { generationSchema } from './engine/projection.sql';
export * from './dataset-catalogue/dataset-catalogue.reader';
export * from './create-projection-engine';
