import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@hivehub/common';
import { BackupScheduleRepository } from '@hivehub/db';
import { BackupArchiveService } from '../backups/backup-archive.service';
import { expiredBackups } from './retention-policy';

export interface RetentionResult {
  deleted: string[];
  /** Chosen but not deleted now: a restore is reading it, or deleting failed (the next pass tries again). */
  kept: string[];
}

/**
 * Applies a schedule's retention to the backups that schedule made (never another
 * schedule's, never one made by hand). Each deletion goes through the same path as
 * DELETE /api/hub/backups/{id} (objects, manifest first, then the row), which refuses
 * a backup that is queued, running or read by a queued or running restore.
 *
 * Safe to run twice at once, from two api processes: both choose the same backups, and
 * whoever comes second finds a backup gone (404) and moves on. A restore asked for in
 * the instant between the check and the deletion fails cleanly on the missing backup
 * (it verifies every object); live data is never touched.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('retention');

  constructor(
    private readonly schedules: BackupScheduleRepository,
    private readonly archives: BackupArchiveService,
  ) {}

  async apply(tenantId: string, scheduleId: string, now = new Date()): Promise<RetentionResult> {
    const schedule = await this.schedules.find(tenantId, scheduleId);
    // A deleted schedule's backups stay: they are the tenant's to delete.
    if (!schedule) return { deleted: [], kept: [] };
    const backups = await this.schedules.backupsOf(tenantId, scheduleId);
    const chosen = expiredBackups(backups, { keepLast: schedule.keepLast, maxAgeDays: schedule.maxAgeDays }, now);
    const result: RetentionResult = { deleted: [], kept: [] };
    for (const id of chosen) {
      try {
        await this.archives.remove(tenantId, id, { actor: `schedule:${scheduleId}` });
        result.deleted.push(id);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'not_found') continue;
        if (!(err instanceof DomainError && err.code === 'conflict')) {
          this.logger.warn(`schedule ${scheduleId}: deleting backup ${id} failed: ${(err as Error).message}`);
        }
        result.kept.push(id);
      }
    }
    return result;
  }
}
