import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { DomainError } from '@hivehub/common';
import type { Placement } from '@hivehub/db';
import { AdminOnly } from '../auth/admin.guard';
import { TenantsService } from '../tenants/tenants.service';
import { PlacementService } from './placement.service';

class PinPlacementDto {
  @ApiProperty({ example: 'node-abc123' })
  @IsString() @Length(1, 64)
  node_id: string;
}

const view = (p: Placement) => ({ tenant_id: p.tenantId, node_id: p.nodeId, epoch: p.epoch, created_at: p.createdAt.toISOString() });

@ApiTags('admin: tenants')
@AdminOnly()
@Controller('admin/tenants/:id/placement')
export class AdminPlacementController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly placement: PlacementService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The node holding the tenant's shard (404 before its first data request)" })
  async get(@Param('id') id: string) {
    await this.tenants.get(id);
    const placement = await this.placement.current(id);
    if (!placement) throw new DomainError('not_found', `tenant ${id} has no shard yet; it is placed on its first data request`);
    return view(placement);
  }

  @Put()
  @ApiOperation({ summary: 'Pin a tenant without data to a node (409 if it is already placed elsewhere)' })
  async pin(@Param('id') id: string, @Body() dto: PinPlacementDto) {
    return view(await this.placement.pin(await this.tenants.get(id), dto.node_id));
  }
}
