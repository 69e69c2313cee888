export * from './domain-error';
export * from './secrets';
export * from './logger';
export * from './version';
export * from './metrics';
export * from './periodic-task';
export * from './timeout';
export * from './serve-first';
