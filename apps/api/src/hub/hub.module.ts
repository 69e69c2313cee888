import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { HubController } from './hub.controller';
import { TenantApiKeysController } from './tenant-api-keys.controller';
import { UsageService } from './usage.service';

@Module({
  imports: [TenantsModule],
  controllers: [HubController, TenantApiKeysController],
  providers: [UsageService],
})
export class HubModule {}
