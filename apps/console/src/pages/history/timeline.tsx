import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { EventVerification } from '../verify/event-verification';
import { formatValue, label } from './dataset-labels';

/** An item of GET /v1/datasets/{id}/history. */
export interface HistoryItem {
  globalPosition: number;
  streamVersion: number;
  type: string;
  recordedAt: string;
  actor: { id: string; role: string; organizationId?: string };
  legalBasis: { rulebook: string; article: string };
  summary: string;
  changes: { field: string; from?: unknown; to?: unknown }[];
}

/**
 * The index of the last event at or before an `asOf` (a journal position or an RFC 3339 time), as the
 * ledger reads it; -1 when the dataset had no event yet; undefined without `asOf`.
 */
export function eventIndexAt(items: HistoryItem[], asOf: string | undefined): number | undefined {
  if (asOf === undefined) return undefined;
  const position = /^\d+$/.test(asOf) ? Number(asOf) : undefined;
  const time = position === undefined ? Date.parse(asOf) : Number.NaN;
  let index = -1;
  items.forEach((item, i) => {
    if (position !== undefined ? item.globalPosition <= position : Date.parse(item.recordedAt) <= time)
      index = i;
  });
  return index;
}

/** Every event of the dataset, oldest first: who, what, when, under which article, why, and what changed. */
export function Timeline({
  items,
  asOf,
  link,
}: {
  items: HistoryItem[];
  asOf?: string;
  link(query: { asOf?: string }): string;
}) {
  const { t, formatTime } = useI18n();
  const selected = eventIndexAt(items, asOf);
  return (
    <section aria-labelledby="timeline-title" className="timeline-section">
      <h2 id="timeline-title">
        {t('history.timeline.title')}{' '}
        <span className="timeline-count" data-testid="timeline-count">
          {t('history.timeline.count', { count: items.length })}
        </span>
      </h2>
      <ol className="timeline">
        {items.map((item, index) => {
          const later = selected !== undefined && index > selected;
          return (
            <li
              key={item.globalPosition}
              className={`timeline-event${later ? ' later' : ''}${index === selected ? ' selected' : ''}`}
              data-testid="history-event"
              data-position={item.globalPosition}
              aria-current={index === selected ? 'step' : undefined}
            >
              <div className="event-head">
                <span className={`event-type type-${item.type}`}>{label(t, 'history.type', item.type)}</span>
                <time dateTime={item.recordedAt}>{formatTime(item.recordedAt)}</time>
                <span className="event-ids">
                  {t('history.event.version', { version: item.streamVersion })} ·{' '}
                  {t('history.event.position', { position: item.globalPosition })}
                </span>
                {index === selected && <span className="badge">{t('history.event.selected')}</span>}
              </div>
              <dl className="event-facts">
                <div>
                  <dt>{t('history.event.summary')}</dt>
                  <dd className="event-summary">{item.summary}</dd>
                </div>
                <div>
                  <dt>{t('history.event.actor')}</dt>
                  <dd>
                    <code>{item.actor.id}</code> ({actorRole(t, item.actor.role)}
                    {item.actor.organizationId && ` · ${item.actor.organizationId}`})
                  </dd>
                </div>
                <div>
                  <dt>{t('history.event.legalBasis')}</dt>
                  <dd>
                    {item.legalBasis.article} <span className="rulebook">({item.legalBasis.rulebook})</span>
                  </dd>
                </div>
                <div>
                  <dt>{t('history.event.changes')}</dt>
                  <dd>
                    {item.changes.length === 0 ? (
                      t('history.event.noChanges')
                    ) : (
                      <ul className="event-changes">
                        {item.changes.map((change) => (
                          <li key={change.field}>
                            <strong>{label(t, 'history.field', change.field)}</strong>:{' '}
                            <span className="was">{formatValue(t, change.field, change.from)}</span> →{' '}
                            <span className="now">{formatValue(t, change.field, change.to)}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </dd>
                </div>
              </dl>
              <div className="event-actions">
                <Link to={link({ asOf: String(item.globalPosition) })}>{t('history.event.showAsOf')}</Link>
                <EventVerification position={item.globalPosition} />
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function actorRole(t: ReturnType<typeof useI18n>['t'], role: string): string {
  const known = label(t, 'role', role);
  return known !== role ? known : label(t, 'history.role', role);
}
