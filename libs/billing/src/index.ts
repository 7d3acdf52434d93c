export * from './lib/decimal';
export * from './lib/canonical-json';
export * from './lib/invoice';
export * from './lib/tariffs';
export * from './lib/billing-period';
export * from './lib/billing-plan';
export * from './lib/rating';
export * from './lib/adjustments';
