/**
 * Apache ECharts, with only what the statistics page draws: bar charts on a canvas. Loaded by the page
 * with import(), so no other page carries it.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface BarChartSpec {
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
  /** How a value reads: `50.0%`, `2.5 d`. */
  format(value: number): string;
  /** How an axis tick reads (whole numbers): `40%`, `5 d`. */
  tick(value: number): string;
  /** The value axis' upper bound (100 for percentages); absent: from the data. */
  max?: number;
}

const PALETTE = ['#0b5cad', '#d97a00', '#17693a', '#7a3fb0'];

export interface DrawnChart {
  update(spec: BarChartSpec): void;
  dispose(): void;
}

/** A horizontal bar chart in `element`, redrawn to the element's size when the window changes. */
export function drawBarChart(element: HTMLElement, spec: BarChartSpec): DrawnChart {
  const chart = echarts.init(element, undefined, { renderer: 'canvas' });
  const resize = () => chart.resize();
  window.addEventListener('resize', resize);
  const update = (next: BarChartSpec) =>
    chart.setOption(
      {
        color: PALETTE,
        animation: false,
        textStyle: { fontFamily: 'system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif' },
        grid: { left: 8, right: 56, top: next.series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
        legend: next.series.length > 1 ? { top: 0, left: 'center' } : { show: false },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          valueFormatter: (value: unknown) => (typeof value === 'number' ? next.format(value) : '—'),
        },
        xAxis: {
          type: 'value',
          max: next.max,
          axisLabel: { formatter: (value: number) => next.tick(value) },
        },
        yAxis: { type: 'category', data: next.categories, inverse: true, axisTick: { show: false } },
        series: next.series.map((series) => ({
          type: 'bar',
          name: series.name,
          data: series.values.map((value) => (value === null ? '-' : value)),
          barMaxWidth: 22,
          label: {
            show: true,
            position: 'right',
            formatter: (params: { value: unknown }) =>
              typeof params.value === 'number' ? next.format(params.value) : '',
          },
        })),
      },
      { notMerge: true },
    );
  update(spec);
  return {
    update,
    dispose() {
      window.removeEventListener('resize', resize);
      chart.dispose();
    },
  };
}
