export * from './lib/influx';
