import { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import { QueryMetrics } from '../influx/query-metrics';
import { MetricsListener } from './metrics-listener';

const listeners = new WeakMap<FastifyInstance, MetricsListener>();

/**
 * Prometheus metrics of the API: requests by route and status, their latency, InfluxDB call latency,
 * and the process metrics of prom-client, served in text format by a `MetricsListener` on its own
 * port (never on the API's). One registry per app instance, so test suites can run several apps in
 * one process.
 */
/** What the ledger's gauges show (`GET /api/ledger`'s figures). */
export interface LedgerGaugeSource {
  status(): Promise<{ rolledThrough: string | null; backfill: { hours: number; hoursDone: number }; lagSeconds: number; podHours: number }>;
  /** Why the last round failed, null when it did not: known without the users' database. */
  readonly lastRoundError: string | null;
}

export function registerPrometheusMetrics(fastify: FastifyInstance, queryMetrics: QueryMetrics, listen: { host: string; port: number }, ledger?: LedgerGaugeSource): Registry {
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

  if (ledger) registerLedgerGauges(registry, ledger);

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

/** The ledger's state as gauges, read once per scrape (the gauges of one scrape share one status read). */
function registerLedgerGauges(registry: Registry, ledger: LedgerGaugeSource): void {
  let shared: { at: number; status: ReturnType<LedgerGaugeSource['status']> } | undefined;
  const status = () => {
    if (!shared || Date.now() - shared.at > 1000) shared = { at: Date.now(), status: ledger.status() };
    return shared.status;
  };
  type Status = Awaited<ReturnType<LedgerGaugeSource['status']>>;
  const gauge = (name: string, help: string, value: (s: Status) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        // A status that cannot be read (users' database down) leaves the previous value.
        const s = await status().catch(() => undefined);
        if (s) this.set(value(s));
      },
    });
  gauge('kube_monitoring_ledger_rolled_through_seconds', 'End of the last contiguous rolled hour, Unix seconds (0 before the first roll)', (s) =>
    s.rolledThrough ? Date.parse(s.rolledThrough) / 1000 : 0,
  );
  gauge('kube_monitoring_ledger_lag_seconds', 'Seconds from the last rolled hour to the end of the newest settled hour', (s) => s.lagSeconds);
  gauge('kube_monitoring_ledger_pod_hours', 'Pod-hours stored in the ledger', (s) => s.podHours);
  gauge('kube_monitoring_ledger_backfill_hours', 'Settled hours since the ledger starts', (s) => s.backfill.hours);
  gauge('kube_monitoring_ledger_backfill_hours_done', 'Settled hours rolled', (s) => s.backfill.hoursDone);
  // From the worker itself: a round fails most often because the users' database is away, and then no status can be read.
  new Gauge({
    name: 'kube_monitoring_ledger_last_round_failed',
    help: '1 when the last rolling round failed (GET /api/ledger says why)',
    registers: [registry],
    collect() {
      this.set(ledger.lastRoundError ? 1 : 0);
    },
  });
}

/** The metrics listener of an app; whoever makes the app listen starts it (tests that inject do not). */
export function metricsListenerOf(fastify: FastifyInstance): MetricsListener | undefined {
  return listeners.get(fastify);
}
