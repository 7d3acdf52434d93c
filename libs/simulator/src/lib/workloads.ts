/**
 * Workloads produce pod lives as pure functions of time, so any period can be asked for without
 * replaying the past: replicated services (deployment, statefulset, daemonset) with rollouts and
 * restarts, job streams (CPU and GPU jobs), and notebook pools (same pod name on different days).
 */
import type { NodeSpec, PodLife, PodSpec, Workload, WorkloadKind } from './cluster-model';
import { overlaps } from './cluster-model';
import { hash32, hashUnit, stringHash, suffixFrom } from './prng';

const DAY = 86_400;
const HOUR = 3_600;
const SALT_RESTART = 51;
const SALT_RESTART_AT = 52;
const SALT_GAP = 53;
const SALT_NODE = 54;
const SALT_CONTAINER_ONLY = 55;
const SALT_JOBS = 56;
const SALT_DELAY = 57;
const SALT_SESSION = 58;

/**
 * Builds the containers, network and volume of a pod instance from its uid; `slot` is the replica
 * index where there is one (a pod pinned to one MIG instance by its ordinal).
 */
export type PodTemplate = (uid: number, slot?: number) => Pick<PodSpec, 'containers' | 'network' | 'volume' | 'labels'>;

export interface WorkloadContext {
  seed: number;
  stepSeconds: number;
  containerOnlyFraction: number;
}

function podSpec(ctx: WorkloadContext, namespace: string, name: string, kind: WorkloadKind, node: NodeSpec, template: PodTemplate, uidSalt = 0, slot?: number): PodSpec {
  const uid = hash32(ctx.seed, stringHash(`${namespace}/${name}`), uidSalt);
  const parts = template(uid, slot);
  return {
    uid,
    namespace,
    name,
    node,
    kind,
    labels: parts.labels,
    containers: parts.containers,
    network: parts.network,
    volume: parts.volume,
    withPodSeries: hashUnit(ctx.seed, uid, SALT_CONTAINER_ONLY) >= ctx.containerOnlyFraction,
  };
}

/** Gap between two lives of the same pod: always more than two steps, so it reads as "stopped". */
function restartGap(ctx: WorkloadContext, entity: number, salt: number): number {
  return 3 * ctx.stepSeconds + 7 + Math.floor(hashUnit(ctx.seed, entity, SALT_GAP, salt) * 15 * 60);
}

/**
 * Splits [start, stop) at the restarts drawn for each day: the pod stops at a random second and comes back
 * (same name) after a gap. Days are absolute, so the same restart is found from any query window.
 */
function splitByRestarts(ctx: WorkloadContext, entity: number, start: number, stop: number, restartsPerDay: number): Array<[number, number]> {
  const lives: Array<[number, number]> = [];
  const margin = 10 * ctx.stepSeconds;
  let lifeStart = start;
  if (restartsPerDay > 0) {
    for (let day = Math.floor(start / DAY); day * DAY < stop; day++) {
      if (hashUnit(ctx.seed, entity, SALT_RESTART, day) >= restartsPerDay) continue;
      const at = day * DAY + Math.floor(hashUnit(ctx.seed, entity, SALT_RESTART_AT, day) * DAY);
      const gap = restartGap(ctx, entity, day);
      if (at < lifeStart + margin || at + gap + margin > stop) continue;
      lives.push([lifeStart, at]);
      lifeStart = at + gap;
    }
  }
  lives.push([lifeStart, stop]);
  return lives;
}

export interface ReplicatedWorkloadSpec {
  namespace: string;
  app: string;
  kind: 'deployment' | 'statefulset' | 'daemonset' | 'system';
  replicas: number;
  /** Candidate nodes; a daemonset runs one replica on each. */
  nodes: readonly NodeSpec[];
  template: PodTemplate;
  /** A new generation (rollout) every period; statefulset pods keep their names across it. */
  rolloutPeriodSeconds: number;
  rolloutPhaseSeconds: number;
  restartsPerDay: number;
  /**
   * Deployments only. `RollingUpdate` (default): the new pod starts before the old one stops.
   * `Recreate`: the old one stops at the rollout, the new one starts seconds later (what a pod holding
   * a GPU share needs: the share is not there twice).
   */
  strategy?: 'RollingUpdate' | 'Recreate';
}

/** Deployments, statefulsets and daemonsets: replicas that live for a rollout period, restarting now and then. */
export class ReplicatedWorkload implements Workload {
  readonly namespace: string;
  readonly maxLifeSeconds: number;
  private readonly appHash: number;

  constructor(
    private readonly ctx: WorkloadContext,
    private readonly spec: ReplicatedWorkloadSpec,
  ) {
    this.namespace = spec.namespace;
    this.appHash = hash32(ctx.seed, stringHash(`${spec.namespace}/${spec.app}`));
    // A deployment's old pod outlives the rollout by up to 90 s.
    this.maxLifeSeconds = spec.rolloutPeriodSeconds + 120;
  }

