export * from './object-storage';
export * from './object-key';
export * from './fs-object-storage';
export * from './s3-object-storage';
export * from './storage.module';
export { probeRoundTrip, readAll, PROBE_PREFIX } from './probe';
