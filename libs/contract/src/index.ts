export * from './lib/metric-catalog';
export * from './lib/api-types';
export * from './lib/units';
export * from './lib/rules/namespace-rules';
export * from './lib/rules/time-rules';
export * from './lib/rules/user-rules';
export * from './lib/rules/gpu-resources';
