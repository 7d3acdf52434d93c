export * from './lib/metric-catalog';
export * from './lib/api-types';
export * from './lib/units';
