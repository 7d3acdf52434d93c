import { DatePipe, TitleCasePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import { tap } from 'rxjs';

import { findMetric, formatValue, MAIN_METRICS, type RawPoint, type SeriesGroupBy } from '@kube-monitoring/contract';

import { NamespacePickerComponent } from '../../components/namespace-picker/namespace-picker.component';
import { RefreshPickerComponent } from '../../components/refresh-picker/refresh-picker.component';
import { StateMessageComponent } from '../../components/state-message/state-message.component';
import { TimeRangePickerComponent } from '../../components/time-range-picker/time-range-picker.component';
import { TimeSeriesChartComponent } from '../../components/time-series-chart/time-series-chart.component';
import { describeApiError, toApiError } from '../../core/api/api-error';
import { ApiService } from '../../core/api/api.service';
import { injectNamespaceList } from '../../core/api/namespace-list';
import { injectQueryParamsUpdater } from '../../core/routing/query-params';
import { statsCommands } from '../../core/routing/route-paths';
import { injectTimeQuery } from '../../core/routing/time-query';
import { hasData, latestValues } from '../../core/series/series-utils';
import { autoRefresh } from '../../core/time/auto-refresh';
import { resolveTimeRange } from '../../core/time/time-range';

const GROUPS: readonly { id: SeriesGroupBy; label: string }[] = [
  { id: 'namespace', label: 'Namespace' },
  { id: 'pod', label: 'Pod' },
  { id: 'container', label: 'Container' },
  { id: 'node', label: 'Node' },
];

/** Newest raw points shown in the table of a namespace view. */
export const POINTS_LIMIT = 100;

/**
 * `/stats/{metric}` and `/stats/{metric}/{namespace}` (the seed's URLs): a chart over the selected range
 * and the latest data points in human units. Range, grouping and refresh live in the query string.
 */
@Component({
  selector: 'km-stats-page',
  imports: [DatePipe, TitleCasePipe, RouterLink, NamespacePickerComponent, RefreshPickerComponent, StateMessageComponent, TimeRangePickerComponent, TimeSeriesChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './stats.page.html',
  styleUrl: './stats.page.scss',
})
export class StatsPage {
  private readonly api = inject(ApiService);
  private readonly router = inject(Router);
  private readonly updateQuery = injectQueryParamsUpdater();

  // Route parameters (from the stats URL matcher) and query parameters, bound by the router.
  readonly metric = input.required<string>();
  readonly namespace = input<string>();
  readonly range = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();
  readonly refresh = input<string>();
  readonly group = input<string>();

  protected readonly time = injectTimeQuery(this);
  protected readonly mainMetrics = MAIN_METRICS;
  protected readonly pointsLimit = POINTS_LIMIT;
  protected readonly definition = computed(() => findMetric(this.metric()));
  protected readonly groupOptions = computed(() => (this.namespace() ? GROUPS.filter((g) => g.id !== 'namespace') : GROUPS));
  protected readonly groupBy = computed<SeriesGroupBy>(() => {
    const wanted = this.groupOptions().find((g) => g.id === this.group());
    if (wanted) return wanted.id;
    if (this.namespace()) return 'pod';
    // A metric only nodes have (memory/node_utilization) has no namespace lines: it opens by node.
    return isNodeOnly(this.definition()?.levels) ? 'node' : 'namespace';
  });
  protected readonly lastUpdated = signal<Date | null>(null);

  protected readonly namespaceList = injectNamespaceList();

  protected readonly series = rxResource({
    params: () => ({
      metric: this.metric(),
      namespace: this.namespace(),
      selection: this.time.selection(),
      groupBy: this.groupBy(),
    }),
    stream: ({ params }) => {
      const { from, to } = resolveTimeRange(params.selection);
      return this.api
        .series(params.metric, {
          from: from.toISOString(),
          to: to.toISOString(),
          groupBy: params.groupBy,
          ...(params.namespace ? { namespace: params.namespace } : {}),
        })
        .pipe(tap(() => this.lastUpdated.set(new Date())));
    },
  });

  protected readonly points = rxResource({
    params: () => {
      const namespace = this.namespace();
      return namespace ? { metric: this.metric(), namespace, selection: this.time.selection() } : undefined;
    },
    stream: ({ params }) => {
      const { from, to } = resolveTimeRange(params.selection);
      return this.api.rawPoints(params.metric, {
        namespace: params.namespace,
        limit: POINTS_LIMIT,
        timeBeginInterval: from.toISOString(),
        timeEndInterval: to.toISOString(),
      });
    },
  });

  protected readonly seriesError = computed(() => {
    const error = this.series.error();
    return error ? toApiError(error) : null;
  });
  protected readonly unknownMetric = computed(() => this.seriesError()?.status === 404);
  /** The API's 404 message, naming the metric when the API did not. */
  protected readonly unknownMetricMessage = computed(() => {
    const message = this.seriesError()?.message ?? '';
    return message.includes(this.metric()) ? message : `Unknown metric “${this.metric()}”. ${message}`.trim();
  });
  protected readonly pointsError = computed(() => {
    const error = this.points.error();
    return error ? toApiError(error) : null;
  });

  protected readonly seriesValue = computed(() => (this.series.hasValue() ? this.series.value() : null));
  protected readonly hasSeriesData = computed(() => hasData(this.seriesValue()));
  /** Unit of the values: the API's answer, else the catalog's. */
  protected readonly unit = computed(() => this.seriesValue()?.unit ?? this.definition()?.unit ?? '');
  protected readonly latest = computed(() => {
    const series = this.seriesValue();
    return series ? latestValues(series) : [];
  });
  protected readonly pointRows = computed(() => (this.points.hasValue() ? this.points.value() : []));
  protected readonly loading = computed(() => this.series.isLoading() || this.points.isLoading());

  constructor() {
    autoRefresh(this.time.refreshSeconds, () => this.reload());
  }

  protected describe = describeApiError;

  protected format(value: number | null | undefined): string {
    return formatValue(value, this.unit());
  }

  protected tag(point: RawPoint, name: string): string {
    const value = point[name];
    return value === null || value === undefined || value === '' ? '—' : String(value);
  }

  protected reload(): void {
    this.series.reload();
    this.points.reload();
  }

  protected onGroup(event: Event): void {
    void this.updateQuery({ group: (event.target as HTMLSelectElement).value });
  }

  protected onNamespace(namespace: string | null): void {
    // A namespace is part of the path (the seed's URL); a grouping by namespace makes no sense inside one.
    const queryParams = { ...this.router.parseUrl(this.router.url).queryParams };
    if (namespace && queryParams['group'] === 'namespace') delete queryParams['group'];
    void this.router.navigate(statsCommands(this.metric(), namespace), { queryParams });
  }

  protected metricLink(metric: string): string[] {
    return statsCommands(metric, this.namespace());
  }

  protected metricLinkFor(namespace: string): string[] {
    return statsCommands(this.metric(), namespace);
  }
}

/** Whether a metric's series are written for nodes (and the cluster) only, none per pod or namespace. */
function isNodeOnly(levels: readonly string[] | undefined): boolean {
  return levels !== undefined && levels.includes('node') && !levels.some((l) => l === 'pod' || l === 'pod_container' || l === 'ns');
}
