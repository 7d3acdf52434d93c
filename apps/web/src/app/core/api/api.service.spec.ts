import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import type { RawPoint } from '@kube-monitoring/contract';

import { ADMIN_USER, CPU_SERIES, USAGE_REPORT } from '../../../testing/fixtures';
import { APP_CONFIG } from '../config/app-config';
import { ApiService, isEmptySet, metricPath } from './api.service';

describe(ApiService.name, () => {
  let api: ApiService;
  let backend: HttpTestingController;

  function setup(apiBaseUrl = ''): void {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: APP_CONFIG, useValue: { apiBaseUrl } }],
    });
    api = TestBed.inject(ApiService);
    backend = TestBed.inject(HttpTestingController);
  }

  afterEach(() => backend.verify());

  it('should post raw queries to /api/ui/{metric} keeping the slash of the metric', () => {
    setup();
    const points: RawPoint[] = [{ time: '2024-03-01T10:00:00Z', value: 250, namespace_name: 'cluster-3' }];
    let result: unknown;
    api.rawPoints('cpu/usage_rate', { namespace: 'cluster-3', limit: 100 }).subscribe((r) => (result = r));
    const req = backend.expectOne('/api/ui/cpu/usage_rate');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ namespace: 'cluster-3', limit: 100 });
    req.flush(points);
    expect(result).toEqual(points);
  });

  it('should turn the seed "empty set" answer into an empty list', () => {
    setup();
    let result: unknown;
    api.query('gpu/usage', { namespace: 'x' }).subscribe((r) => (result = r));
    backend.expectOne('/api/ui/gpu/usage').flush({ code: 200, message: 'Query returns empty set' });
    expect(result).toEqual([]);
  });

  it('should post series requests', () => {
    setup();
    let result: unknown;
    api.series('memory/usage', { from: 'a', to: 'b', groupBy: 'pod', namespace: 'ns' }).subscribe((r) => (result = r));
    const req = backend.expectOne('/api/ui/series/memory/usage');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ from: 'a', to: 'b', groupBy: 'pod', namespace: 'ns' });
    req.flush(CPU_SERIES);
    expect(result).toEqual(CPU_SERIES);
  });

  it('should prefix every URL with the configured API base', () => {
    setup('https://api.example.org/monitoring');
    api.metrics().subscribe();
    backend.expectOne('https://api.example.org/monitoring/api/ui/metrics').flush([]);
  });

  it('should unwrap the namespaces list', () => {
    setup();
    let result: string[] = [];
    api.namespaces().subscribe((r) => (result = r));
    const req = backend.expectOne('/api/ui/namespaces');
    expect(req.request.method).toBe('GET');
    req.flush({ namespaces: ['a', 'b'] });
    expect(result).toEqual(['a', 'b']);
  });

  it('should ask for JSON and for CSV usage reports', () => {
    setup();
    const body = { from: '2024-02-01', to: '2024-03-01', groupBy: 'namespace' as const };
    let report: unknown;
    let csv = '';
    api.usage(body).subscribe((r) => (report = r));
    api.usageCsv(body).subscribe((r) => (csv = r));
    const [json, text] = backend.match('/api/ui/usage');
    expect(json.request.headers.get('Accept')).not.toBe('text/csv');
    expect(text.request.headers.get('Accept')).toBe('text/csv');
    expect(text.request.responseType).toBe('text');
    expect(text.request.body).toEqual(body);
    json.flush(USAGE_REPORT);
    text.flush('namespace_name,cpu_core_hours\nprod,1392\n');
    expect(report).toEqual(USAGE_REPORT);
    expect(csv).toContain('prod,1392');
  });

  it('should call the auth and user endpoints', () => {
    setup();
    api.login({ username: 'alice', password: 'pw' }).subscribe();
    api.me().subscribe();
    api.listUsers().subscribe();
    api.createUser({ username: 'carol', email: 'c@example.org', password: 'longpassword' }).subscribe();
    api.updateUser('da ve', { role: 'admin' }).subscribe();
    api.deleteUser('carol').subscribe();

    expect(backend.expectOne({ method: 'POST', url: '/api/auth/login' }).request.body).toEqual({
      username: 'alice',
      password: 'pw',
    });
    backend.expectOne({ method: 'GET', url: '/api/auth/me' }).flush(ADMIN_USER);
    backend.expectOne({ method: 'GET', url: '/api/users' }).flush([ADMIN_USER]);
    expect(backend.expectOne({ method: 'POST', url: '/api/users' }).request.body.username).toBe('carol');
    expect(backend.expectOne({ method: 'PATCH', url: '/api/users/da%20ve' }).request.body).toEqual({ role: 'admin' });
    backend.expectOne({ method: 'DELETE', url: '/api/users/carol' }).flush(null);
    backend.match(() => true).forEach((r) => r.flush({}));
  });
});

describe('metricPath', () => {
  it('should encode each segment but keep the separators', () => {
    expect(metricPath('cpu/usage_rate')).toBe('cpu/usage_rate');
    expect(metricPath('a b/c?d')).toBe('a%20b/c%3Fd');
  });
});

describe('isEmptySet', () => {
  it('should recognise only the seed answer shape', () => {
    expect(isEmptySet({ code: 200, message: 'Query returns empty set' })).toBe(true);
    expect(isEmptySet([])).toBe(false);
    expect(isEmptySet({ code: 404, message: 'x' })).toBe(false);
  });
});
