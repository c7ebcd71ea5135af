import type { DeadlineClock } from '@ledger/domain';
import type { Rulebooks } from '@ledger/runtime';

export type CaseKind = 'correction' | 'objection';

export type DeadlineState = 'running' | 'met' | 'missed';

/** One statutory clock of a case, as the public receipt and the work queues show it. */
export interface CaseDeadline {
  clock: DeadlineClock;
  /** RFC 3339: the close of the last working day, Asia/Shanghai. */
  dueAt: string;
  /** When the clock was stopped, if it was. */
  metAt?: string;
  state: DeadlineState;
  /** The rulebook version the deadline was counted under. */
  rulebook: string;
}

/** What a case's clocks depend on (RFC 3339 times). */
export interface CaseFacts {
  filedAt: string;
  /** The rulebook version the filing was recorded under. */
  rulebook: string;
  /** Objections: the first DatasetSuspended {cause: objection} naming this objection. */
  suspendedAt?: string;
  resolvedAt?: string;
}

/**
 * The clocks a case runs (domain.md, "Deadlines") and what stops each: a correction's verification
 * stops at its resolution; an objection's suspension clock at the suspension or, failing one, the
 * resolution, its verification clock at the resolution.
 */
export function caseClocks(
  kind: CaseKind,
  facts: Pick<CaseFacts, 'suspendedAt' | 'resolvedAt'>,
): { clock: DeadlineClock; stoppedAt?: string }[] {
  return kind === 'correction'
    ? [{ clock: 'correction_verification', stoppedAt: facts.resolvedAt }]
    : [
        { clock: 'objection_suspension', stoppedAt: facts.suspendedAt ?? facts.resolvedAt },
        { clock: 'objection_verification', stoppedAt: facts.resolvedAt },
      ];
}

/** A clock's state at `now`: met or missed once stopped, else running until its due time has passed. */
export function deadlineOf(
  clock: DeadlineClock,
  dueAt: string,
  stoppedAt: string | undefined,
  rulebook: string,
  now: Date,
): CaseDeadline {
  const state: DeadlineState =
    stoppedAt !== undefined
      ? Date.parse(stoppedAt) <= Date.parse(dueAt)
        ? 'met'
        : 'missed'
      : now.getTime() > Date.parse(dueAt)
        ? 'missed'
        : 'running';
  return { clock, dueAt, ...(stoppedAt !== undefined && { metAt: stoppedAt }), state, rulebook };
}

/** Every deadline of a case, counted under the rulebook version its filing was recorded under. */
export function caseDeadlines(
  rulebooks: Rulebooks,
  kind: CaseKind,
  facts: CaseFacts,
  now: Date,
): CaseDeadline[] {
  return caseClocks(kind, facts).map(({ clock, stoppedAt }) => {
    const { dueAt } = rulebooks.deadline(clock, new Date(facts.filedAt), facts.rulebook);
    return deadlineOf(clock, dueAt.toISOString(), stoppedAt, facts.rulebook, now);
  });
}
