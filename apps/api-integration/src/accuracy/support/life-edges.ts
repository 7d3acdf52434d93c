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
