import { SamplePiece } from '../sample-reader';
import { HOUR_MS } from './ledger-records';
import { NodeSamples, rollNodeHour } from './node-hours';

const MIN = 60_000;
const T0 = Date.UTC(2024, 2, 20);

/** Nodes' samples held in memory, cut to the range asked for. */
function nodes(series: Record<string, [number, number][]>): NodeSamples {
  return {
    metric: 'cpu/node_allocatable',
    scale: 1,
    async *nodeSamples(from: Date, to: Date): AsyncIterable<SamplePiece<string>> {
      for (const [node, samples] of Object.entries(series)) {
        const inside = samples.filter(([t]) => t >= from.getTime() && t < to.getTime());
        if (inside.length) yield { series: node, times: inside.map(([t]) => t), values: inside.map(([, v]) => v) };
      }
    },
  };
}

const every = (first: number, last: number, value: number, skip: number[] = []): [number, number][] =>
  Array.from({ length: last - first + 1 }, (_, i) => first + i)
    .filter((m) => !skip.includes(m))
    .map((m) => [T0 + m * MIN, value]);

describe(rollNodeHour.name, () => {
  it('should give each node its capacity × time in the hour, bridging a lost scrape, in node order', async () => {
    const samples = nodes({ 'node-b': every(0, 120, 4000, [30]), 'node-a': every(0, 30, 8000) });
    const [a, b] = await rollNodeHour(samples, T0, MIN);
    expect(a?.node).toBe('node-a');
    // node-a ran the first 30 minutes of the hour.
    expect(a?.figures).toMatchObject({ integral: 8000 * 30 * 60, coveredMs: 30 * MIN, max: 8000 });
    // node-b the whole hour, its lost scrape at minute 30 bridged.
    expect(b?.figures).toMatchObject({ integral: 4000 * 3600, coveredMs: HOUR_MS, max: 4000 });
  });

  it('should add up over consecutive hours to the figures of the hours together', async () => {
    const samples = nodes({ n: [...every(0, 50, 1000), ...every(70, 150, 2000, [90, 91])] });
    const h0 = (await rollNodeHour(samples, T0, MIN))[0]?.figures;
    const h1 = (await rollNodeHour(samples, T0 + HOUR_MS, MIN))[0]?.figures;
    // 50 min at 1000, then (69, 120] at 2000, its two lost scrapes bridged at the same value.
    expect((h0?.integral ?? 0) + (h1?.integral ?? 0)).toBe(1000 * 50 * 60 + 2000 * 51 * 60);
    expect((h0?.coveredMs ?? 0) + (h1?.coveredMs ?? 0)).toBe((50 + 51) * MIN);
  });
});
