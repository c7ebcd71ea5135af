import { FormEvent, useEffect, useState } from 'react';
import { ApiProblem } from '../../api/client';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useAsync } from '../../components/use-async';
import { useI18n } from '../../i18n/i18n';
import { Link, replaceRoute } from '../../router';
import { useSession } from '../../session/session';
import { Dataset, formatValue, label } from './dataset-labels';
import { eventIndexAt, HistoryItem } from './timeline';

/** The members compared between the chosen moment and now: these always, the others when they differ. */
const CORE_FIELDS = ['status', 'currentVersion', 'releases', 'classification', 'suspension'] as const;
const OTHER_FIELDS = ['title', 'fields', 'updateFrequency'] as const;
type Field = (typeof CORE_FIELDS)[number] | (typeof OTHER_FIELDS)[number];

/** `2026-11-30T16:00:00` in the browser's time zone, as a datetime-local field holds it. */
function localInputValue(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/**
 * The dataset as of a moment (GET /v1/datasets/{id}?asOf=…): chosen with a slider over its events or a
 * date and time, kept in the hash (`?asOf=<position or time>`), and compared with the dataset now.
 */
export function AsOfPanel({
  id,
  asOf,
  current,
  items,
  link,
}: {
  id: string;
  asOf?: string;
  current: Dataset;
  items: HistoryItem[];
  link(query: { asOf?: string }): string;
}) {
  const { t, formatTime } = useI18n();
  const { api } = useSession();
  const index = eventIndexAt(items, asOf) ?? items.length - 1;
  const chosenTime = asOf !== undefined && !/^\d+$/.test(asOf) ? asOf : (items[index]?.recordedAt ?? '');
  const [date, setDate] = useState(() => localInputValue(chosenTime));
  // The date field follows the slider and the links; what is typed in it stays until it is submitted.
  useEffect(() => setDate(localInputValue(chosenTime)), [chosenTime]);

  const then = useAsync(
    (signal) =>
      asOf === undefined
        ? Promise.resolve(current)
        : api.get<Dataset>(`/v1/datasets/${encodeURIComponent(id)}`, { query: { asOf }, signal }),
    [api, id, asOf, current],
  );

  const moveTo = (i: number) => {
    const item = items[i];
    if (item) replaceRoute(link({ asOf: String(item.globalPosition) }));
  };

  const goToDate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const time = new Date(date);
    if (!Number.isNaN(time.getTime())) replaceRoute(link({ asOf: time.toISOString() }));
  };

  const chosen = items[index];
  const notYet = then.error instanceof ApiProblem && then.error.status === 404;

  return (
    <section className="card as-of" aria-labelledby="as-of-title">
      <h2 id="as-of-title">{t('history.asOf.title')}</h2>
      {items.length > 0 && (
        <div className="slider-row">
          <label htmlFor="as-of-slider">{t('history.asOf.slider')}</label>
          <input
            id="as-of-slider"
            type="range"
            min={0}
            max={items.length - 1}
            step={1}
            value={Math.max(index, 0)}
            onChange={(event) => moveTo(Number(event.target.value))}
            aria-valuetext={
              chosen &&
              t('history.asOf.sliderValue', {
                index: index + 1,
                count: items.length,
                type: label(t, 'history.type', chosen.type),
                time: formatTime(chosen.recordedAt),
                position: chosen.globalPosition,
              })
            }
          />
          <output htmlFor="as-of-slider" className="slider-value" data-testid="as-of-value">
            {chosen
              ? t('history.asOf.sliderValue', {
                  index: index + 1,
                  count: items.length,
                  type: label(t, 'history.type', chosen.type),
                  time: formatTime(chosen.recordedAt),
                  position: chosen.globalPosition,
                })
              : t('history.asOf.notYet')}
          </output>
        </div>
      )}
      <form className="as-of-date" onSubmit={goToDate}>
        <div>
          <label htmlFor="as-of-date">{t('history.asOf.date')}</label>
          <input
            id="as-of-date"
            type="datetime-local"
            step={1}
            value={date}
            onChange={(event) => setDate(event.target.value)}
          />
        </div>
        <button type="submit">{t('history.asOf.go')}</button>
        {asOf !== undefined && (
          <Link to={link({ asOf: undefined })} className="button-link secondary-link">
            {t('history.asOf.latest')}
          </Link>
        )}
      </form>

      <p className="as-of-showing" data-testid="as-of-showing">
        {asOf === undefined
          ? t('history.asOf.showingNow')
          : t('history.asOf.showing', {
              when: /^\d+$/.test(asOf) ? t('history.asOf.position', { position: asOf }) : formatTime(asOf),
            })}
      </p>
      {notYet ? (
        <p className="notice" data-testid="as-of-not-yet">
          {t('history.asOf.notYet')}
        </p>
      ) : then.error !== undefined ? (
        <ProblemMessage error={then.error} onRetry={then.reload} />
      ) : !then.data || then.loading ? (
        <Loading />
      ) : (
        <Comparison then={then.data} now={current} />
      )}
    </section>
  );
}

function Comparison({ then, now }: { then: Dataset; now: Dataset }) {
  const { t } = useI18n();
  const differs = (field: Field) => JSON.stringify(then[field]) !== JSON.stringify(now[field]);
  const changed = [...CORE_FIELDS, ...OTHER_FIELDS].filter(differs);
  const rows = [...CORE_FIELDS, ...OTHER_FIELDS.filter(differs)];
  return (
    <>
      <p className="as-of-verdict" data-testid="as-of-verdict">
        {changed.length === 0
          ? t('history.asOf.unchanged')
          : t('history.asOf.changedCount', { count: changed.length })}
        {' · '}
        {t('history.event.version', { version: then.version })} ·{' '}
        {t('history.event.position', { position: then.position })}
      </p>
      <table className="as-of-table" data-testid="as-of-state">
        <caption className="visually-hidden">{t('history.asOf.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('history.asOf.field')}</th>
            <th scope="col">{t('history.asOf.then')}</th>
            <th scope="col">{t('history.now')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((field) => {
            const isChanged = changed.includes(field);
            return (
              <tr key={field} className={isChanged ? 'changed' : undefined} data-field={field}>
                <th scope="row">
                  {label(t, 'history.field', field)}
                  {isChanged && <span className="change-mark">{t('history.asOf.changed')}</span>}
                </th>
                <td data-testid={`as-of-${field}`}>{formatValue(t, field, then[field])}</td>
                <td>{formatValue(t, field, now[field])}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
