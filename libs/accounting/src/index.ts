export * from './lib/accounting';
