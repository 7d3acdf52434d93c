/**
 * Fastify (the API as shipped) vs NestJS's default Express adapter (the bench-only baseline in
 * apps/api/bench/express): first the same requests to both, answers compared (status and body), then
 * requests/s under autocannon for the same endpoints, alternating adapters.
 */
import autocannon from 'autocannon';

import { HttpRequest, HttpTarget } from './http';
import { apiPost, SERVICE_USER, serviceHeaders } from './side-by-side';

export interface AdapterEndpoint {
  name: string;
  request: HttpRequest;
  /** The status every answer must have for the run to count. */
  status: number;
}

export interface AdapterResult {
  endpoint: string;
  fastifyRps: number;
  expressRps: number;
  fastifyP50: number;
  expressP50: number;
  fastifyBad: number;
  expressBad: number;
}

export function adapterEndpoints(window: { from: string; to: string }, namespace: string): AdapterEndpoint[] {
  return [
    { name: 'GET /api/health', request: { method: 'GET', path: '/api/health' }, status: 200 },
    {
      name: 'POST /api/cpu/usage_rate wrong password (401)',
      request: { method: 'POST', path: '/api/cpu/usage_rate', headers: { 'x-username': SERVICE_USER, 'x-password': 'wrong', 'content-type': 'application/json' }, body: '{}' },
      status: 401,
    },
    {
      name: 'POST /api/cpu/usage_rate raw limit=100',
      request: apiPost('/api/cpu/usage_rate', { namespace, limit: 100, timeBeginInterval: window.from, timeEndInterval: window.to }),
      status: 200,
    },
  ];
}

/** Requests whose answers must be identical on both adapters (status and JSON body). */
export function behaviourProbes(window: { from: string; to: string }, namespace: string): HttpRequest[] {
  const body = { namespace, timeBeginInterval: window.from, timeEndInterval: window.to };
  const curlLike = { ...serviceHeaders(), 'content-type': 'application/x-www-form-urlencoded' };
  return [
    { method: 'GET', path: '/api/health' },
    apiPost('/api/cpu/usage_rate', { ...body, limit: 5 }),
    apiPost('/api/cpu/usage_rate', { ...body, agg: 'pod-by-namespace' }),
    apiPost('/api/cpu/usage_rate', { ...body, agg: 'all-namespace' }),
    apiPost('/api/memory/usage', { ...body, limit: '3' }),
    { method: 'POST', path: '/api/cpu/usage_rate', headers: curlLike, body: JSON.stringify({ ...body, agg: 'all-namespace' }) },
    { method: 'POST', path: '/api/cpu/usage_rate', headers: curlLike, body: new URLSearchParams({ ...body, limit: '2' }).toString() },
    apiPost('/api/cpu/usage_rate', { ...body, limit: 0 }),
    apiPost('/api/cpu/usage_rate', { ...body, namespace: 'Not_A_Namespace' }),
    apiPost('/api/cpu/usage_rate', { ...body, unknownField: 1 }),
    apiPost('/api/no/such_metric', body),
    { method: 'POST', path: '/api/cpu/usage_rate', headers: serviceHeaders(), body: '{"limit": ' },
    { method: 'POST', path: '/api/cpu/usage_rate', headers: { 'content-type': 'application/json' }, body: '{}' },
    { method: 'GET', path: '/api/cpu/usage_rate' },
    { method: 'DELETE', path: '/api/cpu/usage_rate' },
    apiPost('/api/usage', { from: window.from, to: window.to }),
    apiPost('/api/usage', { from: window.from, to: window.to, groupBy: 'pod' }),
    apiPost('/api/usage', { from: window.to, to: window.from }),
    apiPost('/api/series/cpu/usage_rate', { from: window.from, to: window.to, groupBy: 'namespace' }),
    { method: 'GET', path: '/api/metrics', headers: serviceHeaders() },
    { method: 'GET', path: '/api/namespaces', headers: serviceHeaders() },
    { method: 'POST', path: '/api/ui/cpu/usage_rate', headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' }, body: '{}' },
    { method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'wrong-password' }) },
  ];
}

function normalise(text: string | undefined): string {
  try {
    // The report's own timestamp differs from one call to the next.
    return JSON.stringify(JSON.parse(text ?? ''), (k, v: unknown) => (k === 'generated_at' ? undefined : v));
  } catch {
    return (text ?? '').slice(0, 200);
  }
}

/** Sends every probe to both adapters; returns the probes whose answers differ. */
export async function compareBehaviour(fastify: HttpTarget, express: HttpTarget, probes: readonly HttpRequest[]): Promise<{ same: number; differences: string[] }> {
  const differences: string[] = [];
  let same = 0;
  for (const p of probes) {
    const [a, b] = await Promise.all([fastify.send(p, { keepText: true }), express.send(p, { keepText: true })]);
    const na = normalise(a.text);
    const nb = normalise(b.text);
    if (a.status === b.status && na === nb) same++;
    else differences.push(`${p.method} ${p.path} ${p.body ?? ''}: fastify ${a.status} ${na.slice(0, 120)} | express ${b.status} ${nb.slice(0, 120)}`);
  }
  return { same, differences };
}

async function cannon(baseUrl: string, endpoint: AdapterEndpoint, connections: number, seconds: number): Promise<{ rps: number; p50: number; bad: number }> {
  let bad = 0;
  const result = await autocannon({
    url: `${baseUrl}${endpoint.request.path}`,
    method: endpoint.request.method as autocannon.Request['method'],
    headers: endpoint.request.headers,
    body: endpoint.request.body,
    connections,
    duration: seconds,
    requests: [
      {
        onResponse: (status: number) => {
          if (status !== endpoint.status) bad++;
        },
      },
    ],
  });
  bad += result.errors;
  return { rps: result.requests.total / result.duration, p50: result.latency.p50, bad };
}

/** Requests/s of each endpoint on both adapters, alternating which one goes first. */
export async function compareThroughput(
  fastifyUrl: string,
  expressUrl: string,
  endpoints: readonly AdapterEndpoint[],
  connections: number,
  seconds: number,
  log: (m: string) => void,
): Promise<AdapterResult[]> {
  const out: AdapterResult[] = [];
  for (const [i, e] of endpoints.entries()) {
    log(`  ${e.name}: ${connections} connections, ${seconds} s per adapter`);
    // Short warm-up for both (JIT, connection pools).
    await cannon(fastifyUrl, e, connections, 0.5);
    await cannon(expressUrl, e, connections, 0.5);
    const order = i % 2 === 0 ? (['fastify', 'express'] as const) : (['express', 'fastify'] as const);
    const res: Record<'fastify' | 'express', { rps: number; p50: number; bad: number }> = {
      fastify: { rps: 0, p50: 0, bad: 0 },
      express: { rps: 0, p50: 0, bad: 0 },
    };
    for (const which of order) res[which] = await cannon(which === 'fastify' ? fastifyUrl : expressUrl, e, connections, seconds);
    out.push({
      endpoint: e.name,
      fastifyRps: res.fastify.rps,
      expressRps: res.express.rps,
      fastifyP50: res.fastify.p50,
      expressP50: res.express.p50,
      fastifyBad: res.fastify.bad,
      expressBad: res.express.bad,
    });
  }
  return out;
}
