import { ChangeDetectionStrategy, Component, computed, DOCUMENT, inject, input, linkedSignal, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';

import type { UsageFigures, UsageReportRequest } from '@kube-monitoring/contract';

import { StateMessageComponent } from '../../components/state-message/state-message.component';
import { describeApiError, toApiError } from '../../core/api/api-error';
import { ApiService } from '../../core/api/api.service';
import { saveTextFile } from '../../core/download';
import { injectQueryParamsUpdater } from '../../core/routing/query-params';
import { parseUsagePeriod, periodDays, USAGE_PERIOD_OPTIONS, usagePeriodToParams, type UsagePeriod, type UsagePeriodKind } from '../../core/time/usage-period';

const hours = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 3 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** The billing report: core-hours, GiB-hours and GPU GB-hours per namespace, pods on demand, CSV. */
@Component({
  selector: 'km-usage-page',
  imports: [StateMessageComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './usage.page.html',
  styleUrl: './usage.page.scss',
})
export class UsagePage {
  private readonly api = inject(ApiService);
  private readonly document = inject(DOCUMENT);
  private readonly updateQuery = injectQueryParamsUpdater();

  readonly period = input<string>();
  readonly from = input<string>();
  readonly to = input<string>();
  /** Namespace whose pods are shown (drill-down). */
  readonly pods = input<string>();

  protected readonly periodOptions = USAGE_PERIOD_OPTIONS;
  protected readonly selected = computed(() => parseUsagePeriod({ period: this.period(), from: this.from(), to: this.to() }));
  protected readonly days = computed(() => periodDays(this.selected()));

  // The form's draft; applied to the URL by the Apply button (custom dates) or at once (presets).
  protected readonly draftKind = linkedSignal<UsagePeriodKind>(() => this.selected().kind);
  protected readonly draftFrom = linkedSignal(() => this.selected().from);
  protected readonly draftTo = linkedSignal(() => this.selected().to);
  protected readonly formError = signal<string | null>(null);

  protected readonly drillNamespace = computed(() => this.pods() || null);

  protected readonly report = rxResource({
    params: () => ({ from: this.selected().from, to: this.selected().to }),
    stream: ({ params }) => this.api.usage({ ...params, groupBy: 'namespace' }),
  });

  protected readonly podReport = rxResource({
    params: () => {
      const namespace = this.drillNamespace();
      return namespace ? { from: this.selected().from, to: this.selected().to, namespace } : undefined;
    },
    stream: ({ params }) => this.api.usage({ from: params.from, to: params.to, groupBy: 'pod', namespaces: [params.namespace] }),
  });

  protected readonly reportError = computed(() => (this.report.error() ? toApiError(this.report.error()) : null));
  protected readonly podError = computed(() => (this.podReport.error() ? toApiError(this.podReport.error()) : null));
  protected readonly reportValue = computed(() => (this.report.hasValue() ? this.report.value() : null));
  protected readonly podValue = computed(() => (this.podReport.hasValue() ? this.podReport.value() : null));
  // The page asks per namespace: every row names one (node rows, which do not, are never asked for here).
  protected readonly namespaceRows = computed(() =>
    (this.reportValue()?.rows ?? []).map((r) => ({ ...r, namespace_name: r.namespace_name ?? '' })).sort((a, b) => a.namespace_name.localeCompare(b.namespace_name)),
  );
  protected readonly podRows = computed(() => [...(this.podValue()?.rows ?? [])].sort((a, b) => (a.pod_name ?? '').localeCompare(b.pod_name ?? '')));

  protected readonly downloading = signal<'namespace' | 'pod' | null>(null);
  protected readonly downloadError = signal<string | null>(null);

  protected describe = describeApiError;

  protected hours(value: number): string {
    return hours.format(value);
  }

  protected coverage(figures: UsageFigures): string {
    return percent.format(figures.coverage);
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected onKind(event: Event): void {
    const kind = (event.target as HTMLSelectElement).value as UsagePeriodKind;
    this.formError.set(null);
    this.draftKind.set(kind);
    if (kind !== 'custom') {
      const period: UsagePeriod = { kind, from: '', to: '' };
      void this.updateQuery(usagePeriodToParams(period));
    }
  }

  protected applyCustom(event: Event): void {
    event.preventDefault();
    const from = this.draftFrom();
    const to = this.draftTo();
    if (!from || !to) {
      this.formError.set('Enter both dates.');
      return;
    }
    if (from >= to) {
      this.formError.set('"Until" must be after "From".');
      return;
    }
    this.formError.set(null);
    void this.updateQuery(usagePeriodToParams({ kind: 'custom', from, to }));
  }

  protected drillDown(namespace: string): void {
    void this.updateQuery({ pods: namespace });
  }

  protected closePods(): void {
    void this.updateQuery({ pods: null });
  }

  protected download(groupBy: 'namespace' | 'pod'): void {
    const { from, to } = this.selected();
    const namespace = this.drillNamespace();
    const request: UsageReportRequest = groupBy === 'pod' && namespace ? { from, to, groupBy, namespaces: [namespace] } : { from, to, groupBy: 'namespace' };
    const filename = groupBy === 'pod' && namespace ? `usage-${namespace}-pods-${from}_${to}.csv` : `usage-namespaces-${from}_${to}.csv`;
    this.downloading.set(groupBy);
    this.downloadError.set(null);
    this.api.usageCsv(request).subscribe({
      next: (csv) => {
        this.downloading.set(null);
        saveTextFile(this.document, csv, filename);
      },
      error: (error: unknown) => {
        this.downloading.set(null);
        this.downloadError.set(`The CSV could not be downloaded. ${describeApiError(toApiError(error))}`);
      },
    });
  }
}
