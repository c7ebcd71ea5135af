import { FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Page } from '../../api/client';
import { Loading } from '../../components/loading';
import { ProblemMessage } from '../../components/problem-message';
import { useAsync } from '../../components/use-async';
import { Translate, useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { href, navigate, type Route } from '../../router';
import { useSession } from '../../session/session';
import type { BarChartSpec, DrawnChart } from './charts';
import './statistics.css';

interface Organization {
  id: string;
  name: string;
}

interface TimeToDecide {
  decided: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  shareWithinDeadline: number | null;
}

interface CaseFigures {
  filed: number;
  resolved: number;
  timeToDecide: TimeToDecide;
  openNow: number;
  overdueNow: number;
}

/** GET /v1/statistics/organizations/{id}: the parts this page shows (access-statistics.dto.ts). */
export interface OrganizationStatistics {
  organizationId: string;
  from: string | null;
  to: string;
  asOf: string;
  corrections: CaseFigures;
  objections: CaseFigures & {
    timeToSuspension: { suspended: number; medianSeconds: number | null; shareSameWorkingDay: number | null };
  };
  releases: { withDeadline: number; onTime: number; onTimeRate: number | null };
  applications: {
    submitted: number;
    decided: number;
    timeToDecide: TimeToDecide;
    openNow: number;
    overdueNow: number;
  };
}

const LOCALES = { zh: 'zh-CN', en: 'en-GB' } as const;
const DAY = 86_400;

/** A day of the form (`2026-03-01`) as the start of that day in Shanghai, where the Measures apply. */
const startOfDay = (date: string) => `${date}T00:00:00+08:00`;
const dayAfter = (date: string) => {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
};

/**
 * Evaluation figures of a data-opening body for a period (issue 9): on-time rates and response times
 * as ECharts bar charts, and the same figures as tables. `#/statistics?organization=&from=&to=`.
 */
export function StatisticsPage({ route }: { route: Route }) {
  const { t, language, formatTime, formatNumber } = useI18n();
  const { api, me } = useSession();
  const formId = useId();
  const ownOnly = me?.role === 'body_officer' ? me.organizationId : undefined;

  const organizations = useAsync(
    (signal) => api.get<Page<Organization>>('/v1/organizations', { query: { limit: 1000 }, signal }),
    [api],
  );
  const choices = (organizations.data?.items ?? []).filter((item) => !ownOnly || item.id === ownOnly);
  const organization = route.query.get('organization') ?? ownOnly ?? choices[0]?.id ?? '';
  const from = route.query.get('from') ?? '';
  const to = route.query.get('to') ?? '';

  const [draft, setDraft] = useState({ organization, from, to });
  useEffect(() => setDraft({ organization, from, to }), [organization, from, to]);

  const statistics = useAsync(
    (signal) =>
      organization === ''
        ? Promise.resolve(undefined)
        : api.get<OrganizationStatistics>(
            `/v1/statistics/organizations/${encodeURIComponent(organization)}`,
            {
              query: {
                from: from ? startOfDay(from) : undefined,
                to: to ? startOfDay(dayAfter(to)) : undefined,
              },
              signal,
            },
          ),
    [api, organization, from, to],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(href('statistics', draft));
  };

  const percent = useMemo(
    () =>
      new Intl.NumberFormat(LOCALES[language], {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }),
    [language],
  );
  const decimal = useMemo(
    () => new Intl.NumberFormat(LOCALES[language], { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    [language],
  );
  const formatDay = (day: string) =>
    new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(`${day}T00:00:00Z`),
    );
  const share = (value: number | null) => (value === null ? t('statistics.noData') : percent.format(value));
  const duration = (seconds: number | null) =>
    seconds === null
      ? t('statistics.noData')
      : seconds >= DAY
        ? t('statistics.days', { days: decimal.format(seconds / DAY) })
        : t('statistics.hours', { hours: decimal.format(seconds / 3600) });

  const figures = statistics.data;
  const organizationName = choices.find((item) => item.id === figures?.organizationId)?.name;

  return (
    <section aria-labelledby="statistics-title" className="statistics-page">
      <h1 id="statistics-title">{t('statistics.title')}</h1>
      <p className="hint">{t('statistics.intro')}</p>

      <form className="card statistics-form" aria-label={t('statistics.form')} onSubmit={submit}>
        <div>
          <label htmlFor={`${formId}-organization`}>{t('statistics.organization')}</label>
          <select
            id={`${formId}-organization`}
            value={draft.organization}
            onChange={(event) => setDraft({ ...draft, organization: event.target.value })}
          >
            {choices.length === 0 && <option value="">{t('statistics.noOrganizations')}</option>}
            {choices.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name === item.id ? item.id : `${item.name} (${item.id})`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${formId}-from`}>{t('statistics.from')}</label>
          <input
            id={`${formId}-from`}
            type="date"
            aria-describedby={`${formId}-hint`}
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
        </div>
        <div>
          <label htmlFor={`${formId}-to`}>{t('statistics.to')}</label>
          <input
            id={`${formId}-to`}
            type="date"
            aria-describedby={`${formId}-hint`}
            value={draft.to}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
          />
        </div>
        <div>
          <button type="submit">{t('statistics.show')}</button>
        </div>
        <p className="hint" id={`${formId}-hint`}>
          {t('statistics.periodHint')}
        </p>
      </form>

      <ProblemMessage error={organizations.error} onRetry={organizations.reload} />
      {statistics.error !== undefined && !statistics.loading && (
        <ProblemMessage error={statistics.error} onRetry={statistics.reload} />
      )}
      {statistics.loading && !figures && <Loading />}

      {figures && (
        <div aria-busy={statistics.loading} data-testid="statistics">
          <p className="statistics-period" data-testid="statistics-period">
            {t('statistics.period', {
              organization: organizationName ?? figures.organizationId,
              from: from ? formatDay(from) : t('statistics.beginning'),
              to: to ? formatDay(to) : t('statistics.now'),
              asOf: formatTime(figures.asOf),
            })}
          </p>
          <div className="statistics-grid">
            <OnTime figures={figures} share={share} percent={percent} formatNumber={formatNumber} />
            <ResponseTimes
              figures={figures}
              duration={duration}
              decimal={decimal}
              formatNumber={formatNumber}
            />
          </div>
          <Counts figures={figures} formatNumber={formatNumber} />
        </div>
      )}
    </section>
  );
}

type Row<T> = { key: string; label: MessageKey } & T;

function OnTime({
  figures,
  share,
  percent,
  formatNumber,
}: {
  figures: OrganizationStatistics;
  share(value: number | null): string;
  percent: Intl.NumberFormat;
  formatNumber(value: number): string;
}) {
  const { t } = useI18n();
  const rows: Row<{ base: number; value: number | null }>[] = [
    {
      key: 'corrections',
      label: 'statistics.row.corrections',
      base: figures.corrections.timeToDecide.decided,
      value: figures.corrections.timeToDecide.shareWithinDeadline,
    },
    {
      key: 'objections',
      label: 'statistics.row.objections',
      base: figures.objections.timeToDecide.decided,
      value: figures.objections.timeToDecide.shareWithinDeadline,
    },
    {
      key: 'suspension',
      label: 'statistics.row.suspension',
      base: figures.objections.timeToSuspension.suspended,
      value: figures.objections.timeToSuspension.shareSameWorkingDay,
    },
    {
      key: 'applications',
      label: 'statistics.row.applications',
      base: figures.applications.timeToDecide.decided,
      value: figures.applications.timeToDecide.shareWithinDeadline,
    },
    {
      key: 'releases',
      label: 'statistics.row.releases',
      base: figures.releases.withDeadline,
      value: figures.releases.onTimeRate,
    },
  ];
  const spec = useMemo<BarChartSpec>(
    () => ({
      categories: rows.map((row) => withoutData(t, row.label, [row.value])),
      series: [
        {
          name: t('statistics.series.share'),
          values: rows.map((row) => (row.value === null ? null : Math.round(row.value * 1000) / 10)),
        },
      ],
      format: (value) => percent.format(value / 100),
      tick: (value) => `${value}%`,
      max: 100,
    }),
    // rows are derived from figures.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [figures, t, percent],
  );
  return (
    <section className="card statistics-card" aria-labelledby="on-time-title">
      <h2 id="on-time-title">{t('statistics.onTime.title')}</h2>
      <Chart spec={spec} label={t('statistics.onTime.chart')} testId="on-time-chart" />
      <table data-testid="on-time-table">
        <caption className="visually-hidden">{t('statistics.onTime.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('statistics.measure')}</th>
            <th scope="col" className="number">
              {t('statistics.base')}
            </th>
            <th scope="col" className="number">
              {t('statistics.share')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key}>
              <th scope="row">{t(row.label)}</th>
              <td className="number">{formatNumber(row.base)}</td>
              <td className="number">{share(row.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ResponseTimes({
  figures,
  duration,
  decimal,
  formatNumber,
}: {
  figures: OrganizationStatistics;
  duration(seconds: number | null): string;
  decimal: Intl.NumberFormat;
  formatNumber(value: number): string;
}) {
  const { t } = useI18n();
  const rows: Row<{ count: number; median: number | null; p90: number | null }>[] = [
    { key: 'corrections', label: 'statistics.kind.corrections', ...decide(figures.corrections.timeToDecide) },
    { key: 'objections', label: 'statistics.kind.objections', ...decide(figures.objections.timeToDecide) },
    {
      key: 'applications',
      label: 'statistics.kind.applications',
      ...decide(figures.applications.timeToDecide),
    },
  ];
  const suspension = figures.objections.timeToSuspension;
  const spec = useMemo<BarChartSpec>(
    () => ({
      categories: rows.map((row) => withoutData(t, row.label, [row.median, row.p90])),
      series: [
        { name: t('statistics.series.median'), values: rows.map((row) => days(row.median)) },
        { name: t('statistics.series.p90'), values: rows.map((row) => days(row.p90)) },
      ],
      format: (value) => t('statistics.days', { days: decimal.format(value) }),
      tick: (value) => t('statistics.days', { days: value }),
    }),
    // rows are derived from figures.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [figures, t, decimal],
  );
  return (
    <section className="card statistics-card" aria-labelledby="response-times-title">
      <h2 id="response-times-title">{t('statistics.responseTimes.title')}</h2>
      <Chart spec={spec} label={t('statistics.responseTimes.chart')} testId="response-times-chart" />
      <table data-testid="response-times-table">
        <caption className="visually-hidden">{t('statistics.responseTimes.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('statistics.kind')}</th>
            <th scope="col" className="number">
              {t('statistics.decided')}
            </th>
            <th scope="col" className="number">
              {t('statistics.median')}
            </th>
            <th scope="col" className="number">
              {t('statistics.p90')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key}>
              <th scope="row">{t(row.label)}</th>
              <td className="number">{formatNumber(row.count)}</td>
              <td className="number">{duration(row.median)}</td>
              <td className="number">{duration(row.p90)}</td>
            </tr>
          ))}
          <tr data-row="suspension">
            <th scope="row">{t('statistics.kind.suspension')}</th>
            <td className="number">{formatNumber(suspension.suspended)}</td>
            <td className="number">{duration(suspension.medianSeconds)}</td>
            <td className="number">—</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

/** A chart's category with nothing to draw says so, since no bar is drawn. */
const withoutData = (t: Translate, label: MessageKey, values: (number | null)[]) =>
  values.every((value) => value === null) ? `${t(label)} (${t('statistics.noData')})` : t(label);

const decide = (figures: TimeToDecide) => ({
  count: figures.decided,
  median: figures.medianSeconds,
  p90: figures.p90Seconds,
});
const days = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / DAY) * 10) / 10);

function Counts({
  figures,
  formatNumber,
}: {
  figures: OrganizationStatistics;
  formatNumber(value: number): string;
}) {
  const { t } = useI18n();
  const rows: Row<{ filed: number; resolved: number; openNow: number; overdueNow: number }>[] = [
    { key: 'corrections', label: 'statistics.kind.corrections', ...figures.corrections },
    { key: 'objections', label: 'statistics.kind.objections', ...figures.objections },
    {
      key: 'applications',
      label: 'statistics.kind.applications',
      ...figures.applications,
      filed: figures.applications.submitted,
      resolved: figures.applications.decided,
    },
  ];
  return (
    <section className="card statistics-card" aria-labelledby="counts-title">
      <h2 id="counts-title">{t('statistics.counts.title')}</h2>
      <table data-testid="counts-table">
        <caption className="visually-hidden">{t('statistics.counts.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('statistics.kind')}</th>
            <th scope="col" className="number">
              {t('statistics.filed')}
            </th>
            <th scope="col" className="number">
              {t('statistics.resolved')}
            </th>
            <th scope="col" className="number">
              {t('statistics.openNow')}
            </th>
            <th scope="col" className="number">
              {t('statistics.overdueNow')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key}>
              <th scope="row">{t(row.label)}</th>
              <td className="number">{formatNumber(row.filed)}</td>
              <td className="number">{formatNumber(row.resolved)}</td>
              <td className="number">{formatNumber(row.openNow)}</td>
              <td className={`number${row.overdueNow > 0 ? ' overdue-count' : ''}`}>
                {formatNumber(row.overdueNow)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * A bar chart drawn by ECharts on a canvas, loaded on first use. It is an image to assistive
 * technology, labelled to point at the table that carries the same figures.
 */
function Chart({ spec, label, testId }: { spec: BarChartSpec; label: string; testId: string }) {
  const { t } = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<DrawnChart | undefined>(undefined);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let gone = false;
    if (chart.current) {
      chart.current.update(spec);
      return;
    }
    import('./charts').then(
      ({ drawBarChart }) => {
        if (!gone && element.current && !chart.current) chart.current = drawBarChart(element.current, spec);
      },
      () => !gone && setFailed(true),
    );
    return () => {
      gone = true;
    };
  }, [spec]);
  useEffect(
    () => () => {
      chart.current?.dispose();
      chart.current = undefined;
    },
    [],
  );

  if (failed) return <p className="notice">{t('statistics.chartUnavailable')}</p>;
  return <div ref={element} className="chart" role="img" aria-label={label} data-testid={testId} />;
}
