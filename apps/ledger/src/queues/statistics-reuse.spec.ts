import type { LedgerConfig } from '@ledger/runtime';
import { StatisticsReuse } from './statistics-reuse';

const QUESTION = JSON.stringify(['ecology-bureau', null, null]);

function reuseFor(statisticsReuseMs: number): StatisticsReuse {
  return new StatisticsReuse({ statisticsReuseMs } as LedgerConfig);
}

/** A computation that counts how often it ran and answers with that count. */
function counting() {
  let runs = 0;
  return {
    compute: async () => ++runs,
    get runs() {
      return runs;
    },
  };
}

const viewsAt = (position: number) => async () => position;

describe('StatisticsReuse', () => {
  it('given figures computed a moment ago, when the same question is asked again, then they answer it', async () => {
    const reuse = reuseFor(60_000);
    const figures = counting();
    await reuse.figures(QUESTION, undefined, viewsAt(10), figures.compute);

    const again = await reuse.figures(QUESTION, undefined, viewsAt(11), figures.compute);

    expect(again).toBe(1);
    expect(figures.runs).toBe(1);
  });

  it('given figures computed from views at position 10, when minPosition 11 is asked, then they are computed anew', async () => {
    const reuse = reuseFor(60_000);
    const figures = counting();
    await reuse.figures(QUESTION, 10, viewsAt(10), figures.compute);

    expect(await reuse.figures(QUESTION, 10, viewsAt(11), figures.compute)).toBe(1);
    expect(await reuse.figures(QUESTION, 11, viewsAt(11), figures.compute)).toBe(2);
  });

  it('given another organisation or period, when asked, then its own figures are computed', async () => {
    const reuse = reuseFor(60_000);
    const figures = counting();
    await reuse.figures(QUESTION, undefined, viewsAt(10), figures.compute);

    const other = await reuse.figures(
      JSON.stringify(['ecology-bureau', '2026-01-01T00:00:00Z', null]),
      undefined,
      viewsAt(10),
      figures.compute,
    );

    expect(other).toBe(2);
  });

  it('given a computation still running, when the same question comes in, then both share it', async () => {
    const reuse = reuseFor(60_000);
    let finish: (value: string) => void = () => undefined;
    let runs = 0;
    const slow = () => {
      runs++;
      return new Promise<string>((resolve) => (finish = resolve));
    };

    const first = reuse.figures(QUESTION, undefined, viewsAt(10), slow);
    const second = reuse.figures(QUESTION, undefined, viewsAt(10), slow);
    await new Promise((resolve) => setImmediate(resolve));
    finish('figures');

    expect(await Promise.all([first, second])).toEqual(['figures', 'figures']);
    expect(runs).toBe(1);
  });

  it('given a computation that failed, when the question is asked again, then it is computed again', async () => {
    const reuse = reuseFor(60_000);
    await expect(
      reuse.figures(QUESTION, undefined, viewsAt(10), () => Promise.reject(new Error('database gone'))),
    ).rejects.toThrow('database gone');

    expect(await reuse.figures(QUESTION, undefined, viewsAt(10), async () => 'figures')).toBe('figures');
  });

  it('given a reuse window of 0, when the same question is asked twice, then it is computed twice', async () => {
    const reuse = reuseFor(0);
    const figures = counting();

    await reuse.figures(QUESTION, undefined, viewsAt(10), figures.compute);
    await reuse.figures(QUESTION, undefined, viewsAt(10), figures.compute);

    expect(figures.runs).toBe(2);
  });
});
