import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { injectTimeQuery, type TimeQuery } from './time-query';

describe(injectTimeQuery.name, () => {
  const params = {
    range: signal<string | undefined>(undefined),
    from: signal<string | undefined>(undefined),
    to: signal<string | undefined>(undefined),
    refresh: signal<string | undefined>(undefined),
  };
  let time: TimeQuery;
  let navigate: jest.SpyInstance;

  beforeEach(() => {
    Object.values(params).forEach((p) => p.set(undefined));
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    time = TestBed.runInInjectionContext(() => injectTimeQuery(params));
  });

  /** The query parameters of the last navigation, which must merge into the current URL. */
  function lastPatch(): unknown {
    const [commands, extras] = navigate.mock.lastCall;
    expect(commands).toEqual([]);
    expect(extras).toMatchObject({ queryParamsHandling: 'merge' });
    return extras.queryParams;
  }

  it('should read the default range and refresh from an empty query string', () => {
    expect(time.selection()).toEqual({ kind: 'preset', preset: '1h' });
    expect(time.label()).toBe('Last 1 hour');
    expect(time.refreshSeconds()).toBe(60);
  });

  it('should follow the query parameters', () => {
    params.range.set('custom');
    params.from.set('2024-03-01');
    params.to.set('2024-03-02');
    params.refresh.set('off');
    expect(time.selection()).toEqual({
      kind: 'custom',
      from: new Date('2024-03-01T00:00:00Z'),
      to: new Date('2024-03-02T00:00:00Z'),
    });
    expect(time.label()).toBe('2024-03-01T00:00:00.000Z – 2024-03-02T00:00:00.000Z');
    expect(time.refreshSeconds()).toBe(0);
  });

  it('should write a range to the URL, leaving the default out', () => {
    time.setRange({ kind: 'preset', preset: '6h' });
    expect(lastPatch()).toEqual({ range: '6h', from: null, to: null });
    time.setRange({ kind: 'preset', preset: '1h' });
    expect(lastPatch()).toEqual({ range: null, from: null, to: null });
    time.setRange({ kind: 'custom', from: new Date('2024-03-01T00:00:00Z'), to: null });
    expect(lastPatch()).toEqual({ range: 'custom', from: '2024-03-01T00:00:00.000Z', to: null });
  });

  it('should write the refresh interval to the URL, leaving the default out', () => {
    time.setRefresh(300);
    expect(lastPatch()).toEqual({ refresh: 300 });
    time.setRefresh(0);
    expect(lastPatch()).toEqual({ refresh: 0 });
    time.setRefresh(60);
    expect(lastPatch()).toEqual({ refresh: null });
  });
});
