import { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

import { QueryMetrics } from '../influx/query-metrics';

/**
 * `GET /metrics` in Prometheus text format: requests by route and status, their latency,
 * InfluxDB call latency, and the process metrics of prom-client. One registry per app instance,
 * so test suites can run several apps in one process.
 */
export function registerPrometheusMetrics(fastify: FastifyInstance, queryMetrics: QueryMetrics): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kube_monitoring_' });

  const requests = new Counter({
    name: 'kube_monitoring_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'kube_monitoring_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const influx = new Histogram({
    name: 'kube_monitoring_influxdb_request_duration_seconds',
    help: 'InfluxDB call latency by kind (query, stream, write) and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  queryMetrics.subscribe((kind, seconds, ok) => influx.observe({ kind, outcome: ok ? 'ok' : 'error' }, seconds));

  fastify.addHook('onResponse', (req, reply, done) => {
    // The route pattern, not the URL, keeps label cardinality bounded.
    const route = req.routeOptions?.url ?? 'unmatched';
    if (route !== '/metrics') {
      const labels = { method: req.method, route, status: String(reply.statusCode) };
      requests.inc(labels);
      latency.observe(labels, reply.elapsedTime / 1000);
    }
    done();
  });
  fastify.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}
