export * from './projections-worker.module';
export * from './projections.module';
export * from './projections';
export * from './engine/projection';
export * from './engine/projection-engine';
export { generationSchema } from './engine/projection.sql';
export * from './dataset-catalogue/dataset-catalogue.reader';
export * from './create-projection-engine';
export * from './deadline-timers/deadline-timer';
export { DEADLINE_TIMERS_REACTOR } from './deadline-timers/deadline-timers.reactor';
export * from './webhooks/webhooks.module';
export * from './exports';
export * from './webhooks/webhook-subscriptions';
export { WEBHOOKS_REACTOR } from './webhooks/webhooks.reactor';
export { VIOLATION_DETECTION_REACTOR } from './detection/detection.reactor';
export { DetectionRecorder, type DetectionRecorderOptions } from './detection/detection-recorder';
export {
  CHECKPOINT_EVENT_TYPE,
  CLOUDEVENTS_STRUCTURED,
  SIGNATURE_HEADER,
  signatureOf,
  verifySignature,
} from './webhooks/webhook-cloud-event';
