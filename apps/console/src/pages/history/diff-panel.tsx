import { FormEvent } from 'react';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useAsync } from '../../components/use-async';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { Dataset, formatValue, label } from './dataset-labels';
import type { HistoryItem } from './timeline';

interface Diff {
  from?: Dataset;
  to: Dataset;
  changes: { field: string; from?: unknown; to?: unknown }[];
}

/**
 * The difference between two versions (GET /v1/datasets/{id}/diff?from=&to=, journal positions), the
 * versions chosen among the dataset's events and kept in the hash (`?from=&to=`).
 */
export function DiffPanel({
  id,
  from,
  to,
  items,
  link,
}: {
  id: string;
  from?: string;
  to?: string;
  items: HistoryItem[];
  link(query: { from?: string; to?: string }): string;
}) {
  const { t, formatTime } = useI18n();
  const { api } = useSession();
  const last = items[items.length - 1];
  const defaultFrom = String(items[Math.max(items.length - 2, 0)]?.globalPosition ?? '');
  const defaultTo = String(last?.globalPosition ?? '');

  const diff = useAsync(
    (signal) =>
      from === undefined || to === undefined
        ? Promise.resolve(undefined)
        : api.get<Diff>(`/v1/datasets/${encodeURIComponent(id)}/diff`, { query: { from, to }, signal }),
    [api, id, from, to],
  );

  const compare = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    window.location.replace(link({ from: String(form.get('from')), to: String(form.get('to')) }));
  };

  const options = items.map((item) => (
    <option key={item.globalPosition} value={item.globalPosition}>
      {t('history.diff.option', {
        version: item.streamVersion,
        type: label(t, 'history.type', item.type),
        time: formatTime(item.recordedAt),
      })}
    </option>
  ));

  return (
    <section className="card diff" aria-labelledby="diff-title">
      <h2 id="diff-title">{t('history.diff.title')}</h2>
      <form className="diff-form" onSubmit={compare}>
        <div>
          <label htmlFor="diff-from">{t('history.diff.from')}</label>
          <select id="diff-from" name="from" defaultValue={from ?? defaultFrom} key={`from-${from}`}>
            {options}
          </select>
        </div>
        <div>
          <label htmlFor="diff-to">{t('history.diff.to')}</label>
          <select id="diff-to" name="to" defaultValue={to ?? defaultTo} key={`to-${to}`}>
            {options}
          </select>
        </div>
        <button type="submit">{t('history.diff.compare')}</button>
      </form>
      {diff.error !== undefined ? (
        <ProblemMessage error={diff.error} onRetry={diff.reload} />
      ) : diff.loading ? (
        <Loading />
      ) : (
        diff.data && (
          <table className="diff-table" data-testid="diff">
            <caption>{t('history.diff.caption', { from: from ?? '', to: to ?? '' })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.asOf.field')}</th>
                <th scope="col">{t('history.diff.before')}</th>
                <th scope="col">{t('history.diff.after')}</th>
              </tr>
            </thead>
            <tbody>
              {diff.data.changes.length === 0 ? (
                <tr>
                  <td colSpan={3}>{t('history.diff.none')}</td>
                </tr>
              ) : (
                diff.data.changes.map((change) => (
                  <tr key={change.field} data-field={change.field}>
                    <th scope="row">{label(t, 'history.field', change.field)}</th>
                    <td className="was">{formatValue(t, change.field, change.from)}</td>
                    <td className="now">{formatValue(t, change.field, change.to)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}
