import { createHash } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';

/**
 * Cron rules of backup schedules. cron-parser is the parser BullMQ fires with (same
 * pinned version), so what is accepted here is exactly what will fire.
 */

/**
 * The upcoming slots looked at to find the shortest gap of a cron: at most 500, within
 * four years of the first (leap days included). A cron firing daily or more often shows
 * every gap it has within its first days (the same times every firing day); a sparser
 * one has few slots a year, so four years fit in the 500. Bounded both ways so that a
 * check costs milliseconds of the event loop, not seconds (29 February took 1.6 s).
 */
const GAP_SAMPLE = 500;
const GAP_HORIZON_MS = (4 * 365 + 1) * 24 * 3600 * 1000;

export class ScheduleRuleError extends Error {
  constructor(
    readonly field: 'cron' | 'timezone',
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Throws a ScheduleRuleError naming the field unless `timezone` is an IANA zone this process knows. */
export function assertTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ScheduleRuleError('timezone', `unknown time zone '${timezone}' (use an IANA name such as UTC or Europe/Paris)`);
  }
}

/**
 * Throws unless `cron` has 5 fields (minute hour day-of-month month day-of-week) or 6
 * (second first), parses, fires at all, and never fires twice within
 * `minIntervalSeconds` (checked over the slots of GAP_SAMPLE, where any short gap of a
 * real cron shows up).
 */
export function assertCron(cron: string, timezone: string, minIntervalSeconds: number, now = new Date()): void {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ScheduleRuleError('cron', `'${cron}' has ${fields.length} field(s); use 5 (minute hour day month weekday) or 6 (second first)`);
  }
  const slots = upcoming(cron, timezone, now, GAP_SAMPLE, GAP_HORIZON_MS);
  if (slots.length === 0) throw new ScheduleRuleError('cron', `'${cron}' never fires`);
  let gap = Infinity;
  for (let i = 1; i < slots.length; i++) gap = Math.min(gap, slots[i].getTime() - slots[i - 1].getTime());
  if (gap < minIntervalSeconds * 1000) {
    throw new ScheduleRuleError(
      'cron',
      `'${cron}' fires ${gap / 1000} s apart; schedules may fire at most every ${minIntervalSeconds} s (BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS)`,
    );
  }
}

/** The next slot after `now`, or null when the cron fires no more. */
export function nextRun(cron: string, timezone: string, now = new Date()): Date | null {
  return upcoming(cron, timezone, now, 1)[0] ?? null;
}

/**
 * The id of the backup a schedule makes for one slot: the same for every consumer that
 * might take the tick (a redelivery after a crash), so the insert of a second one fails
 * and a slot never makes two backups. A sha256-based UUID (version 8, RFC 9562).
 */
export function slotBackupId(scheduleId: string, slot: Date): string {
  const hex = createHash('sha256').update(`backup-schedule:${scheduleId}:${slot.getTime()}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function upcoming(cron: string, timezone: string, now: Date, count: number, horizonMs = Infinity): Date[] {
  let interval;
  try {
    interval = CronExpressionParser.parse(cron, { tz: timezone, currentDate: now });
  } catch (err) {
    throw new ScheduleRuleError('cron', `'${cron}' is not a valid cron expression: ${(err as Error).message}`);
  }
  const slots: Date[] = [];
  try {
    while (slots.length < count) {
      const slot = interval.next().toDate();
      if (slots.length > 0 && slot.getTime() - slots[0].getTime() > horizonMs) break;
      slots.push(slot);
    }
  } catch {
    // No further slot (an impossible date): what was found is all there is.
  }
  return slots;
}
