export * from './lib/decimal';
export * from './lib/canonical-json';
export * from './lib/invoice';
