/**
 * The accuracy suite's adversarial datasets: simulated clusters with exact ground truth (scenarios.ts)
 * and their loading into a real InfluxDB (dataset-loader.ts). Used by apps/api-integration and by the
 * measurement scripts in tools/.
 */
export * from './lib/scenarios';
export * from './lib/dataset-loader';
