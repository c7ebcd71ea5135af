import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Module,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import {
  JOB_RUNNER,
  JobHandler,
  JobRunner,
  JOURNAL,
  LEDGER_CONFIG,
  LedgerConfig,
  OutboxDispatcher,
  TRANSPARENCY_LOG,
} from '@ledger/runtime';
import type { Journal, TransparencyLog } from '@ledger/store';
import { exportJobHandler } from './export-job.handler';
import {
  EXPORT_ATTEMPTS,
  EXPORT_BACKOFF_MS,
  ExportJob,
  EXPORTS_QUEUE,
  exportsDirectoryOf,
} from './export-jobs';

/**
 * Registers the handler of the exports queue with this process's job runner, if it has one. At shutdown
 * it stops the exports it is writing (their rows go back to queued; the outbox runs them again).
 */
@Injectable()
export class ExportWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly shutdown = new AbortController();
  readonly handler: JobHandler<ExportJob>;

  constructor(
    @Optional() @Inject(JOB_RUNNER) private readonly runner: JobRunner | undefined,
    @Inject(JOURNAL) journal: Journal,
    @Inject(TRANSPARENCY_LOG) log: TransparencyLog,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    private readonly outbox: OutboxDispatcher,
  ) {
    this.handler = exportJobHandler({
      db: journal.database,
      log,
      directory: exportsDirectoryOf(config),
      signal: this.shutdown.signal,
    });
  }

  onModuleInit(): void {
    this.outbox.setJobOptions(EXPORTS_QUEUE, { attempts: EXPORT_ATTEMPTS, backoffMs: EXPORT_BACKOFF_MS });
    this.runner?.handle(EXPORTS_QUEUE, this.handler, { concurrency: 2 });
  }

  beforeApplicationShutdown(): void {
    this.shutdown.abort();
  }
}

/** Long audit-trail exports (issue 5): the handler that writes their files, run by the worker. */
@Module({ providers: [ExportWorker], exports: [ExportWorker] })
export class ExportsModule {}
