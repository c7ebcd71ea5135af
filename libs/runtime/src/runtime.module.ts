import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Journal, JournalOptions, openJournal, TransparencyLog } from '@ledger/store';
import { CommandLoop } from './commands/command-loop';
import type { LedgerConfig } from './config/ledger-config';
import type { Logger } from './logging/logger';
import { loadRulebooks, Rulebooks } from './rulebook/rulebook';
import { LedgerMetrics } from './metrics/ledger-metrics';
import { connectRedis, Redis } from './redis/redis-connection';
import { EVENT_STORE, JOURNAL, LEDGER_CONFIG, LOGGER, REDIS, TRANSPARENCY_LOG } from './runtime.tokens';
import { EventDataValidator } from './schemas/event-data-validator';
import { openPersonalDataVault } from './personal-data/master-key';
import { PersonalDataVault } from './personal-data/personal-data-vault';
import { BullMqJobRunner } from './jobs/bullmq-job-runner';
import { InProcessJobRunner } from './jobs/in-process-job-runner';
import { JOB_RUNNER, JobRunner } from './jobs/job-runner';
import { OutboxCompletingJobRunner, OutboxDispatcher } from './jobs/outbox-dispatcher';
import { queuePrefixOf } from './jobs/queue-prefix';

export interface RuntimeOptions {
  config: LedgerConfig;
  logger: Logger;
  /** Test seams: a PGlite snapshot to start from, an injected clock. */
  journal?: Partial<JournalOptions>;
}

/** Closes the job runner, the journal and Redis once the HTTP server has stopped and in-flight work is done. */
class ConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(JOURNAL) private readonly journal: Journal,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.jobs.close();
    await this.journal.close();
    this.redis?.disconnect();
  }
}

/**
 * What the API and the worker both run on: configuration, logging, the journal (migrated at start-up),
 * the transparency log's tree, the rulebooks, event schemas, the command loop and the personal-data vault. Both apps are thin shells over this module.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions): DynamicModule {
    const { config, logger } = options;
    return {
      module: RuntimeModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        LedgerMetrics,
        {
          provide: REDIS,
          useFactory: () =>
            connectRedis(config.redisUrl, (error) => logger.warn({ err: error }, 'redis connection error')),
        },
        {
          provide: JOURNAL,
          inject: [LedgerMetrics],
          useFactory: async (metrics: LedgerMetrics): Promise<Journal> => {
            const journal = await openJournal({
              databaseUrl: config.databaseUrl,
              migrationDatabaseUrl: config.migrationDatabaseUrl,
              dataDir: config.dataDir,
              onMigrationApplied: (migration) =>
                logger.info({ migration: `${migration.version}_${migration.name}` }, 'applied migration'),
              onBackgroundError: (error) => logger.warn({ err: error }, 'database connection error'),
              onCommitted: (head, events) => metrics.recordCommit(head, events),
              ...options.journal,
            });
            logger.info({ journal: journal.location }, `journal open: ${journal.location}`);
            return journal;
          },
        },
        { provide: EVENT_STORE, useFactory: (journal: Journal) => journal.store, inject: [JOURNAL] },
        {
          provide: TRANSPARENCY_LOG,
          useFactory: (journal: Journal, metrics: LedgerMetrics) => {
            const log = new TransparencyLog(journal.database);
            metrics.watchCache('log_tiles', () => log.tileCacheSize());
            return log;
          },
          inject: [JOURNAL, LedgerMetrics],
        },
        {
          provide: Rulebooks,
          useFactory: () =>
            new Rulebooks(loadRulebooks(), {
              onFallback: ({ rulebook, year, clock }) =>
                logger.warn(
                  { rulebook, year, clock },
                  `rulebook ${rulebook} has no working-day calendar for ${year}: deadlines in ${year} count weekends only; publish a rulebook version with ${year}'s holidays`,
                ),
            }),
        },
        EventDataValidator,
        {
          provide: CommandLoop,
          useFactory: (journal: Journal, rulebooks: Rulebooks, validator: EventDataValidator) =>
            new CommandLoop(journal.store, rulebooks, validator),
          inject: [JOURNAL, Rulebooks, EventDataValidator],
        },
        {
          provide: PersonalDataVault,
          useFactory: (journal: Journal) => openPersonalDataVault(journal.database, config, logger),
          inject: [JOURNAL],
        },
        {
          // BullMQ when REDIS_URL is set, the same handlers in-process otherwise (architecture.md §4).
          // Handlers mark their job-outbox row completed, whichever module registers them.
          provide: JOB_RUNNER,
          inject: [JOURNAL],
          useFactory: (journal: Journal): JobRunner => {
            const onFailed = (queue: string, jobId: string, error: Error, willRetry: boolean) =>
              logger.warn({ err: error, queue, jobId, willRetry }, `job ${jobId} of ${queue} failed`);
            const runner = config.redisUrl
              ? new BullMqJobRunner({
                  url: config.redisUrl,
                  prefix: queuePrefixOf(config),
                  onFailed,
                  onError: (error) => logger.warn({ err: error }, 'job queue connection error'),
                })
              : new InProcessJobRunner({ onFailed });
            return new OutboxCompletingJobRunner(runner, journal.database);
          },
        },
        {
          provide: OutboxDispatcher,
          useFactory: (journal: Journal, runner: JobRunner) =>
            new OutboxDispatcher(journal.database, runner, {
              onError: (error) => logger.warn({ err: error }, 'job outbox dispatch failed'),
            }),
          inject: [JOURNAL, JOB_RUNNER],
        },
        ConnectionsCloser,
      ],
      exports: [
        LEDGER_CONFIG,
        LOGGER,
        LedgerMetrics,
        REDIS,
        JOURNAL,
        EVENT_STORE,
        TRANSPARENCY_LOG,
        Rulebooks,
        EventDataValidator,
        CommandLoop,
        PersonalDataVault,
        JOB_RUNNER,
        OutboxDispatcher,
      ],
    };
  }
}
