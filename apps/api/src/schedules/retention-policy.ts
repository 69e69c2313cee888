/** The retention of a schedule: at least one limit is set. */
export interface RetentionPolicy {
  keepLast: number | null;
  maxAgeDays: number | null;
}

/** What retention needs to know of a backup the schedule made. */
export interface RetainedBackup {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  createdAt: Date;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The backups of one schedule that retention deletes. Both limits bound what is kept:
 * a succeeded backup goes when it is not among the `keepLast` newest succeeded ones, or
 * when it is older than `maxAgeDays`. What must stay true whatever the policy:
 * - the newest succeeded backup (the one just made) is never chosen;
 * - queued and running backups are never chosen;
 * - a failed or cancelled run (no objects, a row kept for diagnosis) goes once it is
 *   older than the oldest succeeded backup kept, or older than `maxAgeDays`.
 * The caller passes only this schedule's backups, and skips any a restore is reading.
 */
export function expiredBackups(backups: RetainedBackup[], policy: RetentionPolicy, now: Date): string[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
  const tooOld = (b: RetainedBackup) => policy.maxAgeDays !== null && now.getTime() - b.createdAt.getTime() > policy.maxAgeDays * DAY_MS;
  const succeeded = newestFirst.filter((b) => b.status === 'succeeded');
  const kept = succeeded.filter((b, i) => i === 0 || ((policy.keepLast === null || i < policy.keepLast) && !tooOld(b)));
  const keptIds = new Set(kept.map((b) => b.id));
  const oldestKept = kept.length > 0 ? kept[kept.length - 1].createdAt.getTime() : -Infinity;
  return newestFirst
    .filter((b) => {
      if (b.status === 'succeeded') return !keptIds.has(b.id);
      if (b.status === 'failed' || b.status === 'cancelled') return b.createdAt.getTime() < oldestKept || tooOld(b);
      return false;
    })
    .map((b) => b.id);
}
