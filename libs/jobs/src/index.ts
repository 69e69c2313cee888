export * from './job-registry';
export * from './job-handler';
export * from './job-producer';
export * from './redis-connection';
export * from './schedule-queue';
