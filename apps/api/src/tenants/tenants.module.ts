import { Module } from '@nestjs/common';
import { AdminApiKeysController } from './admin-api-keys.controller';
import { AdminTenantsController } from './admin-tenants.controller';
import { ApiKeysService } from './api-keys.service';
import { TenantsService } from './tenants.service';

@Module({
  controllers: [AdminTenantsController, AdminApiKeysController],
  providers: [TenantsService, ApiKeysService],
  exports: [TenantsService, ApiKeysService],
})
export class TenantsModule {}
