export * from './lib/simulator';
