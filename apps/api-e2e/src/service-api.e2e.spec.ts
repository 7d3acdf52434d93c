import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expectedCpuUsage, expectedNamespaceCpuUsage, GIB, HOURS, SAMPLES } from './fixtures/cluster-fixture';
import { e2eEnv, serviceHeaders } from './support/e2e-env';
import { billingClient } from './support/typed-client';

type Row = { namespace_name: string; pod_name?: string; usage: number; sum: number; samples: number; average: number; max: number; unit: string; usage_unit: string };

const DAY = { timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-02' };

async function post(path: string, body: unknown, headers: Record<string, string> = serviceHeaders()) {
  const res = await fetch(`${e2eEnv.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

describe('service API (POST /api/{metric})', () => {
  const client = billingClient();

  it('should answer the original README curl example verbatim (JSON without Content-Type)', () => {
    const out = execFileSync(
      'curl',
      [
        '-s',
        '-X',
        'POST',
        `${e2eEnv.apiUrl}/api/cpu/usage_rate`,
        '-H',
        `x-password: ${e2eEnv.password}`,
        '-H',
        `x-username: ${e2eEnv.username}`,
        '-d',
        '{\n  "agg":"pod-by-namespace",\n  "timeBeginInterval": "2017-12-01",\n  "timeEndInterval": "2017-12-31"\n}',
      ],
      { encoding: 'utf8' },
    );
    const rows = JSON.parse(out) as Row[];
    expect(rows.map((r) => r.pod_name).sort()).toEqual(['batch-1', 'web-1']);
    const web = rows.find((r) => r.pod_name === 'web-1') as Row;
    // Pod counted once: 250 mcores from the pod series, not 500 from pod + containers.
    expect(web.usage).toBeCloseTo(expectedCpuUsage('default', 'web-1'), 6);
    expect(web.sum).toBe(250 * SAMPLES);
    expect(web.average).toBeCloseTo(250, 6);
    expect(web.max).toBe(250);
    expect(web.samples).toBe(SAMPLES);
    expect(web.unit).toBe('millicores');
    expect(web.usage_unit).toBe('millicore-hours');
    // A pod with container series only is summed from its containers.
    expect((rows.find((r) => r.pod_name === 'batch-1') as Row).usage).toBeCloseTo(expectedCpuUsage('default', 'batch-1'), 6);
  });

  it('should return raw points newest first with every tag, honouring limit', async () => {
    const { data, response } = await client.POST('/api/{metric}', { params: { path: { metric: 'cpu/usage_rate' } }, body: { ...DAY, namespace: 'cluster-3', limit: 5 } });
    expect(response.status).toBe(200);
    const points = data as unknown as { time: string; value: number; namespace_name: string; type: string; pod_name?: string }[];
    expect(points).toHaveLength(5);
    const times = points.map((p) => Date.parse(p.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(points.every((p) => p.namespace_name === 'cluster-3')).toBe(true);
    expect(points[0]).toEqual(expect.objectContaining({ time: '2017-12-01T02:00:00.000Z', type: expect.any(String) }));
  });

  it('should accept limit as a numeric string', async () => {
    const r = await post('/api/memory/usage', { ...DAY, limit: '3' });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(3);
  });

  it('should aggregate per namespace without kube-system and without double counting', async () => {
    const { data } = await client.POST('/api/{metric}', { params: { path: { metric: 'cpu/usage_rate' } }, body: { ...DAY, agg: 'all-namespace' } });
    const rows = data as unknown as Row[];
    expect(rows.map((r) => r.namespace_name)).toEqual(['cluster-3', 'default']);
    for (const r of rows) expect(r.usage).toBeCloseTo(expectedNamespaceCpuUsage(r.namespace_name), 6);
    // The namespace peak is the peak of the namespace total.
    expect((rows.find((r) => r.namespace_name === 'cluster-3') as Row).max).toBe(3000);
  });

  it('should keep pods with the same name in different namespaces apart', async () => {
    const rows = (await post('/api/cpu/usage_rate', { ...DAY, agg: 'all-pod' })).body as Row[];
    const webs = rows.filter((r) => r.pod_name === 'web-1');
    expect(webs.map((r) => [r.namespace_name, r.usage])).toEqual([
      ['cluster-3', expectedCpuUsage('cluster-3', 'web-1')],
      ['default', expectedCpuUsage('default', 'web-1')],
    ]);
    expect(rows.some((r) => r.namespace_name === 'kube-system')).toBe(false);
  });

  it('should report memory in byte-hours and GPU in megabyte-hours', async () => {
    const mem = (await post('/api/memory/usage', { ...DAY, agg: 'pod-by-namespace', namespace: 'cluster-3' })).body as Row[];
    expect((mem.find((r) => r.pod_name === 'train-1') as Row).usage).toBeCloseTo(8 * GIB * HOURS, 0);
    const gpu = (await post('/api/gpu/usage', { ...DAY, agg: 'all-namespace' })).body as Row[];
    expect(gpu).toEqual([expect.objectContaining({ namespace_name: 'cluster-3', usage: 4000 * HOURS, usage_unit: 'megabyte-hours', max: 4000 })]);
  });

  it('should include kube-system when asked by namespace', async () => {
    const rows = (await post('/api/cpu/usage_rate', { ...DAY, agg: 'pod-by-namespace', namespace: 'kube-system' })).body as Row[];
    expect(rows).toEqual([expect.objectContaining({ pod_name: 'kube-dns-1', usage: expectedCpuUsage('kube-system', 'kube-dns-1') })]);
  });

  it('should treat begin as inclusive and end as exclusive', async () => {
    // The sample stamped 00:10 is inside [00:10, 00:11); the one stamped 00:11 is not.
    const raw = (await post('/api/cpu/usage_rate', { namespace: 'cluster-3', timeBeginInterval: '2017-12-01T00:10:00Z', timeEndInterval: '2017-12-01T00:11:00Z' })).body as {
      time: string;
    }[];
    expect(new Set(raw.map((p) => p.time))).toEqual(new Set(['2017-12-01T00:10:00.000Z']));
  });

  it('should answer the original empty-set message when there is no data', async () => {
    const r = await post('/api/cpu/usage_rate', { timeBeginInterval: '2016-01-01', timeEndInterval: '2016-01-02' });
    expect(r).toEqual(expect.objectContaining({ status: 200, body: { code: 200, message: 'Query returns empty set' } }));
  });

  it('should answer the original auth messages', async () => {
    expect((await post('/api/cpu/usage_rate', {}, {})).body).toEqual({ code: 401, message: 'You are not authorized' });
    expect((await post('/api/cpu/usage_rate', {}, { 'x-username': e2eEnv.username, 'x-password': 'wrong' })).body).toEqual({
      code: 401,
      message: 'Username and password is not recognized',
    });
  });

  it('should answer 405 with Allow: POST to other methods and 404 to unknown metrics', async () => {
    const get = await fetch(`${e2eEnv.apiUrl}/api/cpu/usage_rate`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({ code: 405, message: expect.any(String) });
    const unknown = await post('/api/cpu/not_a_metric', {});
    expect(unknown.status).toBe(404);
    expect((unknown.body as { message: string }).message).toContain('cpu/not_a_metric');
  });

  it.each([
    [{ namespace: "default' OR 1=1 --" }, 'namespace'],
    [{ namespace: 'Default' }, 'namespace'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 10001 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ timeBeginInterval: '2017-13-01' }, 'timeBeginInterval'],
    [{ timeEndInterval: 'yesterday' }, 'timeEndInterval'],
    [{ timeBeginInterval: '2017-12-02', timeEndInterval: '2017-12-01' }, 'timeEndInterval'],
    [{ agg: 42 }, 'agg'],
    [{ unexpected: true }, 'unexpected'],
  ])('should reject %j with a 400 naming %s', async (body, field) => {
    const r = await post('/api/cpu/usage_rate', body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 400, message: expect.stringContaining(field) });
  });

  it('should reject a body that is not JSON with 400', async () => {
    const res = await fetch(`${e2eEnv.apiUrl}/api/cpu/usage_rate`, { method: 'POST', headers: { ...serviceHeaders(), 'content-type': 'application/json' }, body: '{"agg": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 400, message: expect.stringContaining('body') });
  });

  it('should write JSON logs to info.log and errors.log without credentials', async () => {
    await post('/api/cpu/usage_rate', {}, { 'x-username': e2eEnv.username, 'x-password': 'a-wrong-password-xyz' });
    await new Promise((r) => setTimeout(r, 300));
    const info = readFileSync(join(e2eEnv.logDir, 'info.log'), 'utf8');
    const lines = info.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(info).toContain('request completed');
    expect(info).not.toContain(e2eEnv.password);
    expect(info).not.toContain('a-wrong-password-xyz');
    expect(readFileSync(join(e2eEnv.logDir, 'errors.log'), 'utf8')).not.toContain(e2eEnv.password);
  });
});
