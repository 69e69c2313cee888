import { Injectable } from '@nestjs/common';
import { type Backup, type BackupSchedule, JobStatus, Prisma, TenantStatus } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export type { BackupSchedule };

export interface ScheduleFields {
  cron: string;
  timezone: string;
  collections: string[];
  keepLast: number | null;
  maxAgeDays: number | null;
  enabled: boolean;
}

/** A schedule that scheduled backups name; what the retention sweep acts on. */
export interface ScheduleRef {
  tenantId: string;
  scheduleId: string;
}

/** Thrown by the insert of a row whose id exists (a tick delivered twice made its backup already). */
export function isDuplicateId(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

@Injectable()
export class BackupScheduleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the schedule unless the tenant has `max` already; null then. A per-tenant
   * advisory lock makes count-then-insert atomic across api processes.
   */
  async createWithinLimit(tenantId: string, id: string, fields: ScheduleFields, max: number): Promise<BackupSchedule | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`backup-schedules:${tenantId}`}, 0))`;
      if ((await tx.backupSchedule.count({ where: { tenantId } })) >= max) return null;
      return tx.backupSchedule.create({ data: { ...fields, id, tenantId } });
    });
  }

  find(tenantId: string, id: string): Promise<BackupSchedule | null> {
    return this.prisma.backupSchedule.findFirst({ where: { tenantId, id } });
  }

  /** The row a tick names, read before its tenant is known; the row's tenant id scopes every later call. */
  peek(id: string): Promise<BackupSchedule | null> {
    return this.prisma.backupSchedule.findUnique({ where: { id } });
  }

  list(tenantId: string): Promise<BackupSchedule[]> {
    return this.prisma.backupSchedule.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** Changes the given fields and bumps the revision; null when the tenant has no such schedule. */
  async update(tenantId: string, id: string, fields: Partial<ScheduleFields>): Promise<BackupSchedule | null> {
    const { count } = await this.prisma.backupSchedule.updateMany({ where: { tenantId, id }, data: { ...fields, revision: { increment: 1 } } });
    return count === 0 ? null : this.find(tenantId, id);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.backupSchedule.deleteMany({ where: { tenantId, id } });
    return count > 0;
  }

  /** A tick made `backupId` for `slot`; an older slot arriving late never overwrites a newer one. */
  async recordRun(tenantId: string, id: string, slot: Date, backupId: string): Promise<void> {
    await this.prisma.backupSchedule.updateMany({
      where: { tenantId, id, OR: [{ lastSlotAt: null }, { lastSlotAt: { lte: slot } }] },
      data: { lastSlotAt: slot, lastBackupId: backupId, lastErrorCode: null, lastErrorMessage: null },
    });
  }

  /** A tick made no backup; the slot counts as passed, the reason stays for whoever looks. */
  async recordFailure(tenantId: string, id: string, slot: Date, failure: { code: string; message: string }): Promise<void> {
    await this.prisma.backupSchedule.updateMany({
      where: { tenantId, id, OR: [{ lastSlotAt: null }, { lastSlotAt: { lte: slot } }] },
      data: { lastSlotAt: slot, lastErrorCode: failure.code, lastErrorMessage: failure.message },
    });
  }

  /**
   * Every tenant's enabled schedules, but those of deleted tenants: the sync to Redis
   * (an operator task, hence not scoped by tenant).
   */
  allEnabled(): Promise<BackupSchedule[]> {
    return this.prisma.backupSchedule.findMany({ where: { enabled: true, tenant: { status: { not: TenantStatus.deleted } } } });
  }

  /** The backups a schedule made, newest first (retention looks at all of them). */
  backupsOf(tenantId: string, scheduleId: string): Promise<Backup[]> {
    return this.prisma.backup.findMany({ where: { tenantId, scheduleId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  /**
   * Schedules with a backup that succeeded since `since`, every tenant's: the retention
   * sweep's work list. Served by the backups' (status, updated_at) index.
   */
  async withSuccessSince(since: Date, limit: number): Promise<ScheduleRef[]> {
    const rows = await this.prisma.backup.groupBy({
      by: ['tenantId', 'scheduleId'],
      where: { status: JobStatus.succeeded, updatedAt: { gte: since }, scheduleId: { not: null } },
      orderBy: [{ tenantId: 'asc' }, { scheduleId: 'asc' }],
      take: limit,
    });
    return rows.map((r) => ({ tenantId: r.tenantId, scheduleId: r.scheduleId! }));
  }
}
