import 'chartjs-adapter-date-fns';

import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import {
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  TimeScale,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type TooltipItem,
} from 'chart.js';
import { BaseChartDirective, provideCharts } from 'ng2-charts';

import { formatValue, type SeriesResponse } from '@kube-monitoring/contract';

import { chartColors, displayScale, toChartLines, type ChartPoint } from '../../core/series/series-utils';

const tickFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/**
 * A time-series line chart (stacked areas on request) of one `SeriesResponse`, values in human units.
 * Only the chart.js pieces used here are registered, and only when a chart is shown (this component is
 * in the lazy page bundles); ng2-charts destroys the chart with the component.
 */
@Component({
  selector: 'km-time-series-chart',
  imports: [BaseChartDirective],
  providers: [
    provideCharts({
      registerables: [LineController, LineElement, PointElement, LinearScale, TimeScale, Tooltip, Legend, Filler, Decimation],
    }),
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <figure class="chart">
      <div class="chart__canvas">
        <canvas baseChart type="line" [data]="data()" [options]="options()" role="img" [attr.aria-label]="summary()">
          {{ summary() }}
        </canvas>
      </div>
    </figure>
  `,
  styles: `
    .chart {
      margin: 0;
    }
    .chart__canvas {
      position: relative;
      height: var(--chart-height, 320px);
      width: 100%;
    }
  `,
})
export class TimeSeriesChartComponent {
  readonly series = input.required<SeriesResponse>();
  /** Stacked areas (the parts add up to the total) instead of separate lines. */
  readonly stacked = input(false);
  /** What the chart shows, for screen readers, e.g. "CPU usage by namespace". */
  readonly caption = input('');

  private readonly scale = computed(() => displayScale(this.series().unit));
  private readonly lines = computed(() => toChartLines(this.series(), this.stacked() ? 10 : 12));

  protected readonly summary = computed(() => {
    const s = this.series();
    const names = this.lines()
      .map((l) => l.label)
      .join(', ');
    return `${this.caption() || s.metric}, ${this.scale().label}, from ${s.from} to ${s.to}: ${names || 'no data'}.`;
  });

  protected readonly data = computed<ChartData<'line', ChartPoint[]>>(() => {
    const stacked = this.stacked();
    const colors = chartColors(this.lines().map((l) => l.label));
    return {
      datasets: this.lines().map((line, i) => ({
        label: line.label,
        data: line.points,
        borderColor: colors.get(line.label),
        backgroundColor: stacked ? `${colors.get(line.label)}99` : colors.get(line.label),
        fill: stacked ? (i === 0 ? 'origin' : '-1') : false,
        spanGaps: false,
      })),
    };
  });

  protected readonly options = computed<ChartOptions<'line'>>(() => {
    const series = this.series();
    const stacked = this.stacked();
    const { divisor, label } = this.scale();
    const unit = series.unit;
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      // Pre-shaped {x, y} points: required by the decimation plugin, and no parsing cost.
      parsing: false,
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      elements: {
        point: { radius: 0, hitRadius: 6, hoverRadius: 3 },
        line: { borderWidth: 1.5, tension: 0 },
      },
      scales: {
        x: {
          type: 'time',
          min: Date.parse(series.from),
          max: Date.parse(series.to),
          time: {
            tooltipFormat: 'yyyy-MM-dd HH:mm',
            displayFormats: { minute: 'HH:mm', hour: 'MMM d HH:mm', day: 'MMM d' },
          },
          ticks: { maxRotation: 0, autoSkip: true },
        },
        y: {
          type: 'linear',
          stacked,
          beginAtZero: true,
          title: { display: true, text: label },
          ticks: { callback: (value) => tickFormat.format(Number(value)) },
        },
      },
      plugins: {
        // Stacked areas must keep every dataset on the same x values, so they are not decimated.
        decimation: { enabled: !stacked, algorithm: 'min-max' },
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatValue(item.parsed.y === null ? null : item.parsed.y * divisor, unit)}`,
            footer: (items: TooltipItem<'line'>[]) => {
              if (!stacked || items.length < 2) return '';
              const total = items.reduce((sum, item) => sum + (item.parsed.y ?? 0), 0);
              return `Total: ${formatValue(total * divisor, unit)}`;
            },
          },
        },
      },
    };
  });
}
