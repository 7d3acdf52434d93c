export * from './lib/service-utils';
export * from './lib/influxdb';
export * from './lib/postgres';
export * from './lib/nginx';
export * from './lib/log-secrets';
export * from './lib/slapd';
