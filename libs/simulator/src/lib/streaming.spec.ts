import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { at, hours, T0 } from '../testing/spec-helpers';
import { ClusterSimulator } from './cluster-simulator';
import { HeapsterWriter } from './heapster-writer';

/**
 * A collector for this spec: what the stream *retains* is measured after a collection, so the figure
 * does not depend on when V8 happens to collect (peak heap before GC varied from 0.2 to 1.3 GB).
 */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('ClusterSimulator streaming', () => {
  it('should stream 200 pods × 30 days at 60 s in batches, with memory far below the data size', () => {
    const sim = new ClusterSimulator({ profile: 'benchmark', seed: 101 });
    const period = { from: at(T0, -hours(24 * 30)), to: T0 };
    const running = new Set(sim.lives({ from: at(T0, -60), to: T0 }).map((l) => l.pod.name));
    // 200 replicas; at any moment a few are between two lives or overlap in a rollout.
    expect(running.size).toBeGreaterThan(190);
    expect(running.size).toBeLessThan(210);

    const writer = new HeapsterWriter({ metrics: ['cpu/usage_rate'], levels: ['pod'] });
    const gc = collector();
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakHeap = baseline;
    let lines = 0;
    let bytes = 0;
    let batches = 0;
    let largest = 0;
    for (const batch of sim.batches({ ...period, writer, batchSize: 5000 })) {
      batches++;
      lines += batch.lines.length;
      largest = Math.max(largest, batch.lines.length);
      for (const line of batch.lines) bytes += line.length + 1;
      if (batches % 200 === 0) {
        gc();
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }
    }

    const scrapes = 30 * 24 * 60;
    // Rollouts overlap for a minute or so and restarts leave gaps: close to one line per pod per scrape.
    expect(lines).toBeGreaterThan(0.97 * 200 * scrapes);
    expect(lines).toBeLessThan(1.03 * 200 * scrapes);
    expect(largest).toBe(5000);
    expect(bytes).toBeGreaterThan(1e9);
    // Keeping the lines would retain more than the gigabyte of text; the stream retains far below.
    expect(peakHeap - baseline).toBeLessThan(256 * 1024 * 1024);
  }, 300_000);
});
