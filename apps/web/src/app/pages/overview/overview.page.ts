import { DatePipe, LowerCasePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { catchError, forkJoin, map, of, tap } from 'rxjs';

import { formatValue, type SeriesResponse } from '@kube-monitoring/contract';

import { NamespacePickerComponent } from '../../components/namespace-picker/namespace-picker.component';
import { RefreshPickerComponent } from '../../components/refresh-picker/refresh-picker.component';
import { StateMessageComponent } from '../../components/state-message/state-message.component';
import { TimeRangePickerComponent } from '../../components/time-range-picker/time-range-picker.component';
import { TimeSeriesChartComponent } from '../../components/time-series-chart/time-series-chart.component';
import { describeApiError, toApiError, type ApiErrorInfo } from '../../core/api/api-error';
import { ApiService } from '../../core/api/api.service';
import { injectNamespaceList } from '../../core/api/namespace-list';
import { injectQueryParamsUpdater } from '../../core/routing/query-params';
import { statsCommands } from '../../core/routing/route-paths';
import { injectTimeQuery } from '../../core/routing/time-query';
import { hasData, latestTotal, latestValues } from '../../core/series/series-utils';
import { autoRefresh } from '../../core/time/auto-refresh';
import { resolveTimeRange } from '../../core/time/time-range';

/** The three accounting metrics of the overview. */
export const OVERVIEW_METRICS = [
  { id: 'cpu', metric: 'cpu/usage_rate', label: 'CPU', unit: 'millicores' },
  { id: 'memory', metric: 'memory/usage', label: 'Memory', unit: 'bytes' },
  { id: 'gpu', metric: 'gpu/usage', label: 'GPU memory', unit: 'megabytes' },
] as const;

type OverviewMetricId = (typeof OVERVIEW_METRICS)[number]['id'];

/** "Now" is the newest sample in this window, at the collector's 60 s resolution. */
const NOW_WINDOW_MS = 15 * 60_000;
const NOW_STEP_SECONDS = 60;
const TOP_ROWS = 10;

type NowResult = { ok: true; series: SeriesResponse } | { ok: false; error: ApiErrorInfo };

interface TopRow {
  name: string;
  namespace: string | null;
  values: Record<OverviewMetricId, number | null>;
}

/** Cluster (or one namespace's) totals now, the top consumers and a stacked chart over time. */
@Component({
  selector: 'km-overview-page',
  imports: [DatePipe, LowerCasePipe, RouterLink, NamespacePickerComponent, RefreshPickerComponent, StateMessageComponent, TimeRangePickerComponent, TimeSeriesChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './overview.page.html',
  styleUrl: './overview.page.scss',
})
export class OverviewPage {
  private readonly api = inject(ApiService);
  private readonly updateQuery = injectQueryParamsUpdater();

  readonly range = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();
  readonly refresh = input<string>();
  readonly ns = input<string>();
  readonly chart = input<string>();

  protected readonly time = injectTimeQuery(this);
  protected readonly metrics = OVERVIEW_METRICS;
  protected readonly namespace = computed(() => this.ns() || null);
  protected readonly groupLabel = computed(() => (this.namespace() ? 'pod' : 'namespace'));
  protected readonly chartMetric = computed(() => OVERVIEW_METRICS.find((m) => m.id === this.chart()) ?? OVERVIEW_METRICS[0]);
  protected readonly lastUpdated = signal<Date | null>(null);

  protected readonly namespaceList = injectNamespaceList();

  /** Latest values of the three metrics; each may fail alone (e.g. no GPU data source). */
  protected readonly now = rxResource({
    params: () => ({ namespace: this.namespace() }),
    stream: ({ params }) => {
      const to = new Date();
      const from = new Date(to.getTime() - NOW_WINDOW_MS);
      const requests = OVERVIEW_METRICS.map((m) =>
        this.api
          .series(m.metric, {
            from: from.toISOString(),
            to: to.toISOString(),
            step: NOW_STEP_SECONDS,
            groupBy: params.namespace ? 'pod' : 'namespace',
            ...(params.namespace ? { namespace: params.namespace } : {}),
          })
          .pipe(
            map((series): NowResult => ({ ok: true, series })),
            catchError((error: unknown) => of<NowResult>({ ok: false, error: toApiError(error) })),
          ),
      );
      return forkJoin(requests).pipe(tap(() => this.lastUpdated.set(new Date())));
    },
  });

  protected readonly chartSeries = rxResource({
    params: () => ({ metric: this.chartMetric().metric, namespace: this.namespace(), selection: this.time.selection() }),
    stream: ({ params }) => {
      const { from, to } = resolveTimeRange(params.selection);
      return this.api.series(params.metric, {
        from: from.toISOString(),
        to: to.toISOString(),
        groupBy: params.namespace ? 'pod' : 'namespace',
        ...(params.namespace ? { namespace: params.namespace } : {}),
      });
    },
  });

  private readonly nowResults = computed<NowResult[] | null>(() => (this.now.hasValue() ? this.now.value() : null));

  /** One message when every request failed the same way (e.g. InfluxDB down). */
  protected readonly nowError = computed<ApiErrorInfo | null>(() => {
    if (this.now.error()) return toApiError(this.now.error());
    const results = this.nowResults();
    if (!results || results.some((r) => r.ok)) return null;
    const first = results[0];
    return first.ok ? null : first.error;
  });

  protected readonly totals = computed(() => {
    const results = this.nowResults();
    return OVERVIEW_METRICS.map((m, i) => {
      const result = results?.[i];
      const total = result?.ok ? latestTotal(result.series) : null;
      return {
        ...m,
        testId: `total-${m.id}`,
        loaded: !!result,
        error: result && !result.ok ? describeApiError(result.error) : null,
        text: result?.ok ? (total ? formatValue(total.total, m.unit) : 'No data') : '',
        time: total?.time ?? null,
      };
    });
  });

  protected readonly topRows = computed<TopRow[]>(() => {
    const results = this.nowResults();
    if (!results) return [];
    const rows = new Map<string, TopRow>();
    OVERVIEW_METRICS.forEach((m, i) => {
      const result = results[i];
      if (!result.ok) return;
      for (const value of latestValues(result.series)) {
        const row = rows.get(value.label) ?? {
          name: value.label,
          namespace: value.key['namespace_name'] ?? this.namespace(),
          values: { cpu: null, memory: null, gpu: null },
        };
        row.values[m.id] = (row.values[m.id] ?? 0) + value.value;
        rows.set(value.label, row);
      }
    });
    const sortKey = this.chartMetric().id;
    return [...rows.values()].sort((a, b) => (b.values[sortKey] ?? -1) - (a.values[sortKey] ?? -1)).slice(0, TOP_ROWS);
  });

  protected readonly chartError = computed(() => {
    const error = this.chartSeries.error();
    return error ? toApiError(error) : null;
  });
  protected readonly chartValue = computed(() => (this.chartSeries.hasValue() ? this.chartSeries.value() : null));
  protected readonly chartHasData = computed(() => hasData(this.chartValue()));
  protected readonly loading = computed(() => this.now.isLoading() || this.chartSeries.isLoading());

  protected describe = describeApiError;

  constructor() {
    autoRefresh(this.time.refreshSeconds, () => this.reload());
  }

  protected format(value: number | null, unit: string): string {
    return formatValue(value, unit);
  }

  protected statsLink(metric: string, namespace: string | null): string[] {
    return statsCommands(metric, namespace);
  }

  protected reload(): void {
    this.now.reload();
    this.chartSeries.reload();
  }

  protected onNamespace(namespace: string | null): void {
    void this.updateQuery({ ns: namespace });
  }

  protected onChartMetric(event: Event): void {
    const id = (event.target as HTMLSelectElement).value;
    void this.updateQuery({ chart: id === OVERVIEW_METRICS[0].id ? null : id });
  }
}
