/**
 * Walks the scrape schedule and yields one frame per scrape: every pod that has a sample then, the
 * nodes, the namespace sums and the cluster sum. Memory is bounded by the pods alive at a time.
 */
import type { ClusterModel, PodLife } from './cluster-model';
import { livesBetween } from './cluster-model';
import type { SamplerContext } from './container-set-sampler';
import { NodeSampler } from './node-sampler';
import { PodSampler, type DeliveryOptions } from './pod-sampler';
import { addToAggregate, emptyAggregate, type NamespaceSample, type PodSample, type ScrapeFrame } from './samples';

/** Scrapes looked ahead at once when searching for lives that start. */
const CHUNK_SCRAPES = 60;

export interface EngineOptions {
  /** Compute node samples (the ground truth does not need them). Default true. */
  nodes?: boolean;
}

export class ScrapeEngine {
  constructor(
    private readonly ctx: SamplerContext,
    private readonly model: ClusterModel,
    private readonly delivery: DeliveryOptions,
  ) {}

  /** Frames for scrape indices firstIndex ≤ k < endIndex, in order. */
  *frames(firstIndex: number, endIndex: number, options: EngineOptions = {}): Generator<ScrapeFrame> {
    const { schedule } = this.ctx;
    const withNodes = options.nodes ?? true;
    const active = new Map<string, PodSampler>();
    const known = new Set<string>();
    let pending: Array<{ life: PodLife; firstIndex: number }> = [];
    const nodeSamplers = withNodes ? this.model.nodes.map((n) => new NodeSampler(this.ctx, this.model, n, this.delivery)) : [];

    for (let chunk = firstIndex; chunk < endIndex; chunk += CHUNK_SCRAPES) {
      const chunkEnd = Math.min(endIndex, chunk + CHUNK_SCRAPES);
      // Lives with a sample in [chunk, chunkEnd) are exactly those overlapping (t_{chunk-1}, t_{chunkEnd-1}].
      const found = livesBetween(this.model, schedule.time(chunk - 1), schedule.time(chunkEnd - 1));
      for (const life of found) {
        if (known.has(life.id)) continue;
        pending.push({ life, firstIndex: schedule.firstAfter(life.start) });
      }
      // Only lives still running can show up again in the next chunk.
      known.clear();
      for (const life of found) known.add(life.id);

      for (let k = chunk; k < chunkEnd; k++) {
        const time = schedule.time(k);
        if (pending.length > 0) {
          pending = pending.filter(({ life, firstIndex: first }) => {
            if (first > k) return true;
            const sampler = new PodSampler(this.ctx, life, k, this.delivery);
            if (sampler.lastIndex >= k) active.set(life.id, sampler);
            return false;
          });
        }

        const pods: PodSample[] = [];
        for (const [id, sampler] of active) {
          pods.push(sampler.sample(k, time));
          if (sampler.lastIndex === k) active.delete(id);
        }
        yield this.frame(k, time, pods, nodeSamplers);
      }
    }
  }

  private frame(index: number, time: number, pods: PodSample[], nodeSamplers: NodeSampler[]): ScrapeFrame {
    const byNamespace = new Map<string, NamespaceSample>();
    const cluster = { kind: 'cluster' as const, index, time, ...emptyAggregate() };
    for (const pod of pods) {
      const ns = pod.pod.namespace;
      let sample = byNamespace.get(ns);
      if (!sample) {
        sample = { kind: 'ns', index, time, namespace: ns, ...emptyAggregate() };
        byNamespace.set(ns, sample);
      }
      addToAggregate(sample, pod);
      addToAggregate(cluster, pod);
    }
    const namespaces = [...byNamespace.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : 1));
    const nodes = nodeSamplers.map((sampler) =>
      sampler.sample(
        index,
        time,
        pods.filter((p) => p.pod.node.id === sampler.node.id),
      ),
    );
    return { index, time, pods, nodes, namespaces, cluster: pods.length > 0 ? cluster : undefined };
  }
}
