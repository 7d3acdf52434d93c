import { HOUR_MS, StoredNamespaceHour, totalOfHour } from '@kube-monitoring/accounting';

import { DAY_MS, excludedKey, keptSelectionOf, keptTotalsOfHour, planRanges } from './ledger-rollups';

const D0 = Date.UTC(2026, 9, 1);
const day = (n: number) => D0 + n * DAY_MS;
const hour = (n: number) => D0 + n * HOUR_MS;

describe('planRanges', () => {
  it('should read the whole days inside the range from their rollups and the hours around and between them hourly', () => {
    expect(planRanges(day(0), day(3), [day(0), day(1), day(2)])).toEqual({ days: [[day(0), day(3)]], hours: [] });
    expect(planRanges(hour(7), day(3) + 5 * HOUR_MS, [day(0), day(1), day(2), day(3)])).toEqual({
      days: [[day(1), day(3)]],
      hours: [
        [hour(7), day(1)],
        [day(3), day(3) + 5 * HOUR_MS],
      ],
    });
    expect(planRanges(day(0), day(4), [day(0), day(2)])).toEqual({
      days: [
        [day(0), day(1)],
        [day(2), day(3)],
      ],
      hours: [
        [day(1), day(2)],
        [day(3), day(4)],
      ],
    });
    expect(planRanges(day(0), day(2), [])).toEqual({ days: [], hours: [[day(0), day(2)]] });
    expect(planRanges(day(0), day(0), [day(0)])).toEqual({ days: [], hours: [] });
  });

  it('should take a day whose last hour starts inside an unaligned range end, and no day that starts before the range', () => {
    // The range holds the hour starting at 23:00 of day 0: every hour of it.
    expect(planRanges(day(0), day(1) - HOUR_MS + 1, [day(0)]).days).toEqual([[day(0), day(1)]]);
    expect(planRanges(day(0), day(1) - HOUR_MS, [day(0)]).days).toEqual([]);
    expect(planRanges(day(0) + 1, day(2), [day(0), day(1)])).toEqual({ days: [[day(1), day(2)]], hours: [[day(0) + 1, day(1)]] });
  });

  it('should read at most so many runs of days, the longest, and every other hour hourly', () => {
    // Runs of 1, 3 and 2 days with a day between them; two runs at most.
    const days = [0, 2, 3, 4, 6, 7].map(day);
    expect(planRanges(day(0), day(8), days, 2)).toEqual({
      days: [
        [day(2), day(5)],
        [day(6), day(8)],
      ],
      hours: [
        [day(0), day(2)],
        [day(5), day(6)],
      ],
    });
  });
});

describe('kept totals', () => {
  it('should know the selections it keeps, however they are spelled', () => {
    expect(keptSelectionOf({})).toBe('');
    expect(keptSelectionOf({ exclude: [] })).toBe('');
    expect(keptSelectionOf({ exclude: ['kube-system'] })).toBe('kube-system');
    expect(keptSelectionOf({ exclude: ['kube-system', 'kube-system'] })).toBe('kube-system');
    expect(keptSelectionOf({ exclude: ['beta'] })).toBeUndefined();
    expect(keptSelectionOf({ only: ['alpha'] })).toBeUndefined();
    expect(keptSelectionOf({ only: [] })).toBeUndefined();
    expect(excludedKey(['b', 'a', 'b'])).toBe('a,b');
  });

  it('should compute each kept total as the total of the hour over its namespaces, none for an hour without any', () => {
    const ns = (namespace: string, values: number[], source: 'collector' | 'pods' = 'pods'): StoredNamespaceHour => ({
      hourMs: hour(0),
      stepMs: 60_000,
      scale: 1,
      namespace,
      pods: 1,
      figures: { integral: 0, increase: 0, coveredMs: 0, samples: 0, sum: 0, max: -Infinity },
      steps: { source, steps: { times: values.map((_, i) => hour(0) + i * 60_000), values } },
    });
    const hourRows = [ns('kube-system', [100, 100]), ns('alpha', [1, 2, 3]), ns('beta', [10, 20])];
    const kept = keptTotalsOfHour(hourRows);
    expect(kept.map((k) => k.excluded)).toEqual(['', 'kube-system']);
    expect(kept[0]?.figures).toEqual(totalOfHour(hourRows));
    expect(kept[0]?.figures.max).toBe(122);
    expect(kept[1]?.figures).toEqual(totalOfHour(hourRows.slice(1)));
    expect(kept[1]?.figures.max).toBe(22);
    expect(keptTotalsOfHour([])).toEqual([]);
  });
});
