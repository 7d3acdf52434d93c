import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import type { RawPoint } from '@kube-monitoring/contract';

import { CPU_SERIES } from '../../../testing/fixtures';
import { StatsPage } from './stats.page';

describe(StatsPage.name, () => {
  let fixture: ComponentFixture<StatsPage>;
  let backend: HttpTestingController;

  function text(testId: string): string {
    return (fixture.nativeElement.querySelector(`[data-testid="${testId}"]`) as HTMLElement | null)?.textContent ?? '';
  }

  function open(metric: string, namespace?: string): void {
    fixture = TestBed.createComponent(StatsPage);
    fixture.componentRef.setInput('metric', metric);
    if (namespace) fixture.componentRef.setInput('namespace', namespace);
    TestBed.tick();
    backend.expectOne('/api/ui/namespaces').flush({ namespaces: ['cluster-3', 'default'] });
  }

  beforeEach(() => {
    // jsdom has no canvas; the chart itself is exercised in the browser tests.
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    TestBed.configureTestingModule({
      imports: [StatsPage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    fixture.destroy();
    backend.verify();
  });

  it('should show the API 404 for a metric outside the catalog (the seed example URL)', async () => {
    open('gpu/usage_rate', 'cluster-3');
    expect(text('stats-title')).toBe('gpu/usage_rate');
    expect(text('stats-namespace')).toBe('cluster-3');
    const notFound = { code: 404, message: 'Unknown metric gpu/usage_rate' };
    backend.expectOne('/api/ui/series/gpu/usage_rate').flush(notFound, { status: 404, statusText: 'Not Found' });
    backend.expectOne('/api/ui/gpu/usage_rate').flush(notFound, { status: 404, statusText: 'Not Found' });
    await fixture.whenStable();
    expect(text('stats-unknown-metric')).toContain('Unknown metric gpu/usage_rate');
  });

  it('should show a clear message when InfluxDB is down', async () => {
    open('cpu/usage_rate');
    backend.expectOne('/api/ui/series/cpu/usage_rate').flush({ code: 503, message: "Can't connect to influxdb" }, { status: 503, statusText: 'Unavailable' });
    await fixture.whenStable();
    expect(text('state-error')).toContain('metrics database is unavailable');
  });

  it('should query a namespace by pod and list its newest points in human units', async () => {
    open('gpu/usage', 'cluster-3');
    const series = backend.expectOne('/api/ui/series/gpu/usage');
    expect(series.request.body).toMatchObject({ groupBy: 'pod', namespace: 'cluster-3' });
    const raw = backend.expectOne('/api/ui/gpu/usage');
    expect(raw.request.body).toMatchObject({ namespace: 'cluster-3', limit: 100 });
    series.flush({ ...CPU_SERIES, metric: 'gpu/usage', unit: 'megabytes', groupBy: 'pod' });
    const points: RawPoint[] = [{ time: '2024-03-01T10:04:00Z', value: 12500, pod_name: 'train-1', container_name: 'main', type: 'pod_container' }];
    raw.flush(points);
    await fixture.whenStable();
    const rows = fixture.nativeElement.querySelectorAll('[data-testid="points-row"]');
    expect(rows.length).toBe(1);
    expect(rows[0].textContent).toContain('train-1');
    expect(rows[0].textContent).toContain('12.5 GB');
  });

  it('should open a node-only metric grouped by node, where its data is', async () => {
    open('memory/node_utilization');
    const req = backend.expectOne('/api/ui/series/memory/node_utilization');
    expect(req.request.body).toMatchObject({ groupBy: 'node' });
    req.flush({ ...CPU_SERIES, metric: 'memory/node_utilization', unit: 'ratio', groupBy: 'node', series: [] });
    await fixture.whenStable();
  });

  it('should show the latest value per namespace without a namespace, and an empty state', async () => {
    open('cpu/usage_rate');
    const req = backend.expectOne('/api/ui/series/cpu/usage_rate');
    expect(req.request.body).toMatchObject({ groupBy: 'namespace' });
    expect(req.request.body.namespace).toBeUndefined();
    req.flush(CPU_SERIES);
    await fixture.whenStable();
    expect(text('points-table')).toContain('2 cores');

    fixture.componentRef.setInput('range', '6h');
    TestBed.tick();
    backend.expectOne('/api/ui/series/cpu/usage_rate').flush({ ...CPU_SERIES, series: [] });
    await fixture.whenStable();
    expect(text('state-empty')).toContain('No data for cpu/usage_rate');
  });
});
