import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-request';
import { AuditRepository } from '@hivehub/db';
import { AdminOnly } from '../auth/admin.guard';
import { parseLimit } from '../http/pagination';
import { requestIdOf } from '../http/request-id';
import { CreateTenantDto, UpdateTenantDto } from './dto/create-tenant.dto';
import { TenantsService } from './tenants.service';
import { tenantView } from './views';

@ApiTags('admin: tenants')
@AdminOnly()
@Controller('admin/tenants')
export class AdminTenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly audit: AuditRepository,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiConflictResponse({ description: 'name or id taken' })
  async create(@Body() dto: CreateTenantDto, @Req() req: HttpRequest) {
    return tenantView(await this.tenants.create(dto, requestIdOf(req)));
  }

  @Get()
  @ApiOperation({ summary: 'List live tenants, oldest id first' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const take = parseLimit(limit);
    const page = await this.tenants.list(take, cursor);
    return { tenants: page.map(tenantView), next_cursor: page.length === take ? page[page.length - 1].id : null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a tenant' })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string) {
    return tenantView(await this.tenants.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: "Rename a tenant or change its plan's limits" })
  async update(@Param('id') id: string, @Body() dto: UpdateTenantDto, @Req() req: HttpRequest) {
    return tenantView(await this.tenants.update(id, dto, requestIdOf(req)));
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend a tenant: its keys and service calls get 403 until resumed' })
  async suspend(@Param('id') id: string, @Req() req: HttpRequest) {
    return tenantView(await this.tenants.setStatus(id, 'suspended', requestIdOf(req)));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a suspended tenant' })
  async resume(@Param('id') id: string, @Req() req: HttpRequest) {
    return tenantView(await this.tenants.setStatus(id, 'active', requestIdOf(req)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a tenant (soft): it disappears from every API and its keys are revoked' })
  async delete(@Param('id') id: string, @Req() req: HttpRequest) {
    await this.tenants.delete(id, requestIdOf(req));
  }

  @Get(':id/audit-events')
  @ApiOperation({ summary: "The tenant's audit trail, newest first" })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  async auditEvents(@Param('id') id: string, @Query('limit') limit?: string) {
    await this.tenants.get(id);
    const events = await this.audit.listForTenant(id, parseLimit(limit));
    return {
      events: events.map((e) => ({
        id: e.id.toString(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        details: e.details,
        request_id: e.requestId,
        created_at: e.createdAt.toISOString(),
      })),
    };
  }
}
