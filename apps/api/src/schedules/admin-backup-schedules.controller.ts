import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin.guard';
import { requestIdOf } from '../http/request-id';
import { TenantsService } from '../tenants/tenants.service';
import { BackupScheduleService } from './backup-schedule.service';
import { backupScheduleView } from './backup-schedule.views';
import { CreateBackupScheduleDto, UpdateBackupScheduleDto } from './dto/backup-schedule.dto';

const by = (req: unknown) => ({ actor: 'admin', requestId: requestIdOf(req) });

/** The operator managing a tenant's backup schedules: the same rules as the tenant's own routes. */
@ApiTags('admin: backup schedules')
@AdminOnly()
@ApiNotFoundResponse({ description: 'no such tenant or schedule' })
@Controller('admin/tenants/:id/backup-schedules')
export class AdminBackupSchedulesController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly schedules: BackupScheduleService,
  ) {}

  @Post()
  @ApiOperation({ summary: "Create a schedule for the tenant (body as POST /api/hub/backup-schedules)" })
  @ApiUnprocessableEntityResponse({ description: 'invalid cron, time zone, retention or collections' })
  async create(@Param('id') id: string, @Body() dto: CreateBackupScheduleDto, @Req() req: unknown) {
    const tenant = await this.tenants.get(id);
    return backupScheduleView(await this.schedules.create(tenant, dto, by(req)));
  }

  @Get()
  @ApiOperation({ summary: "The tenant's backup schedules" })
  async list(@Param('id') id: string) {
    const tenant = await this.tenants.get(id);
    return { backup_schedules: (await this.schedules.list(tenant.id)).map((s) => backupScheduleView(s)) };
  }

  @Get(':scheduleId')
  @ApiOperation({ summary: 'One schedule of the tenant' })
  async get(@Param('id') id: string, @Param('scheduleId') scheduleId: string) {
    const tenant = await this.tenants.get(id);
    return backupScheduleView(await this.schedules.get(tenant.id, scheduleId));
  }

  @Patch(':scheduleId')
  @ApiOperation({ summary: 'Change one schedule of the tenant' })
  async update(@Param('id') id: string, @Param('scheduleId') scheduleId: string, @Body() dto: UpdateBackupScheduleDto, @Req() req: unknown) {
    const tenant = await this.tenants.get(id);
    return backupScheduleView(await this.schedules.update(tenant, scheduleId, dto, by(req)));
  }

  @Delete(':scheduleId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one schedule of the tenant' })
  @ApiNoContentResponse()
  async remove(@Param('id') id: string, @Param('scheduleId') scheduleId: string, @Req() req: unknown) {
    const tenant = await this.tenants.get(id);
    await this.schedules.remove(tenant.id, scheduleId, by(req));
  }
}