  get replicas(): number {
    return this.spec.kind === 'daemonset' ? this.spec.nodes.length : this.spec.replicas;
  }

  collectLives(a: number, b: number, out: PodLife[]): void {
    const { rolloutPeriodSeconds: period, rolloutPhaseSeconds: phase } = this.spec;
    const firstGeneration = Math.floor((a - phase - this.maxLifeSeconds) / period);
    const lastGeneration = Math.floor((b - phase) / period);
    for (let replica = 0; replica < this.replicas; replica++) {
      for (let g = firstGeneration; g <= lastGeneration; g++) {
        for (const life of this.generationLives(replica, g)) if (overlaps(life, a, b)) out.push(life);
      }
    }
  }

  private generationLives(replica: number, generation: number): PodLife[] {
    const { ctx, spec } = this;
    const g0 = spec.rolloutPhaseSeconds + generation * spec.rolloutPeriodSeconds;
    const g1 = g0 + spec.rolloutPeriodSeconds;
    const entity = hash32(ctx.seed, this.appHash, replica, generation);
    let name: string;
    let start: number;
    let stop: number;
    if (spec.kind === 'statefulset') {
      // Same name every generation: the pod is deleted, then recreated after a gap.
      name = `${spec.app}-${replica}`;
      start = g0 + restartGap(ctx, entity, -1);
      stop = g1;
    } else {
      const delay = 5 + Math.floor(hashUnit(ctx.seed, entity, SALT_DELAY) * 40);
      const overlap = 30 + Math.floor(hashUnit(ctx.seed, entity, SALT_DELAY, 1) * 60);
      name =
        spec.kind === 'deployment' ? `${spec.app}-${suffixFrom(hash32(ctx.seed, this.appHash, generation), 10)}-${suffixFrom(entity, 5)}` : `${spec.app}-${suffixFrom(entity, 5)}`;
      start = g0 + delay;
      stop = spec.kind === 'deployment' && spec.strategy === 'Recreate' ? g1 : g1 + overlap;
    }
    const node =
      spec.kind === 'daemonset'
        ? spec.nodes[replica]
        : spec.kind === 'statefulset'
          ? spec.nodes[hash32(ctx.seed, this.appHash, replica, SALT_NODE) % spec.nodes.length]
          : spec.nodes[hash32(ctx.seed, entity, SALT_NODE) % spec.nodes.length];
    // Statefulset pods get a fresh identity per generation too (new uid), like a recreated pod.
    const pod = podSpec(ctx, spec.namespace, name, spec.kind, node, spec.template, generation, replica);
    return splitByRestarts(ctx, entity, start, stop, spec.restartsPerDay).map(([s, e], i) => ({
      id: `${spec.namespace}/${name}#g${generation}.${i}`,
      pod,
      start: s,
      stop: e,
    }));
  }
}

export interface JobStreamSpec {
  namespace: string;
  kind: 'batch-job' | 'gpu-job';
  prefixes: readonly string[];
  jobsPerDay: number;
  minSeconds: number;
  maxSeconds: number;
  nodes: readonly NodeSpec[];
  template: PodTemplate;
}

/** Jobs: each a new pod that starts at a random second of an hour and runs once; more during the day. */
export class JobStreamWorkload implements Workload {
  readonly namespace: string;
  readonly maxLifeSeconds: number;
  private readonly streamHash: number;

  constructor(
    private readonly ctx: WorkloadContext,
    private readonly spec: JobStreamSpec,
  ) {
    this.namespace = spec.namespace;
    this.maxLifeSeconds = spec.maxSeconds;
    this.streamHash = hash32(ctx.seed, stringHash(`${spec.namespace}/${spec.kind}`));
  }

  collectLives(a: number, b: number, out: PodLife[]): void {
    if (this.spec.jobsPerDay <= 0) return;
    const { ctx, spec } = this;
    for (let slot = Math.floor((a - this.maxLifeSeconds) / HOUR); slot * HOUR < b; slot++) {
      const hourOfDay = ((slot % 24) + 24) % 24;
      const daytime = 0.4 + 1.2 * (0.5 + 0.5 * Math.cos((2 * Math.PI * (hourOfDay + 0.5 - 14)) / 24));
      const expected = (spec.jobsPerDay / 24) * daytime;
      const count = Math.floor(expected) + (hashUnit(ctx.seed, this.streamHash, SALT_JOBS, slot) < expected % 1 ? 1 : 0);
      for (let j = 0; j < count; j++) {
        const entity = hash32(ctx.seed, this.streamHash, slot, j);
        const start = slot * HOUR + Math.floor(hashUnit(ctx.seed, entity, 1) * HOUR);
        const duration = spec.minSeconds + Math.floor(hashUnit(ctx.seed, entity, 2) * (spec.maxSeconds - spec.minSeconds));
        const life = { start, stop: start + duration };
        if (!overlaps(life, a, b)) continue;
        const prefix = spec.prefixes[hash32(ctx.seed, entity, 3) % spec.prefixes.length];
        const name = `${prefix}-${suffixFrom(entity, 5)}`;
        const node = spec.nodes[hash32(ctx.seed, entity, SALT_NODE) % spec.nodes.length];
        const pod = podSpec(ctx, spec.namespace, name, spec.kind, node, spec.template);
        out.push({ id: `${spec.namespace}/${name}#h${slot}.${j}`, pod, ...life });
      }
    }
  }
}

