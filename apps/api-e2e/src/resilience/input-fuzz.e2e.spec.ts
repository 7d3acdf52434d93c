/**
 * Property-based bad input (fast-check) on every operation the running API documents in its
 * OpenAPI document: generated bodies, headers, path parameters and query strings, more than 10,000
 * cases in all. Whatever comes in: never a 5xx, never a stack trace, never an undocumented status;
 * every rejection is JSON `{code, message}` and a 400 names the field it refuses. InfluxDB and the
 * user table are the same afterwards. Dates across every year ISO-8601 can write get 200 or a 400
 * naming the field, exactly as the period rule says; pod and namespace names that start like a
 * spreadsheet formula never start a cell of the usage CSV. `/api/mcp` speaks JSON-RPC: its protocol
 * refusals are JSON-RPC errors, and generated tool arguments come back as tool errors naming the field.
 *
 * Replay a failure with FUZZ_SEED=<seed printed by fast-check>.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';

import { InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { e2eEnv, serviceHeaders } from '../support/e2e-env';
import {
  acceptedDate,
  bodyArb,
  FORMULA_START,
  formulaName,
  GeneratedBody,
  headersArb,
  keysSeenByApi,
  OpenApiDocument,
  Operation,
  operationsOf,
  pathValueArb,
  periodBounds,
  queryStringArb,
  WrittenDate,
} from '../support/openapi-fuzz';
import { ADMIN, Answer, influxSnapshot, login, OwnApi, send, STACK_TRACE, startOwnApi, usersSnapshot, VIEWER } from '../support/resilience';

/** Total generated cases over all categories and operations. */
const TOTAL_CASES = 10_400;
const SHARES = { body: 0.5, headers: 0.25, path: 0.15, query: 0.1 } as const;
type Category = keyof typeof SHARES;
const PARALLEL_PROPERTIES = 6;
const DEADLINE_MS = 30_000;
const SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : undefined;

/** Users that exist: path fuzzing on /api/users/{username} must never reach them. */
const EXISTING_USERS = [ADMIN.username, VIEWER.username];
const NOBODY = 'fuzz-nobody';

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Changes stored state when it succeeds: fuzzed only with input that can never succeed. */
function mutates(op: Operation): boolean {
  return (op.route.startsWith('/api/users') || op.route.startsWith('/api/api-keys')) && op.method !== 'GET';
}

/**
 * Logout revokes every token of its user: it is fuzzed with the viewer's token, so the admin's token
 * the other operations use stays valid, and a 401 (the viewer's token revoked by an earlier case) is
 * its documented answer.
 */
function revokesTokens(op: Operation): boolean {
  return op.route === '/api/auth/logout';
}

function concretePath(op: Operation, values: Record<string, string> = {}): string {
  return op.route.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? (name === 'metric' ? 'cpu/usage_rate' : name === 'username' ? NOBODY : 'x'));
}

function allowedStatuses(op: Operation, category: Category, path: string): Set<number> {
  const documented = [...op.statuses].filter((s) => s < 500);
  const extra: Record<Category, number[]> = {
    body: [400, 413, 415],
    headers: [400, 401, 403, 406, 413, 415],
    path: [400, 404, 405],
    query: [400],
  };
  const out = new Set([...documented, ...extra[category]]);
  // With valid credentials, a 401 in the body, path or query categories is a bug, documented or not.
  if (category !== 'headers' && op.auth !== 'none' && !revokesTokens(op)) out.delete(401);
  // A path with dot segments is another path (the client resolves it before sending): `/api/..` is
  // `/`, which redirects to the dashboard; `/api/ui/..` is `/api/`, whose credentials differ.
  if (category === 'path' && /\/\.\.?(\/|$|\?)/.test(path)) [301, 302, 200, 401].forEach((s) => out.add(s));
  // A value the route's parameter cannot hold (a `/` in `periods/{period}`, or more than Fastify's 100
  // characters) makes another path: a POST then reaches the seed's `POST /api/{metric}`, which takes
  // the service headers only (401 for a bearer token).
  if (category === 'path' && !op.route.includes('{metric}') && !routeMatches(op.route, path)) out.add(401);
  return out;
}

