import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, signal } from '@angular/core';
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';

import { findMetric, MAIN_METRICS, METRIC_CATALOG, type MetricInfo } from '@kube-monitoring/contract';

import { MetricOpenerComponent } from '../../components/metric-opener/metric-opener.component';
import { ApiService } from '../api/api.service';
import { AuthService } from '../auth/auth.service';
import { loginCommands, ROUTE_PATHS, statsCommands } from '../routing/route-paths';
import { parseStatsUrl } from '../routing/stats-url';

/** Query parameters that follow the user from one metric view to the next. */
const VIEW_PARAMS = ['range', 'from', 'to', 'refresh'] as const;

const MAIN_LABELS: Record<string, string> = {
  'cpu/usage_rate': 'CPU usage',
  'gpu/usage': 'GPU memory',
  'memory/usage': 'Memory usage',
  uptime: 'Uptime',
};

const FALLBACK_METRICS: MetricInfo[] = METRIC_CATALOG.map((m) => ({
  name: m.name,
  description: m.description,
  unit: m.unit,
  kind: m.kind,
  main: m.main,
  present: true,
}));

/** Layout of every signed-in page: sidebar (collapsible on narrow screens) and the routed page. */
@Component({
  selector: 'km-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MetricOpenerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.scss',
  host: { '(document:keydown.escape)': 'menuOpen.set(false)' },
})
export class ShellComponent {
  private readonly router = inject(Router);
  private readonly api = inject(ApiService);
  protected readonly auth = inject(AuthService);

  protected readonly paths = ROUTE_PATHS;
  protected readonly menuOpen = signal(false);

  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e): e is NavigationEnd => e instanceof NavigationEnd),
      map((e) => e.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );
  private readonly statsTarget = computed(() => parseStatsUrl(this.url()));

  /** Range and refresh of the current view, carried to the next metric. */
  protected readonly viewParams = computed(() => {
    const params = this.router.parseUrl(this.url()).queryParams;
    const kept: Record<string, string> = {};
    for (const key of VIEW_PARAMS) {
      const value = params[key];
      if (typeof value === 'string') kept[key] = value;
    }
    return kept;
  });

  protected readonly mainMetrics = computed(() => {
    const namespace = this.statsTarget()?.namespace;
    return MAIN_METRICS.map((name) => ({
      name,
      label: MAIN_LABELS[name] ?? name,
      description: findMetric(name)?.description ?? '',
      testId: `nav-metric-${name.replace(/\//g, '-')}`,
      commands: statsCommands(name, namespace),
    }));
  });

  protected readonly currentMetric = computed(() => this.statsTarget()?.metric ?? null);

  private readonly catalog = rxResource({ stream: () => this.api.metrics() });
  protected readonly metrics = computed(() => (this.catalog.hasValue() ? this.catalog.value() : FALLBACK_METRICS));

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.router.events
      .pipe(
        filter((e) => e instanceof NavigationEnd),
        takeUntilDestroyed(destroyRef),
      )
      .subscribe(() => this.menuOpen.set(false));
    // Picks up role or namespace changes made by an admin since the login; a 401 ends the session.
    this.auth
      .refreshUser()
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe({ error: () => undefined });
  }

  protected openMetric(metric: string): void {
    void this.router.navigate(statsCommands(metric, this.statsTarget()?.namespace), {
      queryParams: this.viewParams(),
    });
  }

  protected toggleMenu(): void {
    this.menuOpen.update((open) => !open);
  }

  protected logout(): void {
    this.auth.logout();
    void this.router.navigate(loginCommands());
  }
}
