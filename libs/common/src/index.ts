export * from './domain-error';
export * from './secrets';
export * from './logger';
export * from './version';
export * from './periodic-task';
