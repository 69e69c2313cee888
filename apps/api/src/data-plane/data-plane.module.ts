import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminPlacementController } from './admin-placement.controller';
import { DataPlaneClient } from './data-plane.client';
import { PlacementService } from './placement.service';

@Module({
  imports: [NodesModule, TenantsModule],
  controllers: [AdminPlacementController],
  providers: [PlacementService, DataPlaneClient],
  exports: [DataPlaneClient, PlacementService],
})
export class DataPlaneModule {}
