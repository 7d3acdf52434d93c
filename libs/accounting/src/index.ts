export * from './lib/pod-key';
export * from './lib/figures';
export * from './lib/usage-window';
export * from './lib/series-accumulator';
export * from './lib/group-rollup';
export * from './lib/step-detection';
export * from './lib/sample-reader';
export * from './lib/usage-engine';
