// First: the imports below use the workspace path aliases.
import './workspace-aliases';

import { SERVICES_KEY, stopServices, type WebE2eServices } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as Record<string, unknown>)[SERVICES_KEY] as WebE2eServices | undefined;
  if (!services) return;
  const started = Date.now();
  await stopServices(services);
  process.stderr.write(`[web-e2e] services stopped in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
