import type { NoteSigner } from '@ledger/transparency';
import type { EventStore } from '../event-store.port';
import type { StoredCheckpoint, TransparencyLog } from './transparency-log';

export interface LogSequencerOptions {
  log: TransparencyLog;
  store: EventStore;
  signer: NoteSigner;
  /** A checkpoint is signed at least this often while the log grows. */
  checkpointIntervalMs: number;
  /** Integration rounds start at most this often, so a busy journal is integrated in batches. */
  minRoundIntervalMs?: number;
  clock?: () => Date;
  onError?: (error: Error, activity: 'integrating' | 'signing') => void;
  onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
  /** Called with the tree's size after every integration round that added leaves. */
  onIntegrated?: (treeSize: number) => void;
}

/**
 * The log's latest checkpoint is signed by another key (or under another origin) than this process
 * would sign with: verifiers pin the key, so every checkpoint it signed would be refused by them.
 */
export class SigningKeyMismatchError extends Error {
  override readonly name = 'SigningKeyMismatchError';
  constructor(
    readonly checkpoint: StoredCheckpoint,
    readonly verifierKey: string,
  ) {
    super(
      `the log's latest checkpoint (tree size ${checkpoint.treeSize}) is signed by ${checkpoint.verifierKey}, ` +
        `but this process would sign with ${verifierKey}`,
    );
  }
}

/**
 * Throws SigningKeyMismatchError when the log's latest checkpoint was signed by another key than
 * `signer` (or under another origin): what a ledger restored without its signing key would do.
 */
export async function checkSigningKey(
  log: Pick<TransparencyLog, 'latestCheckpoint'>,
  signer: Pick<NoteSigner, 'verifierKey'>,
): Promise<void> {
  const latest = await log.latestCheckpoint();
  if (latest && latest.verifierKey !== signer.verifierKey) {
    throw new SigningKeyMismatchError(latest, signer.verifierKey);
  }
}

/**
 * Keeps the transparency log close behind the journal: integrates new entries shortly after every
 * append (local, or announced by another process), and signs a checkpoint every interval in which
 * the tree grew. Failures (the database going away, say) are reported and retried on the next turn.
 */
export class LogSequencer {
  private readonly clock: () => Date;
  private readonly minRoundIntervalMs: number;
  private unsubscribe?: () => void;
  private checkpointTimer?: NodeJS.Timeout;
  private roundTimer?: NodeJS.Timeout;
  private integrating?: Promise<void>;
  private wokenWhileIntegrating = false;
  private lastRoundAt = 0;
  private stopped = false;
  private checkpointing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LogSequencerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.minRoundIntervalMs = options.minRoundIntervalMs ?? 50;
  }

  /**
   * Integrates what the journal holds, signs a first checkpoint if it differs from the last, and follows
   * appends. Refuses (SigningKeyMismatchError) when the latest checkpoint is signed by another key.
   */
  async start(): Promise<StoredCheckpoint> {
    await this.checkSigningKey();
    const { checkpoint } = await this.publishNow();
    this.unsubscribe = this.options.store.onAppended(() => this.wake());
    this.checkpointTimer = setInterval(() => void this.checkpointTick(), this.options.checkpointIntervalMs);
    this.checkpointTimer.unref();
    return checkpoint;
  }

  /**
   * Throws SigningKeyMismatchError when the log's latest checkpoint was signed by another key than
   * this sequencer's (a ledger restored without its signing key, or started with another origin).
   */
  checkSigningKey(): Promise<void> {
    return checkSigningKey(this.options.log, this.options.signer);
  }

  /** Integrates everything appended so far and signs the tree (POST /v1/log/checkpoints). */
  async publishNow(): Promise<{ checkpoint: StoredCheckpoint; created: boolean }> {
    // One at a time in this process (the database lock orders processes), each after the one before.
    const run = this.checkpointing.then(async () => {
      const head = await this.options.store.head();
      const reached = await this.options.log.integrate(head + 1);
      this.options.onIntegrated?.(reached.size);
      const published = await this.options.log.publishCheckpoint(this.options.signer, this.clock());
      if (published.created) this.options.onCheckpoint?.(published.checkpoint);
      return published;
    });
    this.checkpointing = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.checkpointTimer);
    clearTimeout(this.roundTimer);
    await this.integrating;
    await this.checkpointing;
  }

  private async checkpointTick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.publishNow();
    } catch (error) {
      this.options.onError?.(error as Error, 'signing');
    }
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.integrating) {
      this.wokenWhileIntegrating = true;
      return;
    }
    if (this.roundTimer) return;
    const wait = Math.max(0, this.lastRoundAt + this.minRoundIntervalMs - Date.now());
    this.roundTimer = setTimeout(() => {
      this.roundTimer = undefined;
      this.integrating = this.integrateRound().finally(() => {
        this.integrating = undefined;
        if (this.wokenWhileIntegrating) {
          this.wokenWhileIntegrating = false;
          this.wake();
        }
      });
    }, wait);
  }

  private async integrateRound(): Promise<void> {
    this.lastRoundAt = Date.now();
    try {
      const reached = await this.options.log.integrate();
      if (reached.added > 0) this.options.onIntegrated?.(reached.size);
      // A round is bounded; a backlog larger than one round asks for the next at once.
      this.wokenWhileIntegrating ||= reached.more;
    } catch (error) {
      this.options.onError?.(error as Error, 'integrating');
    }
  }
}
