import { ChangeDetectionStrategy, Component, computed, input, linkedSignal, output } from '@angular/core';

import type { MetricInfo } from '@kube-monitoring/contract';

interface MetricGroup {
  name: string;
  metrics: MetricInfo[];
}

let nextId = 0;

/** Opens any metric of the catalog: a grouped list and an "Open" button (keyboard friendly, no navigation on arrow keys). */
@Component({
  selector: 'km-metric-opener',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="opener" (submit)="submit($event)">
      <label [for]="id">All metrics</label>
      <div class="opener__row">
        <select [id]="id" data-testid="metric-open-select" (change)="selected.set(selectValue($event))">
          @for (group of groups(); track group.name) {
            <optgroup [label]="group.name">
              @for (metric of group.metrics; track metric.name) {
                <option [value]="metric.name" [selected]="metric.name === selected()">{{ metric.name }}{{ metric.present ? '' : ' (no data)' }}</option>
              }
            </optgroup>
          }
        </select>
        <button type="submit" class="btn btn--small" data-testid="metric-open-submit" [disabled]="!selected()">Open</button>
      </div>
    </form>
  `,
  styles: `
    .opener {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
    }
    .opener__row {
      display: flex;
      gap: 0.5rem;
    }
    .opener__row select {
      flex: 1;
      min-width: 0;
    }
  `,
})
export class MetricOpenerComponent {
  readonly metrics = input<readonly MetricInfo[]>([]);
  /** The metric on screen, preselected. */
  readonly current = input<string | null>(null);
  readonly open = output<string>();

  protected readonly id = `km-metric-open-${nextId++}`;
  protected readonly selected = linkedSignal(() => {
    const current = this.current();
    const metrics = this.metrics();
    return current && metrics.some((m) => m.name === current) ? current : (metrics[0]?.name ?? '');
  });

  protected readonly groups = computed<MetricGroup[]>(() => {
    const byGroup = new Map<string, MetricInfo[]>();
    for (const metric of this.metrics()) {
      const group = metric.name.includes('/') ? metric.name.split('/')[0] : 'other';
      byGroup.set(group, [...(byGroup.get(group) ?? []), metric]);
    }
    return [...byGroup.entries()].map(([name, metrics]) => ({ name, metrics }));
  });

  protected selectValue(event: Event): string {
    return (event.target as HTMLSelectElement).value;
  }

  protected submit(event: Event): void {
    event.preventDefault();
    const metric = this.selected();
    if (metric) this.open.emit(metric);
  }
}
