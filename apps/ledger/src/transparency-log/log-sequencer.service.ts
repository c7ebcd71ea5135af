import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NoteSigner } from '@ledger/transparency';
import { WebhookSubscriptions } from '@ledger/projections';
import {
  ConfigurationError,
  EVENT_STORE,
  LEDGER_CONFIG,
  loadCheckpointSigner,
  LedgerConfig,
  LedgerMetrics,
  LOGGER,
  Logger,
  TRANSPARENCY_LOG,
} from '@ledger/runtime';
import {
  checkSigningKey,
  EventStore,
  LogSequencer,
  SigningKeyMismatchError,
  StoredCheckpoint,
  TransparencyLog,
} from '@ledger/store';

export const CHECKPOINT_SIGNER = Symbol('CHECKPOINT_SIGNER');

/**
 * The checkpoint signer of this process (LEDGER_SIGNING_KEY, or the key generated into the data
 * directory), refused when the log's latest checkpoint is signed by another key: verifiers pin the
 * key, so a ledger restored without it, or started with another LEDGER_LOG_ORIGIN, would sign
 * checkpoints none of them accepts. Checked while the providers are made, before any part of the
 * ledger (the worker's reactors among them) has started — also with the sequencer off, since
 * on-demand checkpoints are signed with the same key.
 */
export async function checkedCheckpointSigner(
  config: LedgerConfig,
  logger: Logger,
  log: TransparencyLog,
): Promise<NoteSigner> {
  const signer = loadCheckpointSigner(config, logger);
  try {
    await checkSigningKey(log, signer);
  } catch (error) {
    if (!(error instanceof SigningKeyMismatchError)) throw error;
    throw new ConfigurationError(
      `${error.message}. Verifiers pin the log's key: start the ledger with the key it was using ` +
        '(LEDGER_SIGNING_KEY, or log-signing-key.pem in LEDGER_DATA_DIR, restored with the database) and the same LEDGER_LOG_ORIGIN',
    );
  }
  return signer;
}

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
