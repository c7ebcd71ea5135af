import { Translate, useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import type { QueueItem } from './queue-model';

const DONE = new Set([
  'corrected',
  'no_error_found',
  'withdrawn',
  'restored',
  'reopened_after_processing',
  'approved',
  'agreement_signed',
  'rejected',
]);

export function statusLabel(t: Translate, status: string): string {
  const key = `queues.status.${status}` as MessageKey;
  const label = t(key);
  return label === key ? status : label;
}

/** A status in words; decided cases in green, cases being handled in amber (the words say it too). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const tone = DONE.has(status) ? 'ok' : status === 'under_verification' ? 'warn' : '';
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {statusLabel(t, status)}
    </span>
  );
}

/** `3 天 4 小时` / `3 d 4 h`: a time left or overdue, to the hour (to the minute under a day). */
export function duration(t: Translate, seconds: number): string {
  const total = Math.abs(Math.round(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  if (days > 0) return t('queues.days', { days, hours });
  return t('queues.hours', { hours, minutes: Math.floor((total % 3600) / 60) });
}

/** The due date, and under it the time left, or how long it is overdue, in words. */
export function DueAt({ item }: { item: QueueItem }) {
  const { t, formatTime } = useI18n();
  if (item.dueAt === undefined) return <span className="due-muted">{t('queues.noDeadline')}</span>;
  return (
    <span className="due">
      <time dateTime={item.dueAt}>{formatTime(item.dueAt)}</time>
      {item.overdue ? (
        <span className="due-note overdue-note">
          {item.timeRemaining === undefined
            ? t('queues.overdue')
            : t('queues.overdueBy', { time: duration(t, item.timeRemaining) })}
        </span>
      ) : item.timeRemaining !== undefined ? (
        <span className="due-note">{t('queues.remaining', { time: duration(t, item.timeRemaining) })}</span>
      ) : (
        <span className="due-note due-muted">{t('queues.done')}</span>
      )}
    </span>
  );
}
