export * from './db.module';
export * from './prisma.service';
export * from './tenant.repository';
export * from './api-key.repository';
export * from './audit.repository';
export * from './node.repository';
export * from './placement.repository';
export * from './cluster-secret.repository';
