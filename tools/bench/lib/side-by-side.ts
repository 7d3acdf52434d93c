/**
 * API vs direct InfluxDB, measured in the same run by the same client: every API request has a
 * twin made of the exact statements the API sent for it (learned through the recording proxy),
 * replayed straight to InfluxDB with the same concurrency as the API used. The pass-through floor
 * replays the same twins through a minimal Node process, to show what any HTTP hop costs.
 */
import { BenchApi } from './api-process';
import { floorRequest } from './floor-process';
import { HttpRequest, HttpTarget } from './http';
import { LoopResult, mergeLoops, runLoop } from './load-loop';
import { describePlan, Plan, RecordingProxy, replay, toPlan } from './recorder';
import { median } from './stats';

export const SERVICE_USER = 'bench-user';
export const SERVICE_PASSWORD = 'bench-Secret-password-1';

export function serviceHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-username': SERVICE_USER, 'x-password': SERVICE_PASSWORD, 'content-type': 'application/json', ...extra };
}

/** A POST of a JSON body to the service API. */
export function apiPost(path: string, body: unknown): HttpRequest {
  return { method: 'POST', path, headers: serviceHeaders(), body: JSON.stringify(body) };
}

export interface Recording {
  /** Per recorded request, its statements and what each waited for. */
  plans: Plan[];
  /** Human-readable statements of the first plan. */
  statements: string[];
}

/**
 * Sends each request once through the recorder API (which talks to InfluxDB through the proxy)
 * and keeps what reached InfluxDB. `warmUp` is sent first and not kept (step detection, caches).
 */
export async function record(recorderApi: HttpTarget, proxy: RecordingProxy, requests: readonly HttpRequest[], warmUp?: HttpRequest): Promise<Recording> {
  if (warmUp) {
    const w = await recorderApi.send(warmUp, { keepText: true });
    if (w.status !== 200) throw new Error(`warm-up ${warmUp.path} answered ${w.status}: ${(w.text ?? '').slice(0, 300)}`);
  }
  proxy.take();
  const plans: Plan[] = [];
  for (const req of requests) {
    const a = await recorderApi.send(req, { keepText: true });
    if (a.status !== 200) throw new Error(`${req.method} ${req.path} answered ${a.status}: ${(a.text ?? '').slice(0, 300)}`);
    const calls = proxy.take();
    if (calls.length === 0) throw new Error(`${req.method} ${req.path} sent nothing to InfluxDB: cannot compare with a direct query`);
    plans.push(toPlan(calls));
  }
  return { plans, statements: plans[0] ? describePlan(plans[0]) : [] };
}

export interface SideBySide {
  api: LoopResult;
  direct: LoopResult;
  /** The pass-through floor (floor/floor-main.ts) replaying the direct side's plans, where measured. */
  floor?: LoopResult;
}

export interface LoopPlan {
  connections: number;
  /** Measured time per round and side. */
  roundMs: number;
  rounds: number;
  /** Requests of each side before measuring (not counted). */
  warmUpRequests: number;
}

/** One side of a comparison: `task(i)` makes its i-th request and says whether it succeeded. */
export interface Side<K extends string> {
  name: K;
  task: (i: number) => Promise<boolean>;
}

/**
 * Measures the sides in alternating rounds (so drift on the machine hits all alike), each warmed
 * up first, and merges each side's rounds.
 */
export async function alternate<K extends string>(sides: readonly Side<K>[], plan: LoopPlan): Promise<Record<K, LoopResult>> {
  for (const s of sides) await runLoop({ connections: plan.connections, durationMs: 0, minRequests: plan.warmUpRequests, task: s.task });
  const runs = sides.map((): LoopResult[] => []);
  for (let r = 0; r < plan.rounds; r++) {
    for (const [k, s] of sides.entries()) {
      runs[k]?.push(await runLoop({ connections: plan.connections, durationMs: plan.roundMs, minRequests: 3, task: s.task }));
    }
  }
  return Object.fromEntries(sides.map((s, k) => [s.name, mergeLoops(runs[k] ?? [])])) as Record<K, LoopResult>;
}

/**
 * API vs direct InfluxDB, and vs the pass-through floor when given (with `recording`'s plans loaded).
 * Each API request is `nextRequest()` (the caller makes every one distinct, so no answer can come
 * from a cache); its direct twin replays one of the recorded plans, in turn, and so does the floor.
 */
export async function sideBySide(
  api: HttpTarget,
  influx: HttpTarget,
  floor: HttpTarget | undefined,
  nextRequest: () => HttpRequest,
  recording: Recording,
  plan: LoopPlan,
): Promise<SideBySide> {
  const plans = recording.plans.length;
  const sides: Side<keyof SideBySide>[] = [
    { name: 'api', task: async () => (await api.send(nextRequest())).status === 200 },
    { name: 'direct', task: async (i) => (await replay(influx, recording.plans[i % plans] as Plan)).statuses.every((s) => s === 200) },
  ];
  if (floor) sides.push({ name: 'floor', task: async (i) => (await floor.send(floorRequest(i, plans))).status === 200 });
  const results = await alternate(sides, plan);
  return { api: results.api, direct: results.direct, floor: floor ? results.floor : undefined };
}

export interface TimedRuns {
  apiMs: number[];
  directMs: number[];
  /** Peak RSS of the API process during each API run, bytes. */
  apiPeakRss: number[];
  apiRssBefore: number;
  apiBytes: number;
  directBytes: number;
}

/** Long requests (reports): n sequential runs per side, alternating, peak RSS tracked on the API side. */
export async function timedRuns(
  apiProcess: BenchApi,
  api: HttpTarget,
  influx: HttpTarget,
  requests: readonly HttpRequest[],
  recording: Recording,
  runs: number,
): Promise<TimedRuns> {
  const out: TimedRuns = { apiMs: [], directMs: [], apiPeakRss: [], apiRssBefore: apiProcess.rssBytes(), apiBytes: 0, directBytes: 0 };
  for (let i = 0; i < runs; i++) {
    const stopTracking = apiProcess.trackPeakRss();
    const a = await api.send(requests[i % requests.length] as HttpRequest, { keepText: true });
    out.apiPeakRss.push(stopTracking());
    if (a.status !== 200) throw new Error(`${requests[0]?.path} answered ${a.status}: ${(a.text ?? '').slice(0, 300)}`);
    out.apiMs.push(a.ms);
    out.apiBytes = a.bytes;
    const d = await replay(influx, recording.plans[i % recording.plans.length] as Plan);
    if (!d.statuses.every((s) => s === 200)) throw new Error(`direct replay answered ${d.statuses.join(',')}`);
    out.directMs.push(d.ms);
    out.directBytes = d.bytes;
  }
  return out;
}

export function medianOf(values: readonly number[]): number {
  return median(values);
}
