import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { ROOT } from './support/api-process';
import { e2eEnv, serviceHeaders } from './support/e2e-env';

/**
 * API keys for machine clients against the built API: created by the service credentials or an
 * admin, shown once, sent as `X-API-KEY` on the service endpoints and the MCP server, limited to
 * their namespaces, revoked at once.
 */
const PASSWORD = 'Keys-test-pass-42';
const PERIOD = { from: '2017-12-01', to: '2017-12-02' };

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${e2eEnv.apiUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function createKey(body: Record<string, unknown>, headers = serviceHeaders()): Promise<{ id: string; key: string }> {
  const res = await call('POST', '/api/api-keys', headers, body);
  expect(res.status).toBe(201);
  return res.body as unknown as { id: string; key: string };
}

describe('API keys (X-API-KEY)', () => {
  let admin: Record<string, string>;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    for (const [username, role] of [
      ['keys-admin', 'admin'],
      ['keys-viewer', 'viewer'],
    ]) {
      const r = spawnSync(
        process.execPath,
        [join(ROOT, 'dist/apps/api/cli/users-cli.js'), 'createuser', `--username=${username}`, `--email=${username}@example.org`, '--password-stdin', `--role=${role}`],
        { input: `${PASSWORD}\n`, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', SQLITE_PATH: process.env['E2E_SQLITE_PATH'] ?? '' } },
      );
      if (r.status !== 0) throw new Error(`createuser ${username}: ${r.stderr}`);
    }
    const login = async (username: string) =>
      ({ authorization: `Bearer ${((await call('POST', '/api/auth/login', {}, { username, password: PASSWORD })).body as { accessToken: string }).accessToken}` }) as Record<
        string,
        string
      >;
    admin = await login('keys-admin');
    viewer = await login('keys-viewer');
  });

  it('should create a key shown once, list it without its secret, and record its use', async () => {
    const created = await call('POST', '/api/api-keys', admin, { name: 'sifac-export', scope: 'read', namespaces: ['cluster-3'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'sifac-export',
      scope: 'read',
      namespaces: ['cluster-3'],
      createdBy: 'keys-admin',
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    const key = created.body['key'] as string;
    expect(key).toMatch(/^kmk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await call('POST', '/api/usage', { 'x-api-key': key }, PERIOD)).status).toBe(200);
    const listed = (await call('GET', '/api/api-keys', serviceHeaders())).body['keys'] as Record<string, unknown>[];
    const mine = listed.find((k) => k['id'] === created.body['id']);
    expect(mine).toMatchObject({ name: 'sifac-export', scope: 'read' });
    expect(typeof mine?.['lastUsedAt']).toBe('string');
    expect(JSON.stringify(listed)).not.toContain(key.split('_').pop());
    expect(Object.keys(mine ?? {})).not.toContain('key');
  });

  it('should keep a read key to its namespaces on every service endpoint and the MCP server', async () => {
    const { key } = await createKey({ name: 'cluster-3 reader', scope: 'read', namespaces: ['cluster-3'] });
    const headers = { 'x-api-key': key };
    expect((await call('GET', '/api/namespaces', headers)).body).toEqual({ namespaces: ['cluster-3'] });
    const report = await call('POST', '/api/usage', headers, PERIOD);
    expect((report.body['rows'] as { namespace_name: string }[]).map((r) => r.namespace_name)).toEqual(['cluster-3']);
    const other = await call('POST', '/api/usage', headers, { ...PERIOD, namespaces: ['default'] });
    expect(other).toEqual({ status: 403, body: { code: 403, message: 'namespaces: you may not read namespace "default"' } });
    // The ledger's operations take a billing-admin key; no key manages keys.
    expect((await call('GET', '/api/ledger', headers)).status).toBe(403);
    expect((await call('GET', '/api/api-keys', headers)).status).toBe(403);

    const client = new Client({ name: 'keys-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${e2eEnv.apiUrl}/api/mcp`), { requestInit: { headers } }));
    const tools = (await client.callTool({ name: 'list_namespaces', arguments: {} })) as CallToolResult;
    expect(tools.structuredContent).toEqual({ namespaces: ['cluster-3'] });
    const viaMcp = (await client.callTool({ name: 'usage_report', arguments: PERIOD })) as CallToolResult;
    expect({ ...(viaMcp.structuredContent as object), generated_at: undefined }).toEqual({ ...report.body, generated_at: undefined });
    await client.close();
  });

  it('should let a billing-admin key reach the administrative operations, but not the keys', async () => {
    const { key } = await createKey({ name: 'billing', scope: 'billing-admin', namespaces: ['*'] });
    expect((await call('GET', '/api/ledger', { 'x-api-key': key })).status).toBe(200);
    const wide = (await call('GET', '/api/namespaces', { 'x-api-key': key })).body['namespaces'] as string[];
    expect(wide).toEqual(expect.arrayContaining(['cluster-3', 'default']));
    const refused = await call('POST', '/api/api-keys', { 'x-api-key': key }, { name: 'x', scope: 'read', namespaces: [] });
    expect(refused.status).toBe(403);
    expect(refused.body['message']).toMatch(/API keys may not manage API keys/);
  });

  it('should refuse at once a revoked key, and a wrong, malformed or expired one, with 401', async () => {
    const { id, key } = await createKey({ name: 'short-lived', scope: 'read', namespaces: ['*'] });
    expect((await call('GET', '/api/namespaces', { 'x-api-key': key })).status).toBe(200);
    expect((await call('DELETE', `/api/api-keys/${id}`, admin)).status).toBe(204);
    expect(await call('GET', '/api/namespaces', { 'x-api-key': key })).toEqual({ status: 401, body: { code: 401, message: 'API key was revoked' } });
    expect((await call('DELETE', `/api/api-keys/${id}`, admin)).status).toBe(404);
    const wrong = `${key.slice(0, -4)}AAAA`;
    expect(await call('GET', '/api/namespaces', { 'x-api-key': wrong })).toEqual({ status: 401, body: { code: 401, message: 'API key is not recognized' } });
    expect((await call('GET', '/api/namespaces', { 'x-api-key': 'not-a-key' })).status).toBe(401);
    const soon = await createKey({ name: 'expiring', scope: 'read', namespaces: ['*'], expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await call('GET', '/api/namespaces', { 'x-api-key': soon.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await call('GET', '/api/namespaces', { 'x-api-key': soon.key })).toEqual({ status: 401, body: { code: 401, message: 'API key has expired' } });
  });

  it('should be managed by the service credentials and admins only, and refuse bad bodies naming the field', async () => {
    expect((await call('GET', '/api/api-keys', viewer)).status).toBe(403);
    expect((await call('GET', '/api/api-keys', {})).status).toBe(401);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ scope: 'read', namespaces: [] }, /^name: /],
      [{ name: 'x', scope: 'root', namespaces: [] }, /^scope: must be one of read, billing-admin/],
      [{ name: 'x', scope: 'read', namespaces: ['Not_A_Namespace'] }, /^namespaces: /],
      [{ name: 'x', scope: 'read', namespaces: ['*', 'default'] }, /^namespaces: "\*" stands alone/],
      [{ name: 'x', scope: 'read', namespaces: [], expiresAt: '2001-01-01' }, /^expiresAt: must be in the future/],
      [{ name: 'x', scope: 'read', namespaces: [], expiresAt: 'tomorrow' }, /^expiresAt: /],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', '/api/api-keys', serviceHeaders(), body);
      expect({ body, status: res.status, message: res.body['message'] }).toEqual({ body, status: 400, message: expect.stringMatching(message) });
    }
    expect((await call('DELETE', '/api/api-keys/nope', serviceHeaders())).status).toBe(404);
  });
});
