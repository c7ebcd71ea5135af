import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import {
  CommandLoop,
  EVENT_STORE,
  JOB_RUNNER,
  JobRunner,
  LOGGER,
  Logger,
  OutboxDispatcher,
} from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { ProjectionEngine } from './engine/projection-engine';
import { DEADLINES_QUEUE } from './deadline-timers/deadline-timer';
import { deadlineTimerHandler } from './deadline-timers/deadline-timer.handler';
import { GRANT_EXPIRY_QUEUE } from './deadline-timers/grant-expiry';
import { grantExpiryHandler } from './deadline-timers/grant-expiry.handler';

/**
 * Runs the projections and the jobs they decide: inside the API process in embedded mode, on its own
 * (`npm run start:projections`) with PostgreSQL. Each projection's runner holds its advisory lock, so
 * several workers may run and each projection is applied by one of them at a time. Job handlers are
 * registered on the job runner at module init (here: deadline timers; other modules theirs); the runner
 * and the outbox dispatcher start once the projections have.
 */
@Injectable()
export class ProjectionWorker implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
    private readonly outbox: OutboxDispatcher,
    private readonly commands: CommandLoop,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(DEADLINES_QUEUE, deadlineTimerHandler({ store: this.store, commands: this.commands }), {
      concurrency: 4,
    });
    this.jobs.handle(GRANT_EXPIRY_QUEUE, grantExpiryHandler({ commands: this.commands }), { concurrency: 4 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.start();
    await this.jobs.start();
    this.outbox.start();
    const names = this.engine.registered.map((projection) => projection.name);
    this.logger.info(
      { projections: names, jobRunner: this.jobs.kind },
      `projection worker started: ${names.join(', ') || 'no projections'}; jobs ${this.jobs.kind}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.outbox.stop();
    await this.engine.stop();
    await this.jobs.close();
  }
}