/** Whether a concrete path (its query aside) is one the route's parameters can hold (Fastify's `maxParamLength`: 100). */
function routeMatches(route: string, path: string): boolean {
  const pattern = route
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]{1,100}');
  // As the URL parser (WHATWG, for http) sends it: no fragment, and `\` is `/` (`periods/a\b/close` is `periods/a/b/close`).
  const sent = (path.split(/[?#]/, 1)[0] ?? '').replace(/\\/g, '/');
  return new RegExp(`^${pattern}$`).test(sent);
}

/** MCP's endpoint: its refusals of the protocol (not JSON-RPC, not accepting JSON) are JSON-RPC errors, not `{code, message}`. */
function isMcp(op: Operation): boolean {
  return op.route === '/api/mcp';
}

/** A JSON-RPC 2.0 error answer: `{"jsonrpc": "2.0", "error": {"code": <int>, "message": "…"}, "id": …}`. */
function isJsonRpcError(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { jsonrpc?: unknown; error?: { code?: unknown; message?: unknown } };
    return parsed.jsonrpc === '2.0' && Number.isInteger(parsed.error?.code) && typeof parsed.error?.message === 'string' && parsed.error.message !== '';
  } catch {
    return false;
  }
}

/** What the answer to one generated request must look like; returns the problem, if any. */
function problemWith(op: Operation, category: Category, sent: Sent, answer: Answer, fieldNames: readonly string[], oversized = false): string | undefined {
  // Over the body limit the API answers 413 with `Connection: close` without reading the rest: a
  // client still uploading may see the connection go (EPIPE, ECONNRESET) before it reads the 413.
  if (answer.error && oversized && /EPIPE|ECONNRESET/.test(answer.error)) return undefined;
  if (answer.error) return `no answer: ${answer.error}`;
  if (answer.status >= 500) return `server error ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (STACK_TRACE.test(answer.text)) return `stack trace or internal path in the answer: ${answer.text.slice(0, 300)}`;
  if (!allowedStatuses(op, category, sent.path).has(answer.status)) return `undocumented status ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status < 400) return undefined;
  // What the body parser or the guard refuses before MCP reads it is answered as everywhere else.
  if (isMcp(op) && [400, 404, 405, 406, 415].includes(answer.status) && isJsonRpcError(answer.text)) return undefined;
  let parsed: { code?: unknown; message?: unknown };
  try {
    parsed = JSON.parse(answer.text) as { code?: unknown; message?: unknown };
  } catch {
    return `rejection ${answer.status} is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (parsed.code !== answer.status || typeof parsed.message !== 'string' || parsed.message.trim() === '') {
    return `rejection is not {code, message}: ${answer.text.slice(0, 200)}`;
  }
  if (answer.status === 400 && !fieldNames.some((f) => (parsed.message as string).includes(f))) {
    return `400 does not name a field (${fieldNames.slice(0, 12).join(', ')}): ${parsed.message}`;
  }
  return undefined;
}

/** Bodies with a period, on every operation that takes one; `capped`: at most 366 days. */
const DATED_BODIES: { name: string; path: string; fields: [string, string]; beginRequired: boolean; capped: boolean; extra: Record<string, unknown> }[] = [
  { name: 'all-namespace', path: '/api/cpu/usage_rate', fields: ['timeBeginInterval', 'timeEndInterval'], beginRequired: false, capped: true, extra: { agg: 'all-namespace' } },
  {
    name: 'ui pod-by-namespace',
    path: '/api/ui/cpu/usage_rate',
    fields: ['timeBeginInterval', 'timeEndInterval'],
    beginRequired: false,
    capped: true,
    extra: { agg: 'pod-by-namespace', namespace: 'cluster-3' },
  },
  { name: 'raw', path: '/api/memory/usage', fields: ['timeBeginInterval', 'timeEndInterval'], beginRequired: false, capped: false, extra: { namespace: 'cluster-3', limit: 5 } },
  { name: 'usage', path: '/api/usage', fields: ['from', 'to'], beginRequired: true, capped: true, extra: { groupBy: 'pod' } },
  { name: 'ui usage', path: '/api/ui/usage', fields: ['from', 'to'], beginRequired: true, capped: true, extra: {} },
  { name: 'series', path: '/api/series/cpu/usage_rate', fields: ['from', 'to'], beginRequired: false, capped: true, extra: { groupBy: 'namespace' } },
];

const PERIOD_CAP_MS = 366 * 86_400_000;
/** The begin, when not given, is this long before the end. */
const DEFAULT_SPAN_MS = 3_600_000;

/** The period rule: both bounds between 1970 and 2262-01-01, `to` after `from`, at most 366 days where capped. */
function expectedForPeriod(kind: (typeof DATED_BODIES)[number], begin: WrittenDate | undefined, end: WrittenDate): { status: 200 | 400; field?: string } {
  const [beginField, endField] = kind.fields;
  if (begin && !acceptedDate(begin)) return { status: 400, field: beginField };
  if (!acceptedDate(end)) return { status: 400, field: endField };
  const toMs = end.instantMs as number;
  const fromMs = begin ? (begin.instantMs as number) : toMs - DEFAULT_SPAN_MS;
  if (fromMs < 0) return { status: 400, field: beginField };
  if (toMs <= fromMs) return { status: 400, field: endField };
  if (kind.capped && toMs - fromMs > PERIOD_CAP_MS) return { status: 400, field: endField };
  return { status: 200 };
}

describe('property-based bad input on every endpoint', () => {
  let api: OwnApi;
  let adminToken: string;
  let viewerToken: string;
  let operations: Operation[];
  let influxBefore: unknown;
  let usersBefore: unknown;
  const cases: Record<Category, number> = { body: 0, headers: 0, path: 0, query: 0 };

  beforeAll(async () => {
    // Without the per-minute limit, so generated requests reach the endpoints rather than a 429.
    api = await startOwnApi(Number(process.env['E2E_INFLUX_PORT']), { HEAVY_REQUESTS_PER_MINUTE: '0' });
    adminToken = await login(api.url, ADMIN);
    viewerToken = await login(api.url, VIEWER);
    const doc = (await (await fetch(`${api.url}/api/docs-json`)).json()) as OpenApiDocument;
    operations = operationsOf(doc);
    influxBefore = await influxSnapshot(e2eEnv.influxUrl, e2eEnv.database);
    usersBefore = await usersSnapshot(api.url, adminToken);
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    const total = Object.values(cases).reduce((a, b) => a + b, 0);
    process.stdout.write(`\ninput fuzz: ${total} generated requests (${JSON.stringify(cases)}) over ${operations?.length ?? 0} operations\n`);
  });

  function tokenFor(op: Operation): string {
    return revokesTokens(op) ? viewerToken : adminToken;
  }

  function authHeaders(op: Operation): Record<string, string> {
    // An MCP client accepts JSON and event streams (else 406 before the body is read).
    const accept: Record<string, string> = isMcp(op) ? { accept: 'application/json, text/event-stream' } : {};
    if (op.auth === 'service') return { ...serviceHeaders(), ...accept };
    if (op.auth === 'jwt') return { authorization: `Bearer ${tokenFor(op)}`, ...accept };
    return accept;
  }

  /** A body the operation accepts the shape of, or (for user changes) one that can never succeed. */
  function baseBody(op: Operation): string | undefined {
    if (!op.body) return undefined;
    const props = Object.keys(op.body.properties ?? {});
    if (mutates(op)) return JSON.stringify({ unexpectedField: true });
    if (props.includes('from')) return JSON.stringify({ from: '2017-12-01', to: '2017-12-02' });
    if (props.includes('timeBeginInterval')) return JSON.stringify({ timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-02' });
    if (props.includes('password')) return JSON.stringify({ username: NOBODY, password: 'not-the-password' });
    return '{}';
  }

  async function check(op: Operation, category: Category, sent: Sent, fieldNames: readonly string[], oversized = false): Promise<void> {
    cases[category]++;
    const answer = await send(api.url, sent, DEADLINE_MS);
    const problem = problemWith(op, category, sent, answer, fieldNames, oversized);
    if (problem) throw new Error(`${op.method} ${op.route} [${category}] ${sent.method} ${sent.path.slice(0, 200)}: ${problem}`);
  }

  function property(op: Operation, category: Category): fc.IAsyncProperty<[unknown]> | undefined {
    const params = op.pathParams;
    const fields = [...Object.keys(op.body?.properties ?? {}), 'body', ...params, ...(mutates(op) ? ['unexpectedField'] : [])];
    switch (category) {
      case 'body': {
        if (!op.body) return undefined;
        const bodies = mutates(op) ? bodyArb(op.body).filter((b) => b.certainlyBad) : bodyArb(op.body);
        return fc.asyncProperty(bodies as fc.Arbitrary<unknown>, async (b) => {
          const body = b as GeneratedBody;
          const headers: Record<string, string> = { ...authHeaders(op) };
          if (body.contentType) headers['content-type'] = body.contentType;
          await check(op, category, { method: op.method, path: concretePath(op), headers, body: body.text }, [...body.fieldNames, ...params], body.oversized);
        });
      }
      case 'headers': {
        const valid = { ...serviceHeaders() };
        return fc.asyncProperty(headersArb(valid, tokenFor(op)) as fc.Arbitrary<unknown>, async (h) => {
          const body = baseBody(op);
          await check(op, category, { method: op.method, path: concretePath(op), headers: h as Record<string, string>, body }, [
            ...fields,
            ...keysSeenByApi(body ?? ''),
            'content-type',
            'authorization',
            'accept',
          ]);
        });
      }
      case 'path': {
        if (params.length === 0) return undefined;
        const known = params.includes('username') ? [NOBODY, 'someone-else'] : ['cpu/usage_rate', 'memory/usage', 'gpu/usage', 'uptime', 'network/rx'];
        const values = pathValueArb(known).filter(({ raw }) => {
          if (!params.includes('username')) return true;
          let decoded = raw;
          try {
            decoded = decodeURIComponent(raw);
          } catch {
            decoded = raw;
          }
          return !EXISTING_USERS.some((u) => decoded.trim().toLowerCase().replace(/\/+$/, '') === u || raw.toLowerCase().includes(u));
        });
        const methods = op.route.includes('{metric}') ? fc.constantFrom(op.method, op.method, 'GET', 'PUT', 'PATCH', 'DELETE') : fc.constant(op.method);
        return fc.asyncProperty(fc.tuple(values, methods) as fc.Arbitrary<unknown>, async (t) => {
          const [v, method] = t as [{ sent: string }, string];
          const path = concretePath(op, Object.fromEntries(params.map((p) => [p, v.sent])));
          const body = method === 'GET' || method === 'DELETE' ? undefined : baseBody(op);
          await check(op, category, { method, path, headers: { ...authHeaders(op), ...(body ? { 'content-type': 'application/json' } : {}) }, body }, [
            ...fields,
            'metric',
            'username',
          ]);
        });
      }
      case 'query': {
        return fc.asyncProperty(queryStringArb as fc.Arbitrary<unknown>, async (q) => {
          const body = baseBody(op);
          const headers = { ...authHeaders(op), ...(body ? { 'content-type': 'application/json' } : {}) };
          const keys = [...new URLSearchParams(String(q).slice(1)).keys()];
          await check(op, category, { method: op.method, path: `${concretePath(op)}${String(q)}`, headers, body }, [...fields, ...keys]);
        });
      }
    }
  }

  async function runCategory(category: Category): Promise<void> {
    const properties = operations.map((op) => ({ op, prop: property(op, category) })).filter((p): p is { op: Operation; prop: fc.IAsyncProperty<[unknown]> } => !!p.prop);
    expect(properties.length).toBeGreaterThan(0);
    const numRuns = Math.ceil((TOTAL_CASES * SHARES[category]) / properties.length);
    const queue = [...properties];
    await Promise.all(
      Array.from({ length: PARALLEL_PROPERTIES }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) await fc.assert(p.prop, { numRuns, seed: SEED, endOnFailure: true });
      }),
    );
  }

  it('should find the operations of the contract in the running API', () => {
    const routes = operations.map((o) => `${o.method} ${o.route}`);
    expect(routes).toEqual(expect.arrayContaining(['POST /api/{metric}', 'POST /api/ui/{metric}', 'POST /api/auth/login', 'POST /api/users', 'GET /api/health']));
  });

  it('should reject bad bodies with a 400 naming the field, never a 5xx', () => runCategory('body'), 300_000);

  it('should survive bad headers (credentials, tokens, content types, ids) without a 5xx', () => runCategory('headers'), 300_000);

  it('should answer bad metric and user paths and wrong methods with JSON 4xx, never a 5xx', () => runCategory('path'), 300_000);

  it('should answer junk query strings without a 5xx', () => runCategory('query'), 300_000);

  it('should answer dates across the representable range as the period rule says: 200, or 400 naming the field', async () => {
    const kinds = DATED_BODIES.map((k) => ({ ...k, headers: k.path.startsWith('/api/ui/') ? { authorization: `Bearer ${adminToken}` } : serviceHeaders() }));
    const cases = fc.tuple(fc.constantFrom(...kinds), periodBounds);
    await fc.assert(
      fc.asyncProperty(cases, async ([kind, [begin, end]]) => {
        const [beginField, endField] = kind.fields;
        const omitBegin = begin === undefined && !kind.beginRequired;
        const body = { ...kind.extra, ...(omitBegin ? {} : { [beginField]: (begin ?? end).text }), [endField]: end.text };
        const answer = await send(
          api.url,
          { method: 'POST', path: kind.path, headers: { ...kind.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) },
          DEADLINE_MS,
        );
        const expected = expectedForPeriod(kind, omitBegin ? undefined : (begin ?? end), end);
        const got = `${kind.name} ${JSON.stringify(body)}: ${answer.status || answer.error} ${answer.text.slice(0, 200)}`;
        if (answer.status !== expected.status) throw new Error(`expected ${expected.status}${expected.field ? ` naming ${expected.field}` : ''}, got ${got}`);
        if (expected.field && !(JSON.parse(answer.text) as { message: string }).message.includes(`${expected.field}:`))
          throw new Error(`400 should name ${expected.field}: ${got}`);
      }),
      { numRuns: 600, seed: SEED, endOnFailure: true },
    );
    expect(api.child.exitCode).toBeNull();
  }, 300_000);

  it('should refuse, by name, the unknown fields a whitelist misses: inherited names and fields given as null', async () => {
    // Found by the body fuzzing: each of these created a user.
    const valid = { username: 'fuzz-u', email: 'alice@example.org', password: 'tulip-Orbit-93' };
    for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'tenant']) {
      for (const value of key === 'tenant' ? ['null'] : ['null', '{"a":1}', '1']) {
        const body = `${JSON.stringify(valid).slice(0, -1)},"${key}":${value}}`;
        const answer = await send(
          api.url,
          { method: 'POST', path: '/api/users', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body },
          DEADLINE_MS,
        );
        expect(`${key}=${value} ${answer.status} ${answer.text}`).toBe(`${key}=${value} 400 ${JSON.stringify({ code: 400, message: `${key}: property ${key} should not exist` })}`);
      }
    }
  });

  it('should answer generated MCP tool arguments with a result or a tool error naming the field, never a protocol or server error', async () => {
    const usage = operations.find((o) => o.route === '/api/usage' && o.method === 'POST');
    const series = operations.find((o) => o.route === '/api/series/{metric}' && o.method === 'POST');
    const tools = fc.oneof(
      bodyArb(usage?.body).map((b) => ({ name: 'usage_report', body: b })),
      bodyArb(series?.body).map((b) => ({ name: 'metric_series', body: b })),
    );
    let id = 0;
    await fc.assert(
      fc.asyncProperty(tools, async ({ name, body }) => {
        let args: unknown;
        try {
          args = JSON.parse(body.text ?? '{}');
        } catch {
          return; // Not JSON: the HTTP body fuzz covers it; tool arguments are always JSON.
        }
        if (args === null || typeof args !== 'object' || Array.isArray(args)) return;
        cases.body++;
        const call = { jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name, arguments: name === 'metric_series' ? { metric: 'cpu/usage_rate', ...args } : args } };
        const answer = await send(
          api.url,
          {
            method: 'POST',
            path: '/api/mcp',
            headers: { ...serviceHeaders(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
            body: JSON.stringify(call),
          },
          DEADLINE_MS,
        );
        if (answer.error) throw new Error(`tools/call ${name}: no answer: ${answer.error}`);
        if (STACK_TRACE.test(answer.text)) throw new Error(`tools/call ${name}: stack trace in the answer: ${answer.text.slice(0, 300)}`);
        // An oversized or too deeply nested body is refused before MCP reads it, as on every endpoint.
        if (answer.status === 413) return;
        // So is a name no field of this API has (`prototype`) or malformed text, by its path in the JSON-RPC message.
        // The path may hold JSON-escaped characters of a generated key (`params.arguments.to.\".toString`).
        if (answer.status === 400 && /^\{"code":400,"message":"(body|params(\.(?:[^"\\]|\\.)+)?): /.test(answer.text)) return;
        const parsed = JSON.parse(answer.text) as { result?: { isError?: boolean; content?: { text?: string }[] }; error?: unknown };
        if (answer.status !== 200 || !parsed.result) throw new Error(`tools/call ${name} ${JSON.stringify(args).slice(0, 200)}: ${answer.status} ${answer.text.slice(0, 300)}`);
        const text = parsed.result.content?.[0]?.text ?? '';
        if (parsed.result.isError && /^400: /.test(text) && !body.fieldNames.some((f) => text.includes(f))) {
          throw new Error(`tools/call ${name}: its 400 names no field (${body.fieldNames.join(', ')}): ${text}`);
        }
        if (parsed.result.isError && /^5\d\d: /.test(text)) throw new Error(`tools/call ${name}: server error ${text}`);
      }),
      { numRuns: 300, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 300_000);

  it('should have sent more than 10,000 generated requests and left InfluxDB and the users unchanged', async () => {
    const total = Object.values(cases).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(await influxSnapshot(e2eEnv.influxUrl, e2eEnv.database)).toEqual(influxBefore);
    expect(await usersSnapshot(api.url, adminToken)).toEqual(usersBefore);
    expect(api.child.exitCode).toBeNull();
  });
});

