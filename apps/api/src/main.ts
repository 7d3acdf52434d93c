import { ConfigError, loadConfig } from './config/app-config';
import { createApp } from './bootstrap/create-app';
import { createRootLogger } from './logging/app-logger';

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
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this run; tokens will not survive a restart');
  }
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host);
  logger.info({ port: config.port, docs: '/api/docs', web: '/web' }, `kube-monitoring API listening on ${config.host}:${config.port}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`kube-monitoring: failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
