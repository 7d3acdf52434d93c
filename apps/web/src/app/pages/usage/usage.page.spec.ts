import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { USAGE_REPORT } from '../../../testing/fixtures';
import { thisMonth } from '../../core/time/usage-period';
import { UsagePage } from './usage.page';

describe(UsagePage.name, () => {
  let fixture: ComponentFixture<UsagePage>;
  let backend: HttpTestingController;

  const q = (testId: string): HTMLElement | null => fixture.nativeElement.querySelector(`[data-testid="${testId}"]`);

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [UsagePage],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(UsagePage);
    TestBed.tick();
  });

  afterEach(() => backend.verify());

  it('should report this month so far by namespace by default', async () => {
    const req = backend.expectOne('/api/ui/usage');
    const { from, to } = thisMonth(new Date());
    expect(req.request.body).toEqual({ from, to, groupBy: 'namespace' });
    req.flush(USAGE_REPORT);
    await fixture.whenStable();
    const row = q('usage-row');
    expect(row?.getAttribute('data-namespace')).toBe('prod');
    expect(row?.textContent).toContain('1,392.00');
    expect(row?.textContent).toContain('2,784.00');
    expect(q('usage-totals')?.textContent).toContain('1,392.00');
  });

  it('should drill down into the pods of a namespace through the URL', async () => {
    backend.expectOne('/api/ui/usage').flush(USAGE_REPORT);
    await fixture.whenStable();
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    (q('usage-drilldown') as HTMLButtonElement).click();
    expect(navigate).toHaveBeenCalledWith([], expect.objectContaining({ queryParams: { pods: 'prod' } }));

    fixture.componentRef.setInput('pods', 'prod');
    TestBed.tick();
    const req = backend.expectOne('/api/ui/usage');
    expect(req.request.body).toMatchObject({ groupBy: 'pod', namespaces: ['prod'] });
    req.flush({ ...USAGE_REPORT, groupBy: 'pod', rows: [{ ...USAGE_REPORT.rows[0], pod_name: 'web-1' }] });
    await fixture.whenStable();
    expect(q('pod-row')?.getAttribute('data-pod')).toBe('web-1');
  });

  it('should download the CSV the API produces', async () => {
    backend.expectOne('/api/ui/usage').flush(USAGE_REPORT);
    await fixture.whenStable();
    const createObjectURL = jest.fn().mockReturnValue('blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);

    (q('usage-csv') as HTMLButtonElement).click();
    const req = backend.expectOne((r) => r.url === '/api/ui/usage' && r.headers.get('Accept') === 'text/csv');
    req.flush('namespace_name,cpu_core_hours\nprod,1392\n');
    await fixture.whenStable();

    expect(click).toHaveBeenCalled();
    const blob = createObjectURL.mock.calls[0][0] as Blob;
    expect(blob.type).toContain('text/csv');
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:csv');
  });

  it('should show the InfluxDB outage instead of an empty table', async () => {
    backend.expectOne('/api/ui/usage').flush({ code: 503, message: "Can't connect to influxdb" }, { status: 503, statusText: 'Unavailable' });
    await fixture.whenStable();
    expect(q('state-error')?.textContent).toContain('metrics database is unavailable');
    expect(q('usage-table')).toBeNull();
  });
});
