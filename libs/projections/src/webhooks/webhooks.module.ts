import { Global, Inject, Injectable, Module, OnModuleInit, Optional } from '@nestjs/common';
import {
  EVENT_STORE,
  JOB_RUNNER,
  JobRunner,
  JOURNAL,
  LEDGER_CONFIG,
  LedgerConfig,
  loadMasterKey,
  LOGGER,
  Logger,
  OutboxDispatcher,
  TRANSPARENCY_LOG,
} from '@ledger/runtime';
import type { EventStore, Journal, TransparencyLog } from '@ledger/store';
import { webhookDeliveryHandler } from './webhook-delivery.handler';
import { WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS, WEBHOOKS_QUEUE } from './webhook-outbox';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSubscriptions } from './webhook-subscriptions';

/** Registers the delivery handler of the webhooks queue with this process's job runner, if it has one. */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit {
  constructor(
    @Optional() @Inject(JOB_RUNNER) private readonly runner: JobRunner | undefined,
    @Inject(JOURNAL) private readonly journal: Journal,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TRANSPARENCY_LOG) private readonly log: TransparencyLog,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly secrets: WebhookSecrets,
    private readonly outbox: OutboxDispatcher,
  ) {}

  onModuleInit(): void {
    // A subscriber that is down for a while gets WEBHOOK_ATTEMPTS tries with growing pauses (the handler counts them too).
    this.outbox.setJobOptions(WEBHOOKS_QUEUE, { attempts: WEBHOOK_ATTEMPTS, backoffMs: WEBHOOK_BACKOFF_MS });
    this.runner?.handle(
      WEBHOOKS_QUEUE,
      webhookDeliveryHandler({
        db: this.journal.database,
        store: this.store,
        log: this.log,
        secrets: this.secrets,
        source: this.config.logOrigin,
      }),
      { concurrency: 8 },
    );
  }
}

/**
 * Webhooks (issue 5): the subscriptions, the sealing of their secrets and the delivery handler. Global
 * and imported once per process, so the API that seals a secret and the handler that opens it share
 * one key even when the master key lives only in memory (an in-memory journal).
 */
@Global()
@Module({
  providers: [
    {
      provide: WebhookSecrets,
      inject: [LEDGER_CONFIG, LOGGER],
      useFactory: (config: LedgerConfig, logger: Logger) =>
        new WebhookSecrets(loadMasterKey(config, logger.child({ component: 'webhooks' }))),
    },
    {
      provide: WebhookSubscriptions,
      inject: [JOURNAL, WebhookSecrets],
      useFactory: (journal: Journal, secrets: WebhookSecrets) =>
        new WebhookSubscriptions(journal.database, journal.store, secrets),
    },
    WebhookDeliveryWorker,
  ],
  exports: [WebhookSecrets, WebhookSubscriptions],
})
export class WebhooksModule {}
