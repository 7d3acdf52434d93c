/**
 * Options of a simulation: the cluster profile (how big, how busy) and the adversarial knobs used to
 * build accuracy datasets (jitter, missing and late samples, pods without a pod-level series).
 */

export interface ClusterProfile {
  /** Worker nodes without GPUs. */
  cpuNodes: number;
  /** Nodes with GPUs (4 devices each). */
  gpuNodes: number;
  /** Lab/team/course namespaces besides `default`, `kube-system` and `cluster-3`. */
  teamNamespaces: readonly string[];
  /** Long-running pods (deployment and statefulset replicas), spread over the namespaces. */
  servicePods: number;
  /** Short CPU jobs started per day (each a new pod, minutes to hours long). */
  batchJobsPerDay: number;
  /** GPU training jobs started per day (each a new pod on a GPU node, hours long). */
  gpuJobsPerDay: number;
  /** Notebook users per course/lab namespace; each may run one `jupyter-<user>` session a day. */
  notebookUsers: number;
  /** Average restarts per long-running pod per day (stop, gap, same pod name again). */
  restartsPerPodPerDay: number;
  /** Whether the kube-system daemon pods (kube-proxy, coredns, …) run. */
  systemPods: boolean;
  /**
   * The GPU-sharing nodes and their pods: `gpu-mig-node-1` (one A100 80 GB in MIG instances) and
   * `gpu-shared-node-1` (two H100 shared by HAMi).
   */
  sharedGpuNodes: boolean;
  /** Replicas of `toolbox`, a BestEffort deployment (no requests, no limits) in `default`. */
  bestEffortPods: number;
}

export interface AdversarialOptions {
  /** Scrape times move by up to ± this many whole seconds (must be below step/2). Default 0. */
  jitterSeconds?: number;
  /** Share of pod and node scrapes that are lost (all series of that pod or node at that time). Default 0. */
  missingFraction?: number;
  /** Share of pod and node scrapes delivered late, in a separate batch, out of order. Default 0. */
  lateFraction?: number;
  /** How many scrapes later late samples arrive. Default 30. */
  lateDelayScrapes?: number;
  /** Share of pods written with container series only (no `type=pod` series). Default 0. */
  containerOnlyFraction?: number;
}

export interface SimulationOptions {
  /** Seed of every random choice: same seed, same cluster, same samples. Default 42. */
  seed?: number;
  /** Resolution of the grid in seconds (Heapster's default 60). */
  stepSeconds?: number;
  /** A named profile or a profile override on top of `demo`. */
  profile?: ProfileName | Partial<ClusterProfile>;
  adversarial?: AdversarialOptions;
}

export type ProfileName = keyof typeof CLUSTER_PROFILES;

export const CLUSTER_PROFILES = {
  /** A small lab cluster: what `npm run demo` seeds. */
  demo: {
    cpuNodes: 4,
    gpuNodes: 2,
    teamNamespaces: ['lab-vision', 'lab-nlp', 'team-web', 'course-ml'],
    servicePods: 16,
    batchJobsPerDay: 24,
    gpuJobsPerDay: 8,
    notebookUsers: 6,
    restartsPerPodPerDay: 0.1,
    systemPods: true,
    sharedGpuNodes: true,
    bestEffortPods: 2,
  },
  /** Tiny and quick, for unit tests. */
  tiny: {
    cpuNodes: 2,
    gpuNodes: 1,
    teamNamespaces: ['lab-vision'],
    servicePods: 4,
    batchJobsPerDay: 12,
    gpuJobsPerDay: 6,
    notebookUsers: 2,
    restartsPerPodPerDay: 0.5,
    systemPods: true,
    sharedGpuNodes: true,
    bestEffortPods: 1,
  },
  /** Benchmark size: 200 long-running pods, no churn. */
  benchmark: {
    cpuNodes: 10,
    gpuNodes: 2,
    teamNamespaces: ['lab-vision', 'lab-nlp', 'team-web', 'team-data', 'course-ml'],
    servicePods: 200,
    batchJobsPerDay: 0,
    gpuJobsPerDay: 0,
    notebookUsers: 0,
    restartsPerPodPerDay: 0.05,
    systemPods: false,
    sharedGpuNodes: false,
    bestEffortPods: 0,
  },
} as const satisfies Record<string, ClusterProfile>;

export interface ResolvedOptions {
  seed: number;
  stepSeconds: number;
  profile: ClusterProfile;
  jitterSeconds: number;
  missingFraction: number;
  lateFraction: number;
  lateDelayScrapes: number;
  containerOnlyFraction: number;
}

export function resolveOptions(options: SimulationOptions = {}): ResolvedOptions {
  const profile: ClusterProfile = typeof options.profile === 'string' ? profileByName(options.profile) : { ...CLUSTER_PROFILES.demo, ...(options.profile ?? {}) };
  const stepSeconds = options.stepSeconds ?? 60;
  const adversarial = options.adversarial ?? {};
  const resolved: ResolvedOptions = {
    seed: (options.seed ?? 42) >>> 0,
    stepSeconds,
    profile,
    jitterSeconds: adversarial.jitterSeconds ?? 0,
    missingFraction: adversarial.missingFraction ?? 0,
    lateFraction: adversarial.lateFraction ?? 0,
    lateDelayScrapes: adversarial.lateDelayScrapes ?? 30,
    containerOnlyFraction: adversarial.containerOnlyFraction ?? 0,
  };
  validate(resolved);
  return resolved;
}

function profileByName(name: string): ClusterProfile {
  if (!Object.prototype.hasOwnProperty.call(CLUSTER_PROFILES, name)) {
    throw new Error(`unknown profile "${name}"; known: ${Object.keys(CLUSTER_PROFILES).join(', ')}`);
  }
  return CLUSTER_PROFILES[name as ProfileName];
}

function validate(o: ResolvedOptions): void {
  const fail = (message: string): never => {
    throw new RangeError(message);
  };
  if (!Number.isInteger(o.stepSeconds) || o.stepSeconds < 5) fail(`stepSeconds must be an integer ≥ 5, got ${o.stepSeconds}`);
  if (!Number.isInteger(o.jitterSeconds) || o.jitterSeconds < 0 || 2 * o.jitterSeconds >= o.stepSeconds) {
    fail(`jitterSeconds must be a whole number below stepSeconds/2, got ${o.jitterSeconds}`);
  }
  for (const [name, value] of [
    ['missingFraction', o.missingFraction],
    ['lateFraction', o.lateFraction],
    ['containerOnlyFraction', o.containerOnlyFraction],
  ] as const) {
    if (!(value >= 0 && value <= 1)) fail(`${name} must be within [0, 1], got ${value}`);
  }
  if (o.missingFraction + o.lateFraction > 1) fail('missingFraction + lateFraction must not exceed 1');
  if (!Number.isInteger(o.lateDelayScrapes) || o.lateDelayScrapes < 1) fail('lateDelayScrapes must be a positive integer');
  const p = o.profile;
  if (p.cpuNodes + p.gpuNodes < 1) fail('the profile needs at least one node');
  if (p.cpuNodes < 1 && p.servicePods + p.batchJobsPerDay > 0) fail('CPU workloads need at least one cpu node');
  if (!Number.isInteger(p.bestEffortPods) || p.bestEffortPods < 0) fail(`bestEffortPods must be a whole number ≥ 0, got ${p.bestEffortPods}`);
}
