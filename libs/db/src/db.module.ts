import { Global, Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository';
import { AuditRepository } from './audit.repository';
import { NodeRepository } from './node.repository';
import { PrismaService } from './prisma.service';
import { TenantRepository } from './tenant.repository';

const providers = [PrismaService, TenantRepository, ApiKeyRepository, AuditRepository, NodeRepository];

@Global()
@Module({ providers, exports: providers })
export class DbModule {}
