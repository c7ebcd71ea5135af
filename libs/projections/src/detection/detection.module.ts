import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { EVENT_STORE, JOURNAL, LOGGER, Logger } from '@ledger/runtime';
import type { EventStore, Journal } from '@ledger/store';
import { DetectionRecorder } from './detection-recorder';

/** Runs the detection recorder in the worker, from start-up until shutdown begins. */
@Injectable()
export class DetectionRecorderWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly recorder: DetectionRecorder;

  constructor(
    @Inject(JOURNAL) journal: Journal,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.recorder = new DetectionRecorder(journal.database, store, {
      onError: (error) => logger.warn({ err: error }, 'recording suspected violations failed'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.recorder.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.recorder.stop();
  }
}

/** Detection of suspected violations (the violation_detection reactor's recorder), run by the worker. */
@Module({ providers: [DetectionRecorderWorker] })
export class DetectionModule {}
