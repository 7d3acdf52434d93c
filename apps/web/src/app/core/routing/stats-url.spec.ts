import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, UrlSegment, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { safeReturnUrl, statsCommands } from './route-paths';
import { parseStatsPath, parseStatsUrl, statsMatcher } from './stats-url';

function segments(path: string): UrlSegment[] {
  return path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => new UrlSegment(p, {}));
}

describe('statsMatcher', () => {
  it.each([
    ['stats/cpu/usage_rate', 'cpu/usage_rate', undefined],
    ['stats/cpu/usage_rate/cluster-3', 'cpu/usage_rate', 'cluster-3'],
    ['stats/gpu/usage/cluster-3', 'gpu/usage', 'cluster-3'],
    ['stats/uptime', 'uptime', undefined],
    ['stats/uptime/default', 'uptime', 'default'],
    ['stats/memory/usage/kube-system', 'memory/usage', 'kube-system'],
    ['stats/accelerator/memory_used', 'accelerator/memory_used', undefined],
    // The seed's README example: a metric outside the catalog must still reach the page.
    ['stats/gpu/usage_rate/cluster-3', 'gpu/usage_rate', 'cluster-3'],
    ['stats/gpu/usage_rate', 'gpu/usage_rate', undefined],
    ['stats/nosuch', 'nosuch', undefined],
    ['stats/nosuch/default', 'nosuch', 'default'],
  ])('should match %s as metric %s, namespace %s', (path, metric, namespace) => {
    const url = segments(path);
    const result = statsMatcher(url, null as never, null as never);
    expect(result).not.toBeNull();
    expect(result?.consumed).toEqual(url);
    expect(result?.posParams?.['metric'].path).toBe(metric);
    expect(result?.posParams?.['namespace']?.path).toBe(namespace);
  });

  it.each(['stats', 'usage/cpu/usage_rate', 'stats/cpu/usage_rate/ns/extra', 'stats/uptime/ns/extra', 'statsx/uptime'])('should not match %s', (path) => {
    expect(statsMatcher(segments(path), null as never, null as never)).toBeNull();
  });
});

describe('parseStatsPath', () => {
  it('should prefer a catalog metric over a namespace reading', () => {
    expect(parseStatsPath(['memory', 'usage'])).toEqual({ metric: 'memory/usage' });
    expect(parseStatsPath(['uptime', 'memory'])).toEqual({ metric: 'uptime', namespace: 'memory' });
  });

  it('should reject empty segments and too many segments', () => {
    expect(parseStatsPath([])).toBeNull();
    expect(parseStatsPath(['cpu', ''])).toBeNull();
    expect(parseStatsPath(['a', 'b', 'c', 'd'])).toBeNull();
  });
});

describe('parseStatsUrl', () => {
  it('should read router URLs with query strings and encoded segments', () => {
    expect(parseStatsUrl('/stats/cpu/usage_rate/cluster-3?range=6h')).toEqual({
      metric: 'cpu/usage_rate',
      namespace: 'cluster-3',
    });
    expect(parseStatsUrl('/stats/uptime/team%20a#top')).toEqual({ metric: 'uptime', namespace: 'team a' });
    expect(parseStatsUrl('/usage?period=last-month')).toBeNull();
  });
});

describe('statsCommands', () => {
  it('should build the seed URL shape and round-trip through the parser', () => {
    expect(statsCommands('cpu/usage_rate', 'cluster-3')).toEqual(['/', 'stats', 'cpu', 'usage_rate', 'cluster-3']);
    expect(statsCommands('uptime')).toEqual(['/', 'stats', 'uptime']);
    const path = statsCommands('gpu/usage', 'team-a').slice(2);
    expect(parseStatsPath(path)).toEqual({ metric: 'gpu/usage', namespace: 'team-a' });
  });
});

describe('safeReturnUrl', () => {
  it('should only follow paths inside the app', () => {
    expect(safeReturnUrl('/stats/uptime?range=6h')).toBe('/stats/uptime?range=6h');
    expect(safeReturnUrl('https://evil.example')).toBe('/');
    expect(safeReturnUrl('//evil.example')).toBe('/');
    expect(safeReturnUrl('/login?returnUrl=/x')).toBe('/');
    expect(safeReturnUrl(undefined)).toBe('/');
  });
});

@Component({
  selector: 'km-probe',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '{{ metric() }}|{{ namespace() ?? "" }}|{{ range() ?? "" }}',
})
class ProbeComponent {
  readonly metric = input.required<string>();
  readonly namespace = input<string>();
  readonly range = input<string>();
}

describe('stats route', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([{ matcher: statsMatcher, component: ProbeComponent }], withComponentInputBinding())],
    });
  });

  it('should bind the seed example URL to the page inputs', async () => {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/stats/gpu/usage_rate/cluster-3?range=6h');
    expect(harness.routeNativeElement?.textContent).toBe('gpu/usage_rate|cluster-3|6h');
  });

  it('should bind a one-segment metric with a namespace', async () => {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/stats/uptime/default');
    expect(harness.routeNativeElement?.textContent).toBe('uptime|default|');
  });
});
