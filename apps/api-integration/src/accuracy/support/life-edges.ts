/**
 * What a request's samples may claim beyond a life, where the schema stores no uptime (Telegraf): a
 * life's first sample speaks for its whole step although the pod started inside it, its last for the
 * step it stopped in. Per pod (and namespace), one step of its request at each life edge inside the
 * period: the bound the accounting is held to there (docs/accounting.md §2).
 */
import { gpuDevicesOf } from '@kube-monitoring/contract';
import type { ClusterSimulator } from '@kube-monitoring/simulator';

export type EdgeAllowance = Partial<Record<'cpu_request_core_hours' | 'memory_request_gib_hours' | 'gpu_hours', number>>;

export function lifeEdgeAllowance(simulator: ClusterSimulator, from: string, to: string): { pods: Map<string, EdgeAllowance>; namespaces: Map<string, EdgeAllowance> } {
  const fromS = Date.parse(from) / 1000;
  const toS = Date.parse(to) / 1000;
  const stepHours = simulator.options.stepSeconds / 3600;
  const pods = new Map<string, EdgeAllowance>();
  const namespaces = new Map<string, EdgeAllowance>();
  const add = (map: Map<string, EdgeAllowance>, key: string, a: Required<EdgeAllowance>) => {
    const known = map.get(key) ?? {};
    for (const [f, v] of Object.entries(a) as [keyof EdgeAllowance, number][]) known[f] = (known[f] ?? 0) + v;
    map.set(key, known);
  };
  for (const life of simulator.lives({ from, to })) {
    // A step's worth at each edge inside the period, and a step around each edge near it.
    const edges = (life.start > fromS - simulator.options.stepSeconds ? 1 : 0) + (life.stop < toS + simulator.options.stepSeconds ? 1 : 0);
    if (edges === 0) continue;
    const cores = life.pod.containers.reduce((s, c) => s + c.requests.cpuMillicores, 0) / 1000;
    const gib = life.pod.containers.reduce((s, c) => s + c.requests.memoryBytes, 0) / 2 ** 30;
    const devices = life.pod.containers.reduce((s, c) => s + gpuDevicesOf(c.extendedRequests ?? {}), 0);
    const a = { cpu_request_core_hours: edges * stepHours * cores, memory_request_gib_hours: edges * stepHours * gib, gpu_hours: edges * stepHours * devices };
    add(pods, `${life.pod.namespace}/${life.pod.name}`, a);
    add(namespaces, life.pod.namespace, a);
  }
  return { pods, namespaces };
}

/**
 * What lost scrapes may cost what pods hold and the basis `max`: a lost scrape's window is billed
 * from its neighbour's sample (bridged), so a request or max(request, usage) that changes across it
 * is estimated there. Per pod and namespace, what those windows billed in truth (their whole value:
 * a bound, not an estimate). Nothing where no scrape was lost.
 */
export function lostScrapeAllowance(
  simulator: ClusterSimulator,
  from: string,
  to: string,
): { pods: Map<string, EdgeAllowance & MaxAllowance>; namespaces: Map<string, EdgeAllowance & MaxAllowance> } {
  const fromS = Date.parse(from) / 1000;
  const toS = Date.parse(to) / 1000;
  const pods = new Map<string, EdgeAllowance & MaxAllowance>();
  const namespaces = new Map<string, EdgeAllowance & MaxAllowance>();
  const add = (map: Map<string, EdgeAllowance & MaxAllowance>, key: string, a: Required<EdgeAllowance & MaxAllowance>) => {
    const known = map.get(key) ?? {};
    for (const [f, v] of Object.entries(a) as [keyof (EdgeAllowance & MaxAllowance), number][]) known[f] = (known[f] ?? 0) + v;
    map.set(key, known);
  };
  for (const frame of simulator.frames({ from: new Date(from), to: new Date(Date.parse(to) + 2 * simulator.options.stepSeconds * 1000) }, { nodes: false })) {
    for (const s of frame.pods) {
      if (!s.missing) continue;
      // The lost window and the one after it, whose sample speaks for both.
      const hours = Math.max(0, Math.min(s.time + s.windowSeconds, toS) - Math.max(s.time - s.windowSeconds, fromS)) / 3600;
      if (hours <= 0) continue;
      const devices = s.pod.containers.reduce((acc, c) => acc + gpuDevicesOf(c.extendedRequests ?? {}), 0);
      const a = {
        cpu_request_core_hours: (hours * s.cpuRequestMillicores) / 1000,
        memory_request_gib_hours: (hours * s.memoryRequestBytes) / 2 ** 30,
        gpu_hours: hours * devices,
        billed_cpu_core_hours: (hours * Math.max(s.cpuRequestMillicores, s.cpuMillicores)) / 1000,
        billed_memory_gib_hours: (hours * Math.max(s.memoryRequestBytes, s.memoryBytes)) / 2 ** 30,
      };
      add(pods, `${s.pod.namespace}/${s.pod.name}`, a);
      add(namespaces, s.pod.namespace, a);
    }
  }
  return { pods, namespaces };
}

export type MaxAllowance = Partial<Record<'billed_cpu_core_hours' | 'billed_memory_gib_hours', number>>;

/** Two allowances added per group. */
export function addAllowances<A extends Record<string, number | undefined>>(a: ReadonlyMap<string, A>, b: ReadonlyMap<string, A>): Map<string, A> {
  const out = new Map<string, A>();
  for (const map of [a, b]) {
    for (const [key, value] of map) {
      const known = { ...(out.get(key) ?? {}) } as Record<string, number>;
      for (const [f, v] of Object.entries(value)) known[f] = (known[f] ?? 0) + (v ?? 0);
      out.set(key, known as A);
    }
  }
  return out;
}
