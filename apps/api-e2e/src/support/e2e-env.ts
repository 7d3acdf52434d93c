/** What the global setup started, passed to the suites through the environment. */
export const e2eEnv = {
  get apiUrl(): string {
    return required('E2E_API_URL');
  },
  /** The shared API's Prometheus listener (its METRICS_PORT). */
  get metricsUrl(): string {
    return required('E2E_METRICS_URL');
  },
  get influxUrl(): string {
    return required('E2E_INFLUX_URL');
  },
  get logDir(): string {
    return required('E2E_LOG_DIR');
  },
  username: 'billing-e2e',
  password: 'e2e-Secret-password-1',
  database: 'k8s',
};

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this suite through its jest config (global setup starts the services)`);
  return v;
}

/** Headers of the billing client. */
export function serviceHeaders(): Record<string, string> {
  return { 'x-username': e2eEnv.username, 'x-password': e2eEnv.password };
}
