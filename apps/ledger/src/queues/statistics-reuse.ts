import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';

/** Questions remembered at most; the oldest is dropped first. */
const MAX_QUESTIONS = 512;

interface Computation<T> {
  startedAt: number;
  /**
   * Every position at or below it is in the figures: the views had applied it before they were read
   * (-1 until that is known).
   */
  through: number;
  figures: Promise<T>;
}

/**
 * Evaluation figures aggregate every case of a body in the period, so computing them costs more as
 * the journal grows; dashboards and supervisors ask the same question over and over. One computation
 * answers the same question (organisation, from, to) for `LEDGER_STATISTICS_REUSE_MS`, and callers
 * asking while it runs share it. Freshness stays what the views promise: an answer's `asOf` says when
 * it was computed, and a `minPosition` beyond what a computation saw starts a new one.
 */
@Injectable()
export class StatisticsReuse {
  private readonly computations = new Map<string, Computation<unknown>>();

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  /**
   * The figures for `question`: reused if computed (or being computed) within the reuse window from
   * views that had applied `minPosition`, else computed by `compute` from views that had applied
   * `through()` (read before computing, so the figures hold at least that much).
   */
  async figures<T>(
    question: string,
    minPosition: number | undefined,
    through: () => Promise<number>,
    compute: () => Promise<T>,
  ): Promise<T> {
    const now = Date.now();
    const reusable = this.computations.get(question) as Computation<T> | undefined;
    if (
      reusable &&
      now - reusable.startedAt < this.config.statisticsReuseMs &&
      (minPosition === undefined || reusable.through >= minPosition)
    ) {
      return reusable.figures;
    }
    const computation = { startedAt: now, through: -1 } as Computation<T>;
    computation.figures = through().then((position) => {
      computation.through = position;
      return compute();
    });
    this.computations.delete(question);
    this.computations.set(question, computation);
    if (this.computations.size > MAX_QUESTIONS) {
      this.computations.delete(this.computations.keys().next().value as string);
    }
    // A failed computation is not an answer: the next caller computes again.
    computation.figures.catch(() => {
      if (this.computations.get(question) === computation) this.computations.delete(question);
    });
    return computation.figures;
  }
}
