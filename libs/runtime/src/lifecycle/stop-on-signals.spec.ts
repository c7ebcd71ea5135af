import pino from 'pino';
import { stopOnSignals } from './stop-on-signals';

const SIGNAL = 'SIGUSR2';
const logger = pino({ level: 'silent' });

function exits() {
  const codes: number[] = [];
  let waiting: ((code: number) => void) | undefined;
  return {
    codes,
    exit: (code: number) => {
      codes.push(code);
      waiting?.(code);
    },
    next: () => new Promise<number>((resolve) => (waiting = resolve)),
  };
}

describe('stopOnSignals', () => {
  it('runs `before`, then closes the app, then exits 0 (not by re-raising the signal, as Nest does)', async () => {
    const steps: string[] = [];
    const exit = exits();
    const unsubscribe = stopOnSignals(
      { close: async () => void steps.push('close') },
      { logger, signals: [SIGNAL], exit: exit.exit, before: async () => void steps.push('before') },
    );
    try {
      const code = exit.next();
      process.emit(SIGNAL, SIGNAL);
      expect(await code).toBe(0);
      expect(steps).toEqual(['before', 'close']);
    } finally {
      unsubscribe();
    }
  });

  it('exits 1 when stopping takes longer than the limit, or fails', async () => {
    const exit = exits();
    let unsubscribe = stopOnSignals(
      { close: () => new Promise<void>(() => undefined) },
      { logger, signals: [SIGNAL], exit: exit.exit, limitMs: 50 },
    );
    let code = exit.next();
    process.emit(SIGNAL, SIGNAL);
    expect(await code).toBe(1);
    unsubscribe();

    unsubscribe = stopOnSignals(
      { close: () => Promise.reject(new Error('the journal would not close')) },
      { logger, signals: [SIGNAL], exit: exit.exit },
    );
    code = exit.next();
    process.emit(SIGNAL, SIGNAL);
    expect(await code).toBe(1);
    unsubscribe();
  });

  it('exits 1 at once on a second signal while stopping', async () => {
    const exit = exits();
    const unsubscribe = stopOnSignals(
      { close: () => new Promise<void>(() => undefined) },
      { logger, signals: [SIGNAL], exit: exit.exit, limitMs: 60_000 },
    );
    try {
      process.emit(SIGNAL, SIGNAL);
      const code = exit.next();
      process.emit(SIGNAL, SIGNAL);
      expect(await code).toBe(1);
      expect(exit.codes).toEqual([1]);
    } finally {
      unsubscribe();
    }
  });
});
