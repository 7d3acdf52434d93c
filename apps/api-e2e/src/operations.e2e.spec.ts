import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { getFreePort, InfluxHandle, startInfluxDb } from '@kube-monitoring/testing';

import { fixtureLines } from './fixtures/cluster-fixture';
import { ApiProcess, startApi } from './support/api-process';
import { e2eEnv, serviceHeaders } from './support/e2e-env';
import { parsePrometheusText } from './support/prometheus-text';

const body = JSON.stringify({ agg: 'all-namespace', timeBeginInterval: '2017-12-01', timeEndInterval: '2017-12-02' });

function apiEnv(influxPort: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    INFLUXDB_HOST: '127.0.0.1',
    INFLUXDB_PORT: String(influxPort),
    INFLUXDB_DB: e2eEnv.database,
    API_USERNAME: e2eEnv.username,
    API_PASSWORD: e2eEnv.password,
    SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'km-ops-')), 'users.sqlite'),
    ...extra,
  };
}

async function query(api: ApiProcess) {
  const started = Date.now();
  const res = await fetch(`${api.url}/api/cpu/usage_rate`, { method: 'POST', headers: serviceHeaders(), body });
  return { status: res.status, body: (await res.json()) as { code?: number; message?: string }, ms: Date.now() - started };
}

describe('operations', () => {
  describe('when InfluxDB is unreachable or failing', () => {
    let api: ApiProcess;

    afterEach(async () => {
      await api?.stop();
    });

    it("should answer 503 Can't connect to influxdb at once and report not ready", async () => {
      api = await startApi(apiEnv(await getFreePort(), { INFLUXDB_TIMEOUT_MS: '2000' }));
      const r = await query(api);
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ code: 503, message: "Can't connect to influxdb" });
      const ready = await fetch(`${api.url}/api/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { message: string }).message).toContain('influxdb');
      expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
    });

    it('should answer 502 when InfluxDB answers an error', async () => {
      api = await startApi(apiEnv(Number(process.env['E2E_INFLUX_PORT']), { INFLUXDB_DB: 'no_such_database' }));
      const r = await query(api);
      expect(r.status).toBe(502);
      expect(r.body.message).toContain('database not found');
    });
  });

  describe('with its own InfluxDB', () => {
    let influx: InfluxHandle;

    beforeAll(async () => {
      influx = await startInfluxDb();
      await fetch(`${influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE "${e2eEnv.database}"` }) });
      await fetch(`${influx.url}/write?db=${e2eEnv.database}&precision=s`, { method: 'POST', body: fixtureLines().join('\n') });
    });

    afterAll(async () => {
      influx.resume();
      await influx.stop();
    });

    it('should let an in-flight request finish on SIGTERM and exit 0', async () => {
      const api = await startApi(apiEnv(influx.port, { INFLUXDB_TIMEOUT_MS: '20000' }));
      influx.pause();
      const inFlight = query(api);
      await new Promise((r) => setTimeout(r, 300));
      const exit = api.stop('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // New connections are refused while the old request is still being served.
      await expect(fetch(`${api.url}/api/health`)).rejects.toThrow();
      influx.resume();
      const r = await inFlight;
      expect(r.status).toBe(200);
      const code = await exit;
      if (code !== 0) throw new Error(`exit ${code}; output:\n${api.output().slice(-3000)}`);
    });

    it('should answer 504 within the timeout when InfluxDB hangs, then recover', async () => {
      const api = await startApi(apiEnv(influx.port, { INFLUXDB_TIMEOUT_MS: '1500' }));
      try {
        influx.pause();
        const slow = await query(api);
        expect(slow.status).toBe(504);
        influx.resume();
        const again = await query(api);
        expect(again.status).toBe(200);
      } finally {
        influx.resume();
        await api.stop();
      }
    });
  });

  describe('GET /metrics', () => {
    it('should expose Prometheus text on METRICS_PORT that changes after requests', async () => {
      const before = parsePrometheusText(await (await fetch(`${e2eEnv.metricsUrl}/metrics`)).text());
      await fetch(`${e2eEnv.apiUrl}/api/cpu/usage_rate`, { method: 'POST', headers: serviceHeaders(), body });
      const after = parsePrometheusText(await (await fetch(`${e2eEnv.metricsUrl}/metrics`)).text());
      const key = 'kube_monitoring_http_requests_total{method="POST",route="/api/*",status="200"}';
      expect(after.get(key)).toBe((before.get(key) ?? 0) + 1);
      expect(after.get('kube_monitoring_influxdb_request_duration_seconds_count{kind="stream",outcome="ok"}')).toBeGreaterThan(0);
      expect([...after.keys()].some((k) => k.startsWith('kube_monitoring_process_resident_memory_bytes'))).toBe(true);
    });

    it('should show the usage ledger as gauges, the figures of GET /api/ledger', async () => {
      const metrics = parsePrometheusText(await (await fetch(`${e2eEnv.metricsUrl}/metrics`)).text());
      const status = (await (await fetch(`${e2eEnv.apiUrl}/api/ledger`, { headers: serviceHeaders() })).json()) as {
        podHours: number;
        lastError: string | null;
        backfill: { hours: number };
      };
      expect(metrics.get('kube_monitoring_ledger_pod_hours')).toBe(status.podHours);
      expect(metrics.get('kube_monitoring_ledger_backfill_hours')).toBe(status.backfill.hours);
      // This API runs with LEDGER_ENABLED=false (the e2e default): the status says so; no round failed.
      expect(status.lastError).toContain('LEDGER_ENABLED=false');
      expect(metrics.get('kube_monitoring_ledger_last_round_failed')).toBe(0);
      for (const gauge of ['rolled_through_seconds', 'lag_seconds', 'backfill_hours_done']) expect(metrics.has(`kube_monitoring_ledger_${gauge}`)).toBe(true);
    });
  });

  describe('configuration', () => {
    it('should refuse to start on a bad value, naming the variable', async () => {
      const api = await startApi(apiEnv(9, { PORT: 'eighty' }), { waitForHealth: false });
      expect(await new Promise((r) => api.child.once('exit', r))).toBe(2);
      expect(api.output()).toContain('PORT must be an integer');
    });

    it('should refuse to start in production without JWT_SECRET', async () => {
      const api = await startApi(apiEnv(9, { NODE_ENV: 'production' }), { waitForHealth: false });
      expect(await new Promise((r) => api.child.once('exit', r))).toBe(2);
      expect(api.output()).toContain('JWT_SECRET is required');
    });
  });
});
