import { ScrapeMerger } from './scrape-merger';

function merge(rows: [time: number, value: number, container: string][], stepMs = 60_000): [number, number][] {
  const out: [number, number][] = [];
  const emit = (t: number, v: number) => out.push([t, v]);
  const merger = new ScrapeMerger(stepMs);
  for (const [t, v, c] of rows) merger.add(t, v, c, emit);
  merger.flush(emit);
  return out;
}

describe(ScrapeMerger.name, () => {
  it("should add up a scrape's containers at the scrape's own (jittered) time", () => {
    expect(
      merge([
        [55_000, 200, 'app'],
        [55_000, 50, 'sidecar'],
        [124_000, 210, 'app'],
        [124_000, 40, 'sidecar'],
      ]),
    ).toEqual([
      [55_000, 250],
      [124_000, 250],
    ]);
  });

  it('should start a new scrape when a container repeats or half a step has passed', () => {
    // Scrapes less than half a step apart (jitter towards each other) stay apart by their containers.
    expect(
      merge([
        [60_000, 1, 'a'],
        [61_000, 2, 'b'],
        [85_000, 3, 'a'],
        [120_000, 4, 'b'],
      ]),
    ).toEqual([
      [60_000, 3],
      [85_000, 3],
      [120_000, 4],
    ]);
  });

  it("should add up one container's several series of the same time (a container with two GPUs)", () => {
    expect(
      merge([
        [60_000, 2000, 'trainer'],
        [60_000, 2000, 'trainer'],
        [120_000, 1000, 'trainer'],
        [120_000, 1000, 'trainer'],
      ]),
    ).toEqual([
      [60_000, 4000],
      [120_000, 2000],
    ]);
  });

  it('should emit nothing without rows', () => {
    expect(merge([])).toEqual([]);
  });
});
