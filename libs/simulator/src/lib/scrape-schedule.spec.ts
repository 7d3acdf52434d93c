import { ScrapeSchedule } from './scrape-schedule';

describe(ScrapeSchedule.name, () => {
  it('should sit on the grid without jitter', () => {
    const schedule = new ScrapeSchedule(60, 0, 1);
    expect(schedule.time(10)).toBe(600);
    expect(schedule.firstAfter(600)).toBe(11);
    expect(schedule.firstAtOrAfter(600)).toBe(10);
    expect(schedule.firstAfter(599)).toBe(10);
  });

  it('should jitter within bounds, stay increasing, and find scrapes around any time', () => {
    const schedule = new ScrapeSchedule(60, 9, 5);
    let previous = schedule.time(999);
    let moved = 0;
    for (let k = 1000; k < 3000; k++) {
      const t = schedule.time(k);
      expect(Math.abs(t - 60 * k)).toBeLessThanOrEqual(9);
      expect(t).toBeGreaterThan(previous);
      if (t !== 60 * k) moved++;
      previous = t;
    }
    expect(moved).toBeGreaterThan(1500);
    for (let t = 60_000; t < 61_000; t += 7) {
      const after = schedule.firstAfter(t);
      expect(schedule.time(after)).toBeGreaterThan(t);
      expect(schedule.time(after - 1)).toBeLessThanOrEqual(t);
      const atOrAfter = schedule.firstAtOrAfter(t);
      expect(schedule.time(atOrAfter)).toBeGreaterThanOrEqual(t);
      expect(schedule.time(atOrAfter - 1)).toBeLessThan(t);
    }
  });
});
