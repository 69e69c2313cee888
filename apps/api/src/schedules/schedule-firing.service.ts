import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DomainError, type ErrorCode } from '@hivehub/common';
import { BackupRepository, type BackupSchedule, BackupScheduleRepository, isDuplicateId, type Tenant, TenantRepository } from '@hivehub/db';
import { ScheduleQueue, type ScheduleTick } from '@hivehub/jobs';
import { BackupService } from '../backups/backup.service';
import { slotBackupId } from './schedule-rules';
import { SchedulerRegistry } from './scheduler-registry.service';

/** Failures worth another try of the same tick: the node, PostgreSQL or Redis may be back in a moment. */
const TRANSIENT: ErrorCode[] = ['unavailable', 'timeout', 'internal'];

export type FiringOutcome = 'created' | 'already_created' | 'skipped' | 'stale' | 'refused';

export interface TickAttempt {
  attempt: number;
  maxAttempts: number;
}

/**
 * What one tick of a schedule does: a normal backup through BackupService (row first,
 * then the job on the node of the tenant's shard), with the slot's own backup id so a
 * tick taken twice (redelivered after its consumer died) inserts nothing the second
 * time. Errors are never swallowed: a transient one is rethrown for BullMQ's retries,
 * a permanent one (quota, a missing collection) is recorded on the schedule and ends
 * the tick with UnrecoverableError; the next slot tries afresh.
 */
@Injectable()
export class ScheduleFiring {
  private readonly logger = new Logger('schedules');

  constructor(
    private readonly schedules: BackupScheduleRepository,
    private readonly tenants: TenantRepository,
    private readonly backups: BackupRepository,
    private readonly backupService: BackupService,
    private readonly registry: SchedulerRegistry,
    private readonly queue: ScheduleQueue,
  ) {}

  async fire(tick: ScheduleTick, slot: Date, attempt: TickAttempt): Promise<FiringOutcome> {
    const schedule = await this.schedules.peek(tick.scheduleId);
    // Deleted or disabled since the tick was planned: its scheduler is (being) removed.
    if (!schedule || !schedule.enabled) return 'skipped';
    if (tick.revision < schedule.revision) return this.stale(schedule);
    // A later slot ran already: this tick is a late retry or redelivery, and its backup
    // would be older than one that exists (or was made and then deleted by retention).
    if (schedule.lastSlotAt && slot < schedule.lastSlotAt) return 'skipped';
    const tenant = await this.tenants.findById(schedule.tenantId);
    // A deleted tenant's schedulers are removed by the next sync.
    if (!tenant) return 'skipped';
    if (tenant.status !== 'active') {
      await this.schedules.recordFailure(schedule.tenantId, schedule.id, slot, { code: 'tenant_suspended', message: 'the tenant is not active; this slot made no backup' });
      return 'refused';
    }
    const id = slotBackupId(schedule.id, slot);
    const outcome = (await this.backups.find(tenant.id, id)) ? 'already_created' : await this.create(tenant, schedule, slot, id, attempt);
    // Recorded again by a tick taken twice: the first run may have died before it got here.
    await this.schedules.recordRun(tenant.id, schedule.id, slot, id);
    return outcome;
  }

  private async create(tenant: Tenant, schedule: BackupSchedule, slot: Date, id: string, attempt: TickAttempt): Promise<FiringOutcome> {
    try {
      await this.backupService.create(
        tenant,
        { collections: schedule.collections, name: `scheduled ${slot.toISOString()}` },
        { actor: `schedule:${schedule.id}` },
        { id, scheduleId: schedule.id },
      );
      return 'created';
    } catch (err) {
      if (isDuplicateId(err)) return 'already_created';
      return this.failed(schedule, slot, err, attempt);
    }
  }

  /**
   * A tick of an older revision (the cron changed, the schedule was re-enabled) makes
   * nothing. Usually the change registered the new revision already; if Redis still
   * holds an older one (a registration lost to a Redis blip), it is replaced here.
   */
  private async stale(schedule: BackupSchedule): Promise<FiringOutcome> {
    const registered = await this.queue.get(schedule.id);
    if (!registered || registered.revision === null || registered.revision < schedule.revision) await this.registry.apply(schedule);
    return 'stale';
  }

  private async failed(schedule: BackupSchedule, slot: Date, err: unknown, attempt: TickAttempt): Promise<never> {
    const code = err instanceof DomainError ? err.code : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    const permanent = !TRANSIENT.includes(code);
    if (permanent || attempt.attempt >= attempt.maxAttempts) {
      await this.schedules.recordFailure(schedule.tenantId, schedule.id, slot, { code, message });
      this.logger.warn(`schedule ${schedule.id}: slot ${slot.toISOString()} made no backup (${code}: ${message})`);
    }
    throw permanent ? new UnrecoverableError(`${code}: ${message}`) : err;
  }
}
