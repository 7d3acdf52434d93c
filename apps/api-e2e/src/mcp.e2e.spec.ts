import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { ROOT } from './support/api-process';
import { e2eEnv, serviceHeaders } from './support/e2e-env';

/**
 * `/api/mcp` driven by the MCP SDK's own client over HTTP, against the built API and a real
 * InfluxDB: every tool answers what its endpoint answers for the same caller, within their scope.
 */
const PASSWORD = 'Mcp-test-pass-42';
const PERIOD = { from: '2017-12-01', to: '2017-12-02' };

function createUser(username: string, args: string[]): void {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/apps/api/cli/users-cli.js'), 'createuser', `--username=${username}`, `--email=${username}@example.org`, '--password-stdin', ...args],
    { input: `${PASSWORD}\n`, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', SQLITE_PATH: process.env['E2E_SQLITE_PATH'] ?? '' } },
  );
  if (r.status !== 0) throw new Error(`createuser ${username} failed: ${r.stderr}${r.stdout}`);
}

async function login(username: string): Promise<Record<string, string>> {
  const res = await fetch(`${e2eEnv.apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` };
}

async function connect(headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'kube-monitoring-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${e2eEnv.apiUrl}/api/mcp`), { requestInit: { headers } }));
  return client;
}

/** The endpoint's own answer, for comparison. */
async function http(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${e2eEnv.apiUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A report's answer without the instant it was made. */
function settled(report: unknown): unknown {
  return { ...(report as object), generated_at: undefined };
}

function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

describe('MCP server at /api/mcp', () => {
  let service: Client;
  let viewer: Client;
  let viewerHeaders: Record<string, string>;

  beforeAll(async () => {
    createUser('mcp-viewer', ['--role=viewer', '--namespaces=cluster-3']);
    viewerHeaders = await login('mcp-viewer');
    service = await connect(serviceHeaders());
    viewer = await connect(viewerHeaders);
  });

  afterAll(async () => {
    await service?.close();
    await viewer?.close();
  });

  it('should refuse a client without credentials (401) and with wrong ones', async () => {
    await expect(connect({})).rejects.toThrow(/401/);
    await expect(connect({ 'x-username': 'nobody', 'x-password': 'wrong' })).rejects.toThrow(/401/);
    const res = await fetch(`${e2eEnv.apiUrl}/api/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 401 });
  });

  it('should list the read-only tools, their input and output schemas those of the endpoints', async () => {
    const { tools } = await service.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['billing_period', 'ledger_status', 'list_metrics', 'list_namespaces', 'metric_series', 'usage_report']);
    for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(true);
    const usage = tools.find((t) => t.name === 'usage_report');
    const properties = usage?.inputSchema.properties as Record<string, { enum?: string[] }>;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['from', 'to', 'window', 'step', 'groupBy', 'namespaces', 'basis', 'includeIdle']));
    expect(properties['groupBy']?.enum).toEqual(['namespace', 'pod', 'node']);
    expect(Object.keys(usage?.outputSchema?.properties ?? {})).toEqual(expect.arrayContaining(['rows', 'totals', 'basis', 'sources']));
    const series = tools.find((t) => t.name === 'metric_series');
    expect(series?.inputSchema.required).toContain('metric');
  });

  it('should answer each tool as its endpoint answers the billing client', async () => {
    const report = await service.callTool({ name: 'usage_report', arguments: { ...PERIOD, groupBy: 'pod', basis: 'max' } });
    expect(report.isError).toBeFalsy();
    const direct = await http('POST', '/api/usage', serviceHeaders(), { ...PERIOD, groupBy: 'pod', basis: 'max' });
    expect(direct.status).toBe(200);
    expect(settled(report.structuredContent)).toEqual(settled(direct.body));
    expect(settled(JSON.parse(textOf(report as CallToolResult)))).toEqual(settled(direct.body));

    const cases: [string, Record<string, unknown>, 'GET' | 'POST', string, unknown][] = [
      ['list_namespaces', {}, 'GET', '/api/namespaces', undefined],
      ['list_metrics', {}, 'GET', '/api/metrics', undefined],
      ['metric_series', { metric: 'cpu/usage_rate', ...PERIOD, groupBy: 'namespace' }, 'POST', '/api/series/cpu/usage_rate', { ...PERIOD, groupBy: 'namespace' }],
    ];
    for (const [name, args, method, path, body] of cases) {
      const result = (await service.callTool({ name, arguments: args })) as CallToolResult;
      const expected = await http(method, path, serviceHeaders(), body);
      expect(expected.status).toBe(200);
      expect({ name, answer: JSON.parse(textOf(result)) }).toEqual({ name, answer: expected.body });
    }
    const ledger = (await service.callTool({ name: 'ledger_status', arguments: {} })) as CallToolResult;
    expect(ledger.isError).toBeFalsy();
    expect(Object.keys(ledger.structuredContent ?? {})).toEqual(expect.arrayContaining(['rolledThrough', 'lagSeconds']));
    // An open month is computed at each read: the same invoices, another generatedAt.
    const month = (await service.callTool({ name: 'billing_period', arguments: { period: '2017-12' } })) as CallToolResult;
    const billed = await http('GET', '/api/billing/periods/2017-12', serviceHeaders(), undefined);
    expect(billed.status).toBe(200);
    const computedAt = (doc: unknown) => ({ ...(doc as Record<string, unknown>), generatedAt: '' });
    expect(computedAt(month.structuredContent)).toEqual(computedAt(billed.body));
    expect((month.structuredContent as { status: string; invoices: unknown[] }).status).toBe('open');
  });

  it("should keep a viewer's agent to the viewer's namespaces", async () => {
    const namespaces = (await viewer.callTool({ name: 'list_namespaces', arguments: {} })) as CallToolResult;
    expect(namespaces.structuredContent).toEqual({ namespaces: ['cluster-3'] });
    const report = (await viewer.callTool({ name: 'usage_report', arguments: PERIOD })) as CallToolResult;
    const direct = await http('POST', '/api/ui/usage', viewerHeaders, PERIOD);
    expect(settled(report.structuredContent)).toEqual(settled(direct.body));
    expect((report.structuredContent as { rows: { namespace_name: string }[] }).rows.map((r) => r.namespace_name)).toEqual(['cluster-3']);
    const outside = (await viewer.callTool({ name: 'usage_report', arguments: { ...PERIOD, namespaces: ['default'] } })) as CallToolResult;
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/^403: /);
    // The ledger's status is the billing system's and the admins'.
    const ledger = (await viewer.callTool({ name: 'ledger_status', arguments: {} })) as CallToolResult;
    expect(ledger.isError).toBe(true);
    expect(textOf(ledger)).toMatch(/^403: /);
    const month = (await viewer.callTool({ name: 'billing_period', arguments: { period: '2017-12' } })) as CallToolResult;
    const lines = (month.structuredContent as { invoices: { lines: { namespace: string }[] }[] }).invoices.flatMap((i) => i.lines);
    expect(lines.length).toBeGreaterThan(0);
    expect([...new Set(lines.map((l) => l.namespace))]).toEqual(['cluster-3']);
  });

  it('should answer bad arguments with a tool error naming the field, and go on serving', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['usage_report', { from: '2017-13-45', to: '2018-01-01' }, /^400: from: /],
      ['usage_report', { ...PERIOD, groupBy: 'container' }, /^400: groupBy: must be "namespace", "pod" or "node"/],
      ['usage_report', { ...PERIOD, basis: ['max'] }, /^400: basis: /],
      ['usage_report', { ...PERIOD, surprise: 1 }, /^400: surprise: property surprise should not exist/],
      ['metric_series', { ...PERIOD }, /^metric: is required/],
      ['metric_series', { metric: 'no/such_metric', ...PERIOD }, /^404: /],
      ['list_namespaces', { deep: { a: 1 } }, /^deep: must be a string, a number or a boolean/],
      ['billing_period', {}, /^period: is required, a string such as "2026-10"/],
      ['billing_period', { period: '2017-13' }, /^400: period: must be a month YYYY-MM/],
      ['billing_period', { period: '2017-12', version: 0 }, /^400: version: /],
    ];
    for (const [name, args, message] of cases) {
      const result = (await service.callTool({ name, arguments: args })) as CallToolResult;
      expect({ name, args, isError: result.isError, text: textOf(result) }).toEqual({ name, args, isError: true, text: expect.stringMatching(message) });
    }
    await expect(service.callTool({ name: 'drop_tables', arguments: {} })).rejects.toThrow(/Tool drop_tables not found/);
    expect((await service.listTools()).tools).toHaveLength(6);
  });

  it('should accept a lone notification with 202 and refuse an empty batch with a JSON-RPC 400 naming the body', async () => {
    const post = (body: unknown) =>
      fetch(`${e2eEnv.apiUrl}/api/mcp`, {
        method: 'POST',
        headers: { ...serviceHeaders(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(body),
      });
    const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(note.status).toBe(202);
    const empty = await post([]);
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: expect.stringMatching(/^body: /) }, id: null });
  });

  it('should answer GET and DELETE with 405: a stateless server offers no stream and no session', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${e2eEnv.apiUrl}/api/mcp`, { method, headers: { ...serviceHeaders(), accept: 'text/event-stream' } });
      expect({ method, status: res.status }).toEqual({ method, status: 405 });
    }
  });
});
