import { Module } from '@nestjs/common';
import { DataPlaneModule } from '../data-plane/data-plane.module';
import { TenantsModule } from '../tenants/tenants.module';
import { HubController } from './hub.controller';
import { TenantApiKeysController } from './tenant-api-keys.controller';
import { UsageService } from './usage.service';

@Module({
  imports: [TenantsModule, DataPlaneModule],
  controllers: [HubController, TenantApiKeysController],
  providers: [UsageService],
})
export class HubModule {}
