export * from './ledger-records';
export * from './ledger-reader';
export * from './hour-roller';
export * from './hour-totals';
export * from './stitched-usage';
export * from './step-codec';
export * from './node-hours';
