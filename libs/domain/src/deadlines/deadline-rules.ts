import type { UpdateFrequency } from '@ledger/events';

/** The clocks counted in working days (domain.md, "Deadlines"). */
export const WORKING_DAY_CLOCKS = [
  'application_review',
  'correction_verification',
  'objection_suspension',
  'objection_verification',
] as const;
export type WorkingDayClock = (typeof WORKING_DAY_CLOCKS)[number];

/** Every clock the ledger runs; each rulebook version sets every one of them. */
export const DEADLINE_CLOCKS = [...WORKING_DAY_CLOCKS, 'usage_report', 'dataset_update'] as const;
export type DeadlineClock = (typeof DEADLINE_CLOCKS)[number];

/** Update frequencies that promise a next release; `irregular` runs no clock. */
export const REGULAR_UPDATE_FREQUENCIES = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type RegularUpdateFrequency = Exclude<UpdateFrequency, 'irregular'>;

/** N working days after the day the clock starts; 0 = the same working day. */
export interface WorkingDayRule {
  workingDays: number;
  note?: string;
}

/** The period comes from the data utilisation agreement (`reportingInterval`, an ISO 8601 period). */
export interface AgreementIntervalRule {
  from: 'agreement.reportingInterval';
  note?: string;
}

/** The period comes from the dataset's `updateFrequency`; a release is late `graceDays` calendar days after it. */
export interface UpdateFrequencyRule {
  from: 'dataset.updateFrequency';
  periods: Record<RegularUpdateFrequency, string>;
  graceDays: number;
  note?: string;
}

/** The `deadlines` of a rulebook version: one rule per clock. */
export type DeadlineRules = Record<WorkingDayClock, WorkingDayRule> & {
  usage_report: AgreementIntervalRule;
  dataset_update: UpdateFrequencyRule;
};

export function isWorkingDayClock(clock: string): clock is WorkingDayClock {
  return (WORKING_DAY_CLOCKS as readonly string[]).includes(clock);
}