/** A tag value in line protocol: comma, equals sign and space escaped; tab and CR written as they are. */
function tagValue(v: string): string {
  return v.replace(/[, =]/g, (c) => `\\${c}`);
}

describe('pod and namespace names that start like a spreadsheet formula', () => {
  let influx: InfluxHandle;
  let api: OwnApi;
  const database = 'formula-names';
  const STEP_MS = 60_000;
  /** Each case writes and reads an hour of its own. */
  let hour = Date.UTC(2018, 0, 1);

  beforeAll(async () => {
    influx = await startInfluxDb();
    const r = await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${database}"` }) });
    expect(r.ok).toBe(true);
    api = await startOwnApi(influx.port, { INFLUXDB_DB: database, HEAVY_REQUESTS_PER_MINUTE: '0', METRICS_RESOLUTION_SECONDS: '60' });
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await influx?.stop();
  });

  const pods = fc.uniqueArray(fc.record({ namespace: formulaName, pod: formulaName }), { minLength: 1, maxLength: 3, selector: (p) => `${p.namespace}\u0000${p.pod}` });

  it('should never start a cell of the usage CSV with a formula character, and keep the names as they are in JSON', async () => {
    await fc.assert(
      fc.asyncProperty(pods, async (written) => {
        const from = (hour += 3_600_000);
        const lines = written.flatMap(({ namespace, pod }) =>
          [1, 2, 3].map((i) => `cpu/usage_rate,namespace_name=${tagValue(namespace)},pod_name=${tagValue(pod)},type=pod value=250i ${(from + i * STEP_MS) / 1000}`),
        );
        const w = await fetch(`${influx.url}/write?db=${database}&precision=s`, { method: 'POST', body: lines.join('\n') });
        if (w.status !== 204) throw new Error(`write ${JSON.stringify(written)}: ${w.status} ${await w.text()}`);
        const period = { from: new Date(from).toISOString(), to: new Date(from + 10 * STEP_MS).toISOString() };
        const headers = { ...serviceHeaders(), 'content-type': 'application/json' };
        for (const groupBy of ['pod', 'namespace'] as const) {
          const csv = await send(
            api.url,
            { method: 'POST', path: '/api/usage', headers: { ...headers, accept: 'text/csv' }, body: JSON.stringify({ ...period, groupBy }) },
            DEADLINE_MS,
          );
          if (csv.status !== 200) throw new Error(`CSV by ${groupBy}: ${csv.status} ${csv.text.slice(0, 200)}`);
          const records = parseCsv(csv.text) as string[][];
          const cell = records.flat().find((c) => FORMULA_START.test(c));
          if (cell !== undefined) throw new Error(`CSV by ${groupBy} of ${JSON.stringify(written)} has a cell starting a formula: ${JSON.stringify(cell)}`);
          const names = records.slice(1).map((r) => (groupBy === 'pod' ? `${r[2]}/${r[3]}` : String(r[2])));
          const shown = (name: string) => (FORMULA_START.test(name) ? `'${name}` : name);
          const expected = [...new Set(written.map((p) => (groupBy === 'pod' ? `${shown(p.namespace)}/${shown(p.pod)}` : shown(p.namespace))))];
          if (JSON.stringify([...names].sort()) !== JSON.stringify(expected.sort()))
            throw new Error(`CSV by ${groupBy}: rows ${JSON.stringify(names)}, expected ${JSON.stringify(expected)}`);
        }
        const json = await send(api.url, { method: 'POST', path: '/api/usage', headers, body: JSON.stringify({ ...period, groupBy: 'pod' }) }, DEADLINE_MS);
        const rows = (JSON.parse(json.text) as { rows: { namespace_name: string; pod_name: string }[] }).rows.map((r) => `${r.namespace_name}\u0000${r.pod_name}`);
        if (JSON.stringify(rows.sort()) !== JSON.stringify(written.map((p) => `${p.namespace}\u0000${p.pod}`).sort())) throw new Error(`JSON rows ${JSON.stringify(rows)}`);
      }),
      { numRuns: 60, seed: SEED, endOnFailure: true },
    );
  }, 300_000);
});
