import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { requestIdOf } from '../http/request-id';
import { BackupScheduleService } from './backup-schedule.service';
import { backupScheduleView } from './backup-schedule.views';
import { CreateBackupScheduleDto, UpdateBackupScheduleDto } from './dto/backup-schedule.dto';

const by = (p: Principal, req: unknown) => ({ actor: actorOf(p), requestId: requestIdOf(req) });

/** A tenant's backup schedules (scope `backup`, or the hub's service key), like its backups. */
@ApiTags('backup schedules')
@TenantRoute('backup')
@Controller('api/hub/backup-schedules')
export class BackupSchedulesController {
  constructor(private readonly schedules: BackupScheduleService) {}

  @Post()
  @ApiOperation({ summary: 'Back up on a cron (5 fields, or 6 with seconds first) in a time zone, with retention after each successful run' })
  @ApiCreatedResponse({ description: 'the schedule, with next_run_at' })
  @ApiUnprocessableEntityResponse({ description: 'invalid cron, unknown time zone, empty retention, bad collection names, or a cron faster than the minimum interval (the message names the field)' })
  @ApiTooManyRequestsResponse({ description: 'the tenant has BACKUP_SCHEDULES_PER_TENANT schedules already' })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateBackupScheduleDto, @Req() req: unknown) {
    return backupScheduleView(await this.schedules.create(p.tenant, dto, by(p, req)));
  }

  @Get()
  @ApiOperation({ summary: "The acting tenant's backup schedules, oldest first" })
  async list(@CurrentPrincipal() p: Principal) {
    return { backup_schedules: (await this.schedules.list(p.tenant.id)).map((s) => backupScheduleView(s)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One schedule: cron, retention, next_run_at, the last run and its backup or error' })
  @ApiNotFoundResponse()
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return backupScheduleView(await this.schedules.get(p.tenant.id, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a schedule (a given retention replaces the policy); enabled: false stops it at once' })
  @ApiNotFoundResponse()
  @ApiUnprocessableEntityResponse({ description: 'as for create' })
  async update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: UpdateBackupScheduleDto, @Req() req: unknown) {
    return backupScheduleView(await this.schedules.update(p.tenant, id, dto, by(p, req)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a schedule: it stops at once; the backups it made stay' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: unknown) {
    await this.schedules.remove(p.tenant.id, id, by(p, req));
  }
}
