export * from './define-config';
export * from './concerns';
export * from './config.module';
