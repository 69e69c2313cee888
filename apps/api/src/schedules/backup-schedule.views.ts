import type { BackupSchedule } from '@hivehub/db';
import { nextRun } from './schedule-rules';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A schedule as the tenant sees it; the revision stays internal. */
export function backupScheduleView(s: BackupSchedule, now = new Date()) {
  return {
    id: s.id,
    cron: s.cron,
    timezone: s.timezone,
    collections: s.collections,
    retention: { keep_last: s.keepLast, max_age_days: s.maxAgeDays },
    enabled: s.enabled,
    next_run_at: s.enabled ? iso(nextRun(s.cron, s.timezone, now)) : null,
    last_run_at: iso(s.lastSlotAt),
    last_backup_id: s.lastBackupId,
    last_error: s.lastErrorCode ? { code: s.lastErrorCode, message: s.lastErrorMessage } : null,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}
