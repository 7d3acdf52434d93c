import { createHash } from 'node:crypto';

import { METRIC_CATALOG } from '@kube-monitoring/contract';

import { addTo, at, hours, intValue, parsedLines, podKey, STEP, T0 } from '../testing/spec-helpers';
import { ClusterSimulator } from './cluster-simulator';
import { HeapsterWriter } from './heapster-writer';
import { parseLine } from './line-protocol';
import { CLUSTER_PROFILES } from './simulation-options';

const SIX_HOURS = { from: at(T0, -hours(6)), to: T0 };
const usageWriter = (levels: Array<'pod_container' | 'pod' | 'ns'>) => new HeapsterWriter({ metrics: ['cpu/usage_rate', 'memory/usage', 'gpu/usage'], levels });

function digest(sim: ClusterSimulator, options: Parameters<ClusterSimulator['batches']>[0]): string {
  const hash = createHash('sha256');
  for (const batch of sim.batches(options)) for (const line of batch.lines) hash.update(line + '\n');
  return hash.digest('hex');
}

describe(ClusterSimulator.name, () => {
  describe('determinism', () => {
    it('should produce identical lines for the same seed and different lines for another seed', () => {
      const options = { ...SIX_HOURS, writer: new HeapsterWriter() };
      const a = digest(new ClusterSimulator({ profile: 'tiny', seed: 1 }), options);
      const b = digest(new ClusterSimulator({ profile: 'tiny', seed: 1 }), { ...options, writer: new HeapsterWriter() });
      const c = digest(new ClusterSimulator({ profile: 'tiny', seed: 2 }), { ...options, writer: new HeapsterWriter() });
      expect(a).toBe(b);
      expect(a).not.toBe(c);
    });

    it.each([0, 7])('should give the same samples whatever the stream start (jitter %i s)', (jitterSeconds) => {
      const sim = new ClusterSimulator({ profile: 'tiny', seed: 3, adversarial: { jitterSeconds } });
      const writer = () => new HeapsterWriter({ metrics: ['cpu/usage', 'cpu/usage_rate', 'memory/usage', 'network/rx', 'uptime'] });
      const laterStart = at(T0, -hours(2));
      const whole = parsedLines(sim, { from: at(T0, -hours(8)), to: T0, writer: writer() })
        .filter((l) => l.timestamp !== undefined && l.timestamp >= BigInt(laterStart.getTime() / 1000))
        .map((l) => JSON.stringify(l, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
      const late = parsedLines(sim, { from: laterStart, to: T0, writer: writer() }).map((l) => JSON.stringify(l, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
      expect(late.length).toBeGreaterThan(1000);
      expect(late.sort()).toEqual(whole.sort());
    });
  });

  describe('line protocol', () => {
    const sim = new ClusterSimulator({ profile: 'tiny', seed: 5 });
    const seen = new Map<string, Set<string>>();
    const fieldTypes = new Map<string, Set<string>>();
    const tagSets = new Map<string, Set<string>>();
    let offGrid = 0;
    let total = 0;

    beforeAll(() => {
      // Working hours: jobs, GPU jobs and notebooks all run.
      for (const batch of sim.batches({ from: at(T0, -hours(18)), to: at(T0, -hours(6)), writer: new HeapsterWriter({ acceleratorMetrics: true }) })) {
        expect(batch.lines.length).toBeLessThanOrEqual(5000);
        for (const text of batch.lines) {
          const line = parseLine(text);
          total++;
          const type = line.tags['type'];
          if (!seen.has(line.measurement)) seen.set(line.measurement, new Set());
          seen.get(line.measurement)?.add(type);
          if (!fieldTypes.has(line.measurement)) fieldTypes.set(line.measurement, new Set());
          fieldTypes.get(line.measurement)?.add(line.fields['value'].type);
          tagSets.set(type, new Set([...(tagSets.get(type) ?? []), ...Object.keys(line.tags)]));
          if (line.timestamp === undefined || line.timestamp % BigInt(STEP) !== 0n) offGrid++;
        }
      }
    });

    it('should write every catalog metric at every level the catalog gives, and nowhere else', () => {
      for (const metric of METRIC_CATALOG) {
        expect([metric.name, [...(seen.get(metric.name) ?? [])].sort()]).toEqual([metric.name, [...metric.levels].sort()]);
      }
      expect(seen.get('accelerator/memory_used')).toEqual(new Set(['pod_container']));
    });

    it('should write integers except for ratios, per-second rates and node capacity/allocatable', () => {
      for (const metric of METRIC_CATALOG) {
        const float = ['ratio', 'per_second', 'bytes_per_second'].includes(metric.unit) || /node_(capacity|allocatable)$/.test(metric.name);
        expect([metric.name, [...(fieldTypes.get(metric.name) ?? [])]]).toEqual([metric.name, [float ? 'float' : 'int']]);
      }
    });

    it('should carry the Heapster tags of each level', () => {
      const tags = (type: string) => [...(tagSets.get(type) ?? [])].sort();
      expect(tags('pod_container')).toEqual(
        expect.arrayContaining(['cluster_name', 'container_base_image', 'container_name', 'labels', 'namespace_name', 'nodename', 'pod_name', 'type']),
      );
      expect(tags('pod')).toEqual(['cluster_name', 'labels', 'namespace_name', 'nodename', 'pod_name', 'resource_id', 'type']);
      expect(tags('ns')).toEqual(['cluster_name', 'namespace_name', 'type']);
      expect(tags('node')).toEqual(['cluster_name', 'labels', 'nodename', 'resource_id', 'type']);
      expect(tags('sys_container')).toEqual(['cluster_name', 'container_name', 'nodename', 'type']);
      expect(tags('cluster')).toEqual(['cluster_name', 'type']);
    });

    it('should put every timestamp on the 60 s grid', () => {
      expect(total).toBeGreaterThan(100_000);
      expect(offGrid).toBe(0);
    });
  });

  describe('ground truth', () => {
    const sim = new ClusterSimulator({ profile: 'tiny', seed: 11 });
    const period = { from: at(T0, -hours(12)), to: T0 };
    const truth = sim.groundTruth(period);
    // Samples with from < t ≤ to cover (from, to] exactly: stream one step later.
    const shifted = { from: at(period.from, STEP), to: at(period.to, STEP) };

    it('should equal Σ value × step of the container samples, exactly, per pod', () => {
      const sums = { cpu: new Map<string, number>(), mem: new Map<string, number>(), gpu: new Map<string, number>() };
      for (const line of parsedLines(sim, { ...shifted, writer: usageWriter(['pod_container']) })) {
        const target = line.measurement === 'cpu/usage_rate' ? sums.cpu : line.measurement === 'memory/usage' ? sums.mem : sums.gpu;
        addTo(target, podKey(line), intValue(line) * STEP);
      }
      expect(truth.pods.length).toBeGreaterThan(15);
      for (const pod of truth.pods) {
        const key = `${pod.namespace_name}/${pod.pod_name}`;
        expect([key, sums.cpu.get(key) ?? 0]).toEqual([key, pod.cpuMillicoreSeconds]);
        expect([key, sums.mem.get(key) ?? 0]).toEqual([key, pod.memoryByteSeconds]);
        expect([key, sums.gpu.get(key) ?? 0]).toEqual([key, pod.gpuMegabyteSeconds]);
      }
      expect(truth.pods.some((p) => p.gpuMegabyteSeconds > 0)).toBe(true);
    });

    it('should equal Σ value × step of the pod series and of the namespace series', () => {
      const podCpu = new Map<string, number>();
      const nsCpu = new Map<string, number>();
      for (const line of parsedLines(sim, { ...shifted, writer: usageWriter(['pod', 'ns']) })) {
        if (line.measurement !== 'cpu/usage_rate') continue;
        if (line.tags['type'] === 'pod') addTo(podCpu, podKey(line), intValue(line) * STEP);
        else addTo(nsCpu, line.tags['namespace_name'], intValue(line) * STEP);
      }
      for (const pod of truth.pods) expect(podCpu.get(`${pod.namespace_name}/${pod.pod_name}`) ?? 0).toBe(pod.cpuMillicoreSeconds);
      for (const ns of truth.namespaces) expect(nsCpu.get(ns.namespace_name) ?? 0).toBe(ns.cpuMillicoreSeconds);
      expect(truth.namespaces.map((n) => n.namespace_name)).toEqual(expect.arrayContaining(['cluster-3', 'default', 'kube-system']));
    });

    it('should count the samples and find the peaks a reader of the pod series finds', () => {
      const count = new Map<string, number>();
      const peak = new Map<string, number>();
      for (const line of parsedLines(sim, { ...period, writer: new HeapsterWriter({ metrics: ['cpu/usage_rate'], levels: ['pod'] }) })) {
        addTo(count, podKey(line), 1);
        peak.set(podKey(line), Math.max(peak.get(podKey(line)) ?? 0, intValue(line)));
      }
      for (const pod of truth.pods) {
        const key = `${pod.namespace_name}/${pod.pod_name}`;
        expect([key, pod.samples, pod.peakCpuMillicores]).toEqual([key, count.get(key) ?? 0, peak.get(key) ?? 0]);
      }
    });

    it('should give core-hours, GiB-hours and GPU GB-hours', () => {
      const pod = truth.pods[0];
      expect(pod.cpuCoreHours).toBeCloseTo(pod.cpuMillicoreSeconds / 1000 / 3600, 12);
      expect(pod.memoryGibHours).toBeCloseTo(pod.memoryByteSeconds / 2 ** 30 / 3600, 12);
      expect(pod.gpuMemoryGbHours).toBeCloseTo(pod.gpuMegabyteSeconds / 1000 / 3600, 12);
    });

    it('should keep pods with the same name in different namespaces apart', () => {
      const twins = truth.pods.filter((p) => p.pod_name === 'postgres-0');
      expect(twins.map((p) => p.namespace_name).sort()).toEqual(['cluster-3', 'default']);
      expect(twins[0].cpuMillicoreSeconds).not.toBe(twins[1].cpuMillicoreSeconds);
    });
  });

  describe('restarts and counters', () => {
    const sim = new ClusterSimulator({ profile: { ...CLUSTER_PROFILES.tiny, restartsPerPodPerDay: 0.9 }, seed: 13 });
    const period = { from: at(T0, -hours(24)), to: T0 };
    const truth = sim.groundTruth(period);
    const restarted = truth.pods.filter((p) => p.lives >= 2);

    it('should restart pods under the same name after a gap of more than two steps', () => {
      expect(restarted.length).toBeGreaterThan(3);
      const target = restarted[0];
      const times: number[] = [];
      const uptimes: number[] = [];
      for (const frame of sim.frames(period, { nodes: false })) {
        for (const pod of frame.pods) {
          if (pod.pod.namespace === target.namespace_name && pod.pod.name === target.pod_name) {
            times.push(frame.time);
            uptimes.push(pod.uptimeMs);
          }
        }
      }
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      const resets = uptimes.slice(1).filter((u, i) => u < uptimes[i]).length;
      expect(Math.max(...gaps)).toBeGreaterThan(2 * STEP);
      expect(resets).toBe(target.lives - 1);
    });

    it('should reset counters on restart, and their increase (resets handled) should equal the truth', () => {
      const writer = new HeapsterWriter({ metrics: ['cpu/usage', 'network/rx'], levels: ['pod'] });
      const from = BigInt(period.from.getTime() / 1000);
      const last = new Map<string, bigint>();
      const increase = new Map<string, bigint>();
      let resets = 0;
      // Samples with from ≤ t ≤ to: the one at `from` is only the baseline of (from, to].
      for (const line of parsedLines(sim, { from: period.from, to: at(period.to, 1), writer })) {
        const key = `${line.measurement} ${podKey(line)}`;
        const value = line.fields['value'].value as bigint;
        const previous = last.get(key);
        last.set(key, value);
        if (line.timestamp === from) continue;
        // A drop means the counter restarted from zero with a new life.
        if (previous !== undefined && value < previous) resets++;
        const delta = previous === undefined || value < previous ? value : value - previous;
        increase.set(key, (increase.get(key) ?? 0n) + delta);
      }
      expect(resets).toBeGreaterThanOrEqual(restarted.length);
      for (const pod of truth.pods) {
        const name = `${pod.namespace_name}/${pod.pod_name}`;
        expect([name, increase.get(`cpu/usage ${name}`) ?? 0n]).toEqual([name, pod.counters.cpuUsageNanoseconds]);
        expect([name, increase.get(`network/rx ${name}`) ?? 0n]).toEqual([name, BigInt(pod.counters.networkRxBytes)]);
      }
    });
  });

  describe('adversarial datasets', () => {
    it('should stay within half a sample per container of the truth with jittered scrapes', () => {
      const jitterSeconds = 8;
      const sim = new ClusterSimulator({ profile: 'tiny', seed: 17, adversarial: { jitterSeconds } });
      const period = { from: at(T0, -hours(12)), to: T0 };
      const truth = sim.groundTruth(period);
      const sums = new Map<string, number>();
      const containers = new Map<string, number>();
      let offGrid = 0;
      const complete = new Set<string>();
      const partial = new Set<string>();
      for (const life of sim.lives(period)) {
        const key = `${life.pod.namespace}/${life.pod.name}`;
        const inside = life.start >= period.from.getTime() / 1000 && life.stop + 2 * STEP <= period.to.getTime() / 1000;
        (inside ? complete : partial).add(key);
      }
      for (const frame of sim.frames({ from: period.from, to: at(period.to, 2 * STEP) }, { nodes: false })) {
        if (frame.time % STEP !== 0) offGrid++;
        for (const pod of frame.pods) {
          const key = `${pod.pod.namespace}/${pod.pod.name}`;
          addTo(sums, key, pod.cpuMillicores * pod.windowSeconds);
          containers.set(key, pod.containers.length);
        }
      }
      expect(offGrid).toBeGreaterThan(0);
      const bound = (key: string) => ((containers.get(key) ?? 1) * (STEP + 2 * jitterSeconds)) / 2;
      let checked = 0;
      for (const pod of truth.pods) {
        const key = `${pod.namespace_name}/${pod.pod_name}`;
        if (!complete.has(key) || partial.has(key)) continue;
        expect(Math.abs((sums.get(key) ?? 0) - pod.cpuMillicoreSeconds)).toBeLessThanOrEqual(bound(key));
        checked++;
      }
      expect(checked).toBeGreaterThan(5);
    });

    it('should drop missing samples from the data and from the sample counts, not from the integrals', () => {
      const clean = new ClusterSimulator({ profile: 'tiny', seed: 19 });
      const lossy = new ClusterSimulator({ profile: 'tiny', seed: 19, adversarial: { missingFraction: 0.1 } });
      const writer = () => new HeapsterWriter({ metrics: ['cpu/usage_rate'], levels: ['pod'] });
      const cleanLines = parsedLines(clean, { ...SIX_HOURS, writer: writer() });
      const lossyLines = parsedLines(lossy, { ...SIX_HOURS, writer: writer() });
      const lost = 1 - lossyLines.length / cleanLines.length;
      expect(lost).toBeGreaterThan(0.05);
      expect(lost).toBeLessThan(0.15);
      const truth = lossy.groundTruth(SIX_HOURS);
      const counts = new Map<string, number>();
      for (const line of lossyLines) addTo(counts, podKey(line), 1);
      for (const pod of truth.pods) expect(pod.samples).toBe(counts.get(`${pod.namespace_name}/${pod.pod_name}`) ?? 0);
      expect(truth.pods.map((p) => p.cpuMillicoreSeconds)).toEqual(clean.groundTruth(SIX_HOURS).pods.map((p) => p.cpuMillicoreSeconds));
    });

    it('should deliver late samples later, newest first, and lose none', () => {
      const writer = () => new HeapsterWriter({ metrics: ['cpu/usage_rate', 'memory/usage'] });
      const onTime = new ClusterSimulator({ profile: 'tiny', seed: 23 });
      const withLate = new ClusterSimulator({ profile: 'tiny', seed: 23, adversarial: { lateFraction: 0.2, lateDelayScrapes: 10 } });
      const expected = [...onTime.batches({ ...SIX_HOURS, writer: writer() })].flatMap((b) => b.lines);
      const received: string[] = [];
      let newestSoFar = 0n;
      let lateBatches = 0;
      let outOfOrder = 0;
      for (const batch of withLate.batches({ ...SIX_HOURS, writer: writer() })) {
        const times = batch.lines.map((l) => parseLine(l).timestamp ?? 0n);
        if (batch.late) {
          lateBatches++;
          // Nothing in a late batch is newer than what was already delivered.
          expect(times.every((t) => t <= newestSoFar)).toBe(true);
          outOfOrder += times.slice(1).filter((t, i) => t < times[i]).length;
        }
        for (const t of times) if (t > newestSoFar) newestSoFar = t;
        received.push(...batch.lines);
      }
      expect(lateBatches).toBeGreaterThan(0);
      expect(outOfOrder).toBeGreaterThan(0);
      expect(received.sort()).toEqual(expected.sort());
    });

    it('should write only container series for container-only pods', () => {
      const sim = new ClusterSimulator({ profile: 'tiny', seed: 29, adversarial: { containerOnlyFraction: 1 } });
      const lines = parsedLines(sim, { ...SIX_HOURS, writer: usageWriter(['pod_container', 'pod', 'ns']) });
      const types = new Set(lines.map((l) => l.tags['type']));
      expect(types).toEqual(new Set(['pod_container', 'ns']));
    });

    it('should split gpu/usage into per-device accelerator/memory_used bytes', () => {
      const sim = new ClusterSimulator({ profile: 'tiny', seed: 31 });
      const writer = new HeapsterWriter({ metrics: ['gpu/usage', 'accelerator/memory_used'], levels: ['pod_container'], acceleratorMetrics: true });
      const megabytes = new Map<string, bigint>();
      const bytes = new Map<string, bigint>();
      const devices = new Map<string, Set<string>>();
      for (const line of parsedLines(sim, { ...SIX_HOURS, writer })) {
        const key = `${podKey(line)}/${line.tags['container_name']}@${line.timestamp}`;
        const value = line.fields['value'].value as bigint;
        if (line.measurement === 'gpu/usage') megabytes.set(key, value);
        else {
          bytes.set(key, (bytes.get(key) ?? 0n) + value);
          devices.set(key, new Set([...(devices.get(key) ?? []), line.tags['accelerator_id']]));
          expect(line.tags['make']).toBe('nvidia');
        }
      }
      expect(megabytes.size).toBeGreaterThan(100);
      for (const [key, mb] of megabytes) expect(bytes.get(key)).toBe(mb * 1_000_000n);
      expect(Math.max(...[...devices.values()].map((d) => d.size))).toBeGreaterThanOrEqual(1);
    });
  });

  describe('live mode', () => {
    const sim = new ClusterSimulator({ profile: 'tiny', seed: 37 });
    const streamed = (from: Date, to: Date) => [...sim.batches({ from, to })].flatMap((b) => b.lines).sort();

    it('should return the latest scrape once, with the same values as the stream', () => {
      const feed = sim.liveFeed();
      const now = new Date('2024-03-19T10:00:30Z');
      const live = feed.samplesAt(now);
      expect(live.time.toISOString()).toBe('2024-03-19T10:00:00.000Z');
      expect(live.lines.length).toBeGreaterThan(500);
      expect([...live.lines].sort()).toEqual(streamed(live.time, at(live.time, 1)));
      expect(feed.samplesAt(at(now, 20)).lines).toEqual([]);
      const next = feed.samplesAt(at(now, 60));
      expect(next.time.toISOString()).toBe('2024-03-19T10:01:00.000Z');
      expect([...next.lines].sort()).toEqual(streamed(next.time, at(next.time, 1)));
    });

    it('should also return the scrapes skipped by a late call', () => {
      const feed = sim.liveFeed();
      const now = new Date('2024-03-19T12:00:10Z');
      feed.samplesAt(now);
      const late = feed.samplesAt(at(now, 150));
      expect(late.frames.map((f) => new Date(f.time * 1000).toISOString())).toEqual(['2024-03-19T12:01:00.000Z', '2024-03-19T12:02:00.000Z']);
      expect([...late.lines].sort()).toEqual(streamed(at(now, 50), at(now, 111)));
    });
  });
});
