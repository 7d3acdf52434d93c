import { createApp } from './bootstrap/create-app';
import { installProcessSafetyNet } from './bootstrap/process-safety-net';
import { ConfigError, loadConfig } from './config/app-config';
import { createRootLogger } from './logging/app-logger';
import { metricsListenerOf } from './observability/prometheus-metrics';

/** In-flight requests get this long to finish after SIGTERM before the process gives up. */
const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`kube-monitoring: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createRootLogger(config);
  installProcessSafetyNet(logger);
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this run; tokens will not survive a restart');
  }
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host);
  logger.info({ port: config.port, docs: '/api/docs', web: '/web' }, `kube-monitoring API listening on ${config.host}:${config.port}`);
  const metricsPort = await metricsListenerOf(app.getHttpAdapter().getInstance())?.start();
  if (metricsPort) logger.info({ metricsPort }, `Prometheus metrics on ${config.host}:${metricsPort}/metrics`);
  else logger.info('METRICS_PORT=0: no Prometheus metrics listener');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // Fastify stops accepting, waits for in-flight requests, then Nest closes pools (InfluxDB, database).
    app
      .close()
      .then(() => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      })
      .catch((e: unknown) => {
        logger.error({ err: e }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`kube-monitoring: failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
