import { AbsentSamples } from './absent-samples';
import { UsageEngine } from './usage-engine';

describe('AbsentSamples', () => {
  it('should read as a metric without a single sample: no pod, no total', async () => {
    const samples = new AbsentSamples('cpu/request');
    const engine = new UsageEngine({ samplesOf: async () => samples });
    const period = { from: new Date('2024-03-20T00:00:00Z'), to: new Date('2024-03-21T00:00:00Z') };
    const usage = await engine.usage(samples, period, {}, 60_000, { namespaces: true, total: true });
    expect(usage.pods).toEqual([]);
    expect(usage.namespaces.size).toBe(0);
    expect(await samples.sampleIntervals()).toEqual([]);
  });
});
