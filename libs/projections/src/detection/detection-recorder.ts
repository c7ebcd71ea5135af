import { EventStore, isUnavailableError, NewEvent, SqlDatabase, StreamAppend } from '@ledger/store';
import { generationSchema } from '../engine/projection.sql';
import { VIOLATION_DETECTION_REACTOR } from './detection.reactor';
import {
  deleteRecordedDetections,
  DETECTIONS_CHANNEL,
  markDetectionFailed,
  SELECT_ACTIVE_GENERATION,
  selectPendingDetections,
} from './detection.sql';

export interface DetectionRecorderOptions {
  /** How often the outbox is read when no wake-up comes (default 1 s). */
  pollIntervalMs?: number;
  /** Detections per append at most (default 2,000). */
  batchSize?: number;
  onError?: (error: Error) => void;
}

interface PendingRow {
  access_event_id: string;
  stream_id: string;
  event: string;
}

/**
 * Appends the detections the violation_detection reactor decided: woken by the NOTIFY its batch sends
 * on commit (polling covers a missed one), it reads the outbox in access order and appends what it
 * finds in one append (one stream per dataset, atomically), then deletes those rows. A crash between
 * the append and the delete appends them again: their ids are named by the accesses, so the journal
 * records nothing twice. Two recorders (two workers) may race the same rows with the same result.
 */
export class DetectionRecorder {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private schema?: string;
  private stopped = true;
  private woken = false;
  private wakeUp?: () => void;
  private unlisten?: () => Promise<void>;
  private running?: Promise<void>;

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly options: DetectionRecorderOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 2_000;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.unlisten = await this.db.listen(DETECTIONS_CHANNEL, () => this.wake());
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.unlisten?.();
    await this.running;
  }

  /** Appends everything pending now; returns how many detections are in the journal since (new or not). */
  async recordPending(): Promise<number> {
    const schema = await this.outboxSchema();
    if (!schema) return 0;
    let recorded = 0;
    for (;;) {
      const rows = await this.db.query<PendingRow>(selectPendingDetections(schema), [this.batchSize]);
      if (rows.length === 0) return recorded;
      const appended = await this.append(schema, rows);
      await this.db.query(deleteRecordedDetections(schema), [appended]);
      recorded += appended.length;
      if (rows.length < this.batchSize) return recorded;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      try {
        await this.recordPending();
      } catch (error) {
        this.options.onError?.(error as Error);
      }
      if (this.woken || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        timer.unref();
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * One append for all the rows; if the journal refuses it for a reason other than being away, each
   * row alone, so that one bad row (an id recorded with other content) is set aside, with why, and
   * the rest go on. Returns the access ids whose detections are in the journal now.
   */
  private async append(schema: string, rows: PendingRow[]): Promise<string[]> {
    try {
      await this.store.appendMany(appendsOf(rows));
      return rows.map((row) => row.access_event_id);
    } catch (error) {
      if (isUnavailableError(error)) throw error;
      if (rows.length > 1) {
        const appended: string[] = [];
        for (const row of rows) appended.push(...(await this.append(schema, [row])));
        return appended;
      }
      await this.db.query(markDetectionFailed(schema), [rows[0].access_event_id, (error as Error).message]);
      this.options.onError?.(error as Error);
      return [];
    }
  }

  /** The reactor's tables stay in its first generation, but ask rather than assume; none before it ran. */
  private async outboxSchema(): Promise<string | undefined> {
    if (this.schema) return this.schema;
    const [row] = await this.db.query<{ active_generation: number }>(SELECT_ACTIVE_GENERATION, [
      VIOLATION_DETECTION_REACTOR,
    ]);
    if (!row) return undefined;
    this.schema = generationSchema(VIOLATION_DETECTION_REACTOR, Number(row.active_generation));
    return this.schema;
  }
}

/** One append per dataset's detection stream, in the order of the accesses. */
function appendsOf(rows: readonly PendingRow[]): StreamAppend[] {
  const byStream = new Map<string, NewEvent[]>();
  for (const row of rows) {
    const events = byStream.get(row.stream_id) ?? byStream.set(row.stream_id, []).get(row.stream_id);
    events?.push(JSON.parse(row.event) as NewEvent);
  }
  return [...byStream].map(([streamId, events]) => ({ streamId, expectedVersion: 'any', events }));
}
