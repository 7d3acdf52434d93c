export * from './lib/usage-window';
export * from './lib/series-accumulator';
export * from './lib/group-rollup';
export * from './lib/step-detection';
