/**
 * A catch-up (reading what the journal recorded since the last one) that concurrent callers share. A
 * call while one runs waits for it and then for one more run, which starts after the call and so sees
 * everything recorded before it; every call meanwhile joins that same next run.
 */
export class SharedCatchUp {
  private running?: Promise<void>;
  private queued?: Promise<void>;

  constructor(private readonly work: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = (async () => {
      await this.running?.catch(() => undefined);
      this.queued = undefined;
      this.running = this.work();
      return this.running;
    })();
    this.queued = queued;
    return queued;
  }

  /** Runs it every `intervalMs` (a failed run is reported; the next tries again); returns how to stop. */
  every(intervalMs: number, onError: (error: Error) => void): () => void {
    const timer = setInterval(() => this.run().catch(onError), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
