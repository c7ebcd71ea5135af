import type { Logger } from 'pino';

/** How long a process may take to stop after SIGTERM before it gives up (orchestrators wait 10 s, then SIGKILL). */
export const STOP_LIMIT_MS = 9_000;

export interface StopOnSignalsOptions {
  logger: Logger;
  /** Runs first (the API: stop taking requests and let the ones in flight finish). */
  before?: () => Promise<void>;
  /** After this long the process exits 1 whatever is left (default STOP_LIMIT_MS). */
  limitMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** process.exit; a seam for tests. */
  exit?: (code: number) => void;
}

/**
 * Stops the process on SIGTERM or SIGINT and exits 0 once everything has stopped: `before`, then
 * `app.close()` (Nest's hooks: the projections finish their batch, the job runner lets running jobs
 * end, the journal and Redis close, the embedded journal's lock file goes). Exits 1 when that fails
 * or takes longer than `limitMs`; a second signal while stopping exits 1 at once.
 *
 * Nest's own enableShutdownHooks() is not used: it re-raises the signal once done, so the process
 * ends "killed by SIGTERM" rather than with 0, and it stops taking requests only after its hooks.
 * Returns a function that removes the listeners.
 */
export function stopOnSignals(app: { close(): Promise<void> }, options: StopOnSignalsOptions): () => void {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const limitMs = options.limitMs ?? STOP_LIMIT_MS;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, `${signal} again while stopping: exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    const started = Date.now();
    logger.info({ signal }, `${signal}: stopping (no new requests; finishing the work in flight)`);
    const limit = setTimeout(() => {
      logger.error(
        { signal, limitMs },
        `did not stop within ${limitMs} ms: exiting with what is left unfinished`,
      );
      exit(1);
    }, limitMs);
    limit.unref();
    void (async () => {
      try {
        await options.before?.();
        await app.close();
      } catch (error) {
        clearTimeout(limit);
        logger.error({ err: error }, `stopping failed: ${(error as Error).message}`);
        exit(1);
        return;
      }
      clearTimeout(limit);
      logger.info({ ms: Date.now() - started }, `stopped in ${Date.now() - started} ms`);
      exit(0);
    })();
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
}
