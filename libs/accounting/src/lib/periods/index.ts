export * from './zoned-calendar';
export * from './report-window';
