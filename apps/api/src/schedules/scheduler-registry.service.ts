import { Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '@hivehub/common';
import type { BackupSchedule } from '@hivehub/db';
import { ScheduleQueue } from '@hivehub/jobs';

/** How long a request waits for Redis before leaving the registration to ScheduleSync. */
const REDIS_TIMEOUT_MS = 3000;

/**
 * Puts a schedule row's job scheduler in Redis, or takes it out. The row is written
 * first and is the truth: when Redis does not answer, the request still succeeds and
 * ScheduleSync registers (or removes) the scheduler within its next pass.
 */
@Injectable()
export class SchedulerRegistry {
  private readonly logger = new Logger('schedules');

  constructor(private readonly queue: ScheduleQueue) {}

  /** Registers an enabled row (replacing an older registration), removes a disabled one. */
  async apply(row: BackupSchedule): Promise<void> {
    if (!row.enabled) return this.unregister(row.id);
    await this.attempt(`register schedule ${row.id}`, () =>
      this.queue.upsert({ scheduleId: row.id, revision: row.revision, cron: row.cron, timezone: row.timezone }),
    );
  }

  async unregister(scheduleId: string): Promise<void> {
    await this.attempt(`unregister schedule ${scheduleId}`, () => this.queue.remove(scheduleId));
  }

  private async attempt(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await withTimeout(work(), REDIS_TIMEOUT_MS, `Redis did not answer within ${REDIS_TIMEOUT_MS} ms`);
    } catch (err) {
      this.logger.warn(`could not ${what} now (${(err as Error).message}); the next sync does it`);
    }
  }
}
