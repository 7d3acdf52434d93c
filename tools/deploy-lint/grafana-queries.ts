/**
 * Every query of a Grafana dashboard run on a real InfluxDB (Debian's influxd) holding points in the
 * shapes Telegraf, dcgm-exporter and Heapster write, with the expected figures for some panels.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

import { startInfluxDb } from '@kube-monitoring/testing';

import type { Obj } from './objects';

export async function dashboardQueryProblems(dashboardFile: string): Promise<string[]> {
  const problems: string[] = [];
  const influx = await startInfluxDb();
  try {
    const call = (path: string, body?: string) =>
      new Promise<{ status: number; text: string }>((done, fail) => {
        const r = request(`${influx.url}${path}`, { method: body === undefined ? 'GET' : 'POST' }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => done({ status: res.statusCode ?? 0, text }));
        });
        r.on('error', fail);
        if (body !== undefined) r.write(body);
        r.end();
      });
    await call(`/query?q=${encodeURIComponent('CREATE DATABASE k8s')}`, '');
    const now = Math.floor(Date.now() / 1000 / 60) * 60;
    const lines: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const t = now - i * 60;
      // Telegraf inputs.kubernetes (two containers of one pod, a second namespace).
      lines.push(
        `kubernetes_pod_container,container_name=app,host=node-1,namespace=cluster-3,node_name=node-1,pod_name=train-0 cpu_usage_nanocores=200000000i,cpu_usage_core_nanoseconds=${i}000000000i,memory_usage_bytes=1073741824i,memory_working_set_bytes=900000000i ${t}`,
      );
      lines.push(
        `kubernetes_pod_container,container_name=sidecar,host=node-1,namespace=cluster-3,node_name=node-1,pod_name=train-0 cpu_usage_nanocores=50000000i,memory_usage_bytes=104857600i ${t}`,
      );
      lines.push(
        `kubernetes_pod_container,container_name=web,host=node-2,namespace=team-a,node_name=node-2,pod_name=web-1 cpu_usage_nanocores=100000000i,memory_usage_bytes=52428800i ${t}`,
      );
      // Telegraf inputs.kube_inventory in the same measurement (requests/limits only).
      lines.push(
        `kubernetes_pod_container,container_name=app,host=node-1,image=trainer,namespace=cluster-3,node_name=node-1,phase=Running,pod_name=train-0,readiness=ready,state=running,version=1 resource_requests_millicpu_units=500i,resource_limits_memory_bytes=2147483648i,restarts_total=0i,state_code=0i ${t}`,
      );
      lines.push(`kubernetes_pod_network,host=node-1,namespace=cluster-3,node_name=node-1,pod_name=train-0 rx_bytes=${i}000i,tx_bytes=${i}000i,rx_errors=0i,tx_errors=0i ${t}`);
      lines.push(`kubernetes_node,host=node-1,node_name=node-1 cpu_usage_nanocores=1500000000i,memory_usage_bytes=8589934592i ${t}`);
      // dcgm-exporter through inputs.prometheus, metric_version=1 (a used and an idle GPU).
      lines.push(`DCGM_FI_DEV_FB_USED,Hostname=node-1,UUID=GPU-0a,container=app,gpu=0,host=node-1,modelName=A100,namespace=cluster-3,pod=train-0 gauge=2048 ${t}`);
      lines.push(`DCGM_FI_DEV_FB_USED,Hostname=node-1,UUID=GPU-0b,gpu=1,host=node-1,modelName=A100 gauge=0 ${t}`);
      // Heapster.
      lines.push(`cpu/usage_rate,cluster_name=default,namespace_name=cluster-3,type=ns value=250i ${t}`);
      lines.push(`memory/usage,cluster_name=default,namespace_name=cluster-3,type=ns value=1178599424i ${t}`);
      lines.push(`gpu/usage,cluster_name=default,namespace_name=cluster-3,pod_name=train-0,type=pod value=2147i ${t}`);
      lines.push(`gpu/usage,cluster_name=default,container_name=app,namespace_name=cluster-3,pod_name=train-0,type=pod_container value=2147i ${t}`);
    }
    const w = await call('/write?db=k8s&precision=s', lines.join('\n'));
    if (w.status !== 204) return [`could not write the fixture points: ${w.status} ${w.text}`];

    // Expected value of the first series of each panel, for a few panels (unit arithmetic).
    const expected: Record<string, number> = {
      'CPU usage per namespace (cores)': 0.25,
      'Memory usage per namespace': 1073741824 + 104857600,
      'GPU memory used per namespace': 2048,
      'cpu/usage_rate per namespace (cores)': 0.25,
      'gpu/usage per namespace': 2147,
    };
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Obj;
    for (const p of (dashboard['panels'] as Obj[]).filter((x) => x['type'] !== 'row')) {
      for (const t of p['targets'] ?? []) {
        const q = String(t.query).replaceAll('$timeFilter', 'time > now() - 30m').replaceAll('$__interval', '60s').replaceAll('$namespace', '.*');
        const r = await call(`/query?db=k8s&epoch=s&q=${encodeURIComponent(q)}`);
        const body = JSON.parse(r.text || '{}') as Obj;
        const res = body['results']?.[0];
        if (r.status !== 200 || body['error'] || res?.error) {
          problems.push(`panel "${p['title']}": ${body['error'] ?? res?.error ?? r.status}\n  ${q}`);
          continue;
        }
        const series = (res?.series ?? []) as Obj[];
        if (series.length === 0) {
          problems.push(`panel "${p['title']}" returns nothing on data in the collector's shape\n  ${q}`);
          continue;
        }
        const want = expected[p['title']];
        if (want !== undefined) {
          const ns3 = series.find((s) => Object.values(s['tags'] ?? {}).includes('cluster-3')) ?? series[0];
          const values = (ns3['values'] as [number, number | null][]).map((v) => v[1]).filter((v): v is number => v !== null);
          const got = values.at(-1);
          if (got === undefined || Math.abs(got - want) > 1e-9 * Math.max(1, want)) problems.push(`panel "${p['title']}": ${got} for cluster-3, expected ${want}\n  ${q}`);
        }
      }
    }
  } finally {
    await influx.stop();
  }
  return problems;
}
