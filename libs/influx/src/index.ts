export * from './lib/influx-client';
export * from './lib/influx-errors';
export * from './lib/influx-query';
export * from './lib/identifiers';
export * from './lib/chunked-json-reader';
