import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository';
import { AuditRepository } from './audit.repository';
import { ClusterSecretRepository } from './cluster-secret.repository';
import { NodeRepository } from './node.repository';
import { PlacementRepository } from './placement.repository';
import { PrismaService } from './prisma.service';
import { TenantRepository } from './tenant.repository';

const providers = [
  PrismaService,
  TenantRepository,
  ApiKeyRepository,
  AuditRepository,
  NodeRepository,
  PlacementRepository,
  ClusterSecretRepository,
];

@Global()
@Module({ providers, exports: providers })
export class DbModule {}
