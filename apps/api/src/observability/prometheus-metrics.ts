import { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

import { QueryMetrics } from '../influx/query-metrics';
import { MetricsListener } from './metrics-listener';

const listeners = new WeakMap<FastifyInstance, MetricsListener>();

/**
 * Prometheus metrics of the API: requests by route and status, their latency, InfluxDB call latency,
 * and the process metrics of prom-client, served in text format by a `MetricsListener` on its own
 * port (never on the API's). One registry per app instance, so test suites can run several apps in
 * one process.
 */
export function registerPrometheusMetrics(fastify: FastifyInstance, queryMetrics: QueryMetrics, listen: { host: string; port: number }): Registry {
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
    const labels = { method: req.method, route, status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  const listener = new MetricsListener(registry, listen.host, listen.port);
  listeners.set(fastify, listener);
  fastify.addHook('onClose', async () => listener.stop());
  return registry;
}

/** The metrics listener of an app; whoever makes the app listen starts it (tests that inject do not). */
export function metricsListenerOf(fastify: FastifyInstance): MetricsListener | undefined {
  return listeners.get(fastify);
}