export interface SerialJobSpec {
  namespace: string;
  kind: 'batch-job' | 'gpu-job';
  /** Pod names are `<prefix>-<id>`. */
  prefix: string;
  /** One job per period, inside it: jobs never overlap (one device, one job at a time). */
  periodSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  node: NodeSpec;
  template: PodTemplate;
}

/** Jobs kept this far from their period's edges (the period's multiples are whole hours of the day). */
const SERIAL_MARGIN_SECONDS = 10 * 60;

/**
 * A queue of long jobs on one device (a MIG instance): in each period one job, starting 10 to ~80
 * minutes after the period starts and ending before it ends, so the next never starts early.
 */
export class SerialJobWorkload implements Workload {
  readonly namespace: string;
  readonly maxLifeSeconds: number;
  private readonly streamHash: number;

  constructor(
    private readonly ctx: WorkloadContext,
    private readonly spec: SerialJobSpec,
  ) {
    if (spec.maxSeconds + 2 * SERIAL_MARGIN_SECONDS > spec.periodSeconds || spec.minSeconds > spec.maxSeconds) {
      throw new RangeError(`serial jobs of ${spec.minSeconds}–${spec.maxSeconds} s do not fit a period of ${spec.periodSeconds} s`);
    }
    this.namespace = spec.namespace;
    this.maxLifeSeconds = spec.maxSeconds;
    this.streamHash = hash32(ctx.seed, stringHash(`${spec.namespace}/${spec.prefix}`));
  }

  collectLives(a: number, b: number, out: PodLife[]): void {
    const { ctx, spec } = this;
    const room = spec.periodSeconds - spec.maxSeconds - 2 * SERIAL_MARGIN_SECONDS;
    for (let slot = Math.floor((a - this.maxLifeSeconds) / spec.periodSeconds); slot * spec.periodSeconds < b; slot++) {
      const entity = hash32(ctx.seed, this.streamHash, slot);
      const start = slot * spec.periodSeconds + SERIAL_MARGIN_SECONDS + Math.floor(hashUnit(ctx.seed, entity, 1) * room);
      const stop = start + spec.minSeconds + Math.floor(hashUnit(ctx.seed, entity, 2) * (spec.maxSeconds - spec.minSeconds));
      if (!overlaps({ start, stop }, a, b)) continue;
      const name = `${spec.prefix}-${suffixFrom(entity, 5)}`;
      const pod = podSpec(ctx, spec.namespace, name, spec.kind, spec.node, spec.template);
      out.push({ id: `${spec.namespace}/${name}#s${slot}`, pod, start, stop });
    }
  }
}

export interface NotebookPoolSpec {
  namespace: string;
  users: readonly string[];
  nodes: readonly NodeSpec[];
  template: PodTemplate;
}

/** `jupyter-<user>` sessions: at most one a day per user, so the same pod name comes back day after day. */
export class NotebookPoolWorkload implements Workload {
  readonly namespace: string;
  readonly maxLifeSeconds = 5 * HOUR;

  constructor(
    private readonly ctx: WorkloadContext,
    private readonly spec: NotebookPoolSpec,
  ) {
    this.namespace = spec.namespace;
  }

  collectLives(a: number, b: number, out: PodLife[]): void {
    const { ctx, spec } = this;
    for (let day = Math.floor((a - this.maxLifeSeconds) / DAY); day * DAY < b; day++) {
      const weekday = (day + 4) % 7;
      const probability = weekday === 0 || weekday === 6 ? 0.15 : 0.6;
      for (const user of spec.users) {
        const name = `jupyter-${user}`;
        const entity = hash32(ctx.seed, stringHash(`${spec.namespace}/${name}`), day);
        if (hashUnit(ctx.seed, entity, SALT_SESSION) >= probability) continue;
        const start = day * DAY + 8 * HOUR + Math.floor(hashUnit(ctx.seed, entity, 1) * 9 * HOUR);
        const stop = start + HOUR + Math.floor(hashUnit(ctx.seed, entity, 2) * 3 * HOUR);
        if (!overlaps({ start, stop }, a, b)) continue;
        const node = spec.nodes[hash32(ctx.seed, stringHash(name), SALT_NODE) % spec.nodes.length];
        const pod = podSpec(ctx, spec.namespace, name, 'notebook', node, spec.template, day);
        out.push({ id: `${spec.namespace}/${name}#d${day}`, pod, start, stop });
      }
    }
  }
}
