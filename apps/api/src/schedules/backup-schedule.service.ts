import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@hivehub/common';
import { InjectConfig, type SchedulesConfig } from '@hivehub/config';
import { AuditRepository, type BackupSchedule, BackupScheduleRepository, type ScheduleFields, type Tenant } from '@hivehub/db';
import type { Actor } from '../backups/backup.service';
import type { CreateBackupScheduleDto, RetentionDto, UpdateBackupScheduleDto } from './dto/backup-schedule.dto';
import { assertCron, assertTimezone, ScheduleRuleError } from './schedule-rules';
import { SchedulerRegistry } from './scheduler-registry.service';

/** A tenant's backup schedules: validated rows in PostgreSQL, mirrored as job schedulers in Redis. */
@Injectable()
export class BackupScheduleService {
  constructor(
    private readonly schedules: BackupScheduleRepository,
    private readonly registry: SchedulerRegistry,
    private readonly audit: AuditRepository,
    @InjectConfig('schedules') private readonly config: SchedulesConfig,
  ) {}

  async create(tenant: Tenant, dto: CreateBackupScheduleDto, by: Actor): Promise<BackupSchedule> {
    const tenantId = tenant.id;
    assertRoomFor(tenant, dto.retention);
    const fields = this.validated({
      cron: dto.cron.trim(),
      timezone: dto.timezone ?? 'UTC',
      collections: dto.collections,
      ...retentionFields(dto.retention),
      enabled: dto.enabled ?? true,
    });
    const row = await this.schedules.createWithinLimit(tenantId, randomUUID(), fields, this.config.maxPerTenant);
    if (!row) {
      throw new DomainError('quota_exceeded', `a tenant may have at most ${this.config.maxPerTenant} backup schedules (BACKUP_SCHEDULES_PER_TENANT); delete one first`, {
        quota: 'backup_schedules',
        limit: this.config.maxPerTenant,
      });
    }
    await this.audit.record(tenantId, { ...by, action: 'backup_schedule.created', target: row.id, details: auditDetails(row) });
    await this.registry.apply(row);
    return row;
  }

  list(tenantId: string): Promise<BackupSchedule[]> {
    return this.schedules.list(tenantId);
  }

  async get(tenantId: string, id: string): Promise<BackupSchedule> {
    const row = await this.schedules.find(tenantId, id);
    if (!row) throw DomainError.notFound('backup schedule', id);
    return row;
  }

  /** Changes what is given; the scheduler is registered again (or removed) at once. */
  async update(tenant: Tenant, id: string, dto: UpdateBackupScheduleDto, by: Actor): Promise<BackupSchedule> {
    const tenantId = tenant.id;
    const before = await this.get(tenantId, id);
    if (dto.retention) assertRoomFor(tenant, dto.retention);
    const fields = this.validated({
      cron: dto.cron?.trim() ?? before.cron,
      timezone: dto.timezone ?? before.timezone,
      collections: dto.collections ?? before.collections,
      ...(dto.retention ? retentionFields(dto.retention) : { keepLast: before.keepLast, maxAgeDays: before.maxAgeDays }),
      enabled: dto.enabled ?? before.enabled,
    });
    const row = await this.schedules.update(tenantId, id, fields);
    if (!row) throw DomainError.notFound('backup schedule', id);
    await this.audit.record(tenantId, { ...by, action: 'backup_schedule.updated', target: id, details: auditDetails(row) });
    await this.registry.apply(row);
    return row;
  }

  /** Stops the schedule at once; the backups it made stay (they are the tenant's to delete). */
  async remove(tenantId: string, id: string, by: Actor): Promise<void> {
    if (!(await this.schedules.delete(tenantId, id))) throw DomainError.notFound('backup schedule', id);
    await this.audit.record(tenantId, { ...by, action: 'backup_schedule.deleted', target: id });
    await this.registry.unregister(id);
  }

  /** Every rule a schedule must satisfy, checked before anything is stored; 422 naming the field. */
  private validated(fields: ScheduleFields): ScheduleFields {
    if (fields.collections.includes('*') && fields.collections.length > 1) {
      throw new DomainError('validation_failed', 'collections: "*" means every collection and stands alone');
    }
    if (fields.keepLast === null && fields.maxAgeDays === null) {
      throw new DomainError('validation_failed', 'retention: set keep_last, max_age_days or both');
    }
    try {
      assertTimezone(fields.timezone);
      assertCron(fields.cron, fields.timezone, this.config.minIntervalSeconds);
    } catch (err) {
      if (err instanceof ScheduleRuleError) throw new DomainError('validation_failed', err.message, { field: err.field });
      throw err;
    }
    return fields;
  }
}

/**
 * A run needs room under max_backups for its new backup before retention deletes the
 * oldest, so keeping as many as the plan allows would make every other run fail.
 */
function assertRoomFor(tenant: Tenant, retention: RetentionDto): void {
  if (retention.keep_last !== undefined && retention.keep_last >= tenant.maxBackups) {
    throw new DomainError(
      'validation_failed',
      `retention.keep_last: ${retention.keep_last} leaves no room under the plan's max_backups (${tenant.maxBackups}); each run needs room for its new backup before the oldest is deleted`,
      { field: 'retention.keep_last' },
    );
  }
}

function retentionFields(retention: RetentionDto): Pick<ScheduleFields, 'keepLast' | 'maxAgeDays'> {
  return { keepLast: retention.keep_last ?? null, maxAgeDays: retention.max_age_days ?? null };
}

function auditDetails(row: BackupSchedule) {
  return { cron: row.cron, timezone: row.timezone, collections: row.collections, keep_last: row.keepLast, max_age_days: row.maxAgeDays, enabled: row.enabled };
}
