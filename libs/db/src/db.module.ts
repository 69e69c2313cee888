import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository';
import { AuditRepository } from './audit.repository';
import { BackupRepository } from './backup.repository';
import { BackupScheduleRepository } from './backup-schedule.repository';
import { ClusterSecretRepository } from './cluster-secret.repository';
import { NodeRepository } from './node.repository';
import { PlacementRepository } from './placement.repository';
import { PrismaService } from './prisma.service';
import { RestoreRepository } from './restore.repository';
import { TenantRepository } from './tenant.repository';

const providers = [
  PrismaService,
  TenantRepository,
  ApiKeyRepository,
  AuditRepository,
  NodeRepository,
  PlacementRepository,
  ClusterSecretRepository,
  BackupRepository,
  RestoreRepository,
  BackupScheduleRepository,
];

@Global()
@Module({ providers, exports: providers })
export class DbModule {}
