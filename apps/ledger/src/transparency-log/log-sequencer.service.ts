import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NoteSigner } from '@ledger/transparency';
import { WebhookSubscriptions } from '@ledger/projections';
import {
  ConfigurationError,
  EVENT_STORE,
  LEDGER_CONFIG,
  LedgerConfig,
  LedgerMetrics,
  LOGGER,
  Logger,
  TRANSPARENCY_LOG,
} from '@ledger/runtime';
import {
  EventStore,
  LogSequencer,
  SigningKeyMismatchError,
  StoredCheckpoint,
  TransparencyLog,
} from '@ledger/store';

export const CHECKPOINT_SIGNER = Symbol('CHECKPOINT_SIGNER');

/**
 * Runs the log's sequencer in this process when LEDGER_SEQUENCER is on (the default): integration
 * close behind the appends and a checkpoint every LEDGER_CHECKPOINT_INTERVAL_MS while the log grows.
 * Checkpoints on demand work either way.
 */
@Injectable()
export class LogSequencerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sequencer: LogSequencer;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(TRANSPARENCY_LOG) log: TransparencyLog,
    @Inject(CHECKPOINT_SIGNER) readonly signer: NoteSigner,
    metrics: LedgerMetrics,
    private readonly webhooks: WebhookSubscriptions,
  ) {
    this.sequencer = new LogSequencer({
      log,
      store,
      signer,
      checkpointIntervalMs: config.checkpointIntervalMs,
      onIntegrated: (treeSize) => metrics.logTreeSize.set(treeSize),
      onError: (error, activity) => {
        metrics.logFailures.inc({ activity });
        logger.error({ err: error }, `transparency log: ${activity} failed: ${error.message}`);
      },
      onCheckpoint: (checkpoint) => {
        metrics.logCheckpointSize.set(checkpoint.treeSize);
        logger.debug({ treeSize: checkpoint.treeSize }, `signed checkpoint of size ${checkpoint.treeSize}`);
        this.enqueueCheckpointDeliveries(checkpoint.treeSize);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Also with the sequencer off: on-demand checkpoints are signed with the same key.
    await this.sequencer.checkSigningKey().catch((error: unknown) => {
      if (!(error instanceof SigningKeyMismatchError)) throw error;
      throw new ConfigurationError(
        `${error.message}. Verifiers pin the log's key: start the ledger with the key it was using ` +
          '(LEDGER_SIGNING_KEY, or log-signing-key.pem in LEDGER_DATA_DIR, restored with the database) and the same LEDGER_LOG_ORIGIN',
      );
    });
    if (!this.config.sequencer) return;
    const checkpoint = await this.sequencer.start();
    // Again for the latest, in case the process stopped between signing it and enqueueing it (once per subscription).
    this.enqueueCheckpointDeliveries(checkpoint.treeSize);
    this.logger.info(
      { treeSize: checkpoint.treeSize, verifierKey: this.signer.verifierKey },
      `transparency log at size ${checkpoint.treeSize}; verifier key ${this.signer.verifierKey}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sequencer.stop();
  }

  /** Webhook deliveries of a new checkpoint (LogCheckpointPublished); a failure here never fails the checkpoint. */
  private enqueueCheckpointDeliveries(treeSize: number): void {
    this.webhooks
      .enqueueCheckpoint(treeSize)
      .catch((error: Error) =>
        this.logger.warn(
          { err: error, treeSize },
          `could not enqueue webhook deliveries of checkpoint ${treeSize}`,
        ),
      );
  }

  /** Integrates everything appended so far and signs it (or returns the checkpoint that already has this size). */
  publishNow(): Promise<{ checkpoint: StoredCheckpoint; created: boolean }> {
    return this.sequencer.publishNow();
  }
}
