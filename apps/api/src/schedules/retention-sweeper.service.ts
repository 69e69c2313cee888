import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@hivehub/common';
import { BackupScheduleRepository } from '@hivehub/db';
import { RetentionService } from './retention.service';

const SWEEP_EVERY_MS = 2000;
/** At boot, successes this old are looked at again (those finished while no api process ran). */
const BOOT_LOOKBACK_MS = 24 * 3600 * 1000;
/** Each pass looks back past its predecessor's start, so a row committed late is still seen. */
const OVERLAP_MS = 30_000;
const SCHEDULES_PER_SWEEP = 500;

/**
 * Retention runs after a scheduled backup succeeds. The worker node that ran the backup
 * knows nothing of schedules; instead each api process looks every 2 s for scheduled
 * backups that succeeded since its last pass (the backups' (status, updated_at) index)
 * and applies their schedules' retention. Nothing depends on an event Redis could lose,
 * and a pass that failed is repeated over the same window.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('retention');
  private readonly task = new PeriodicTask(SWEEP_EVERY_MS, () => this.sweep(), (err) => this.logger.warn(`retention sweep failed: ${err.message}`));
  private since = new Date(Date.now() - BOOT_LOOKBACK_MS);

  constructor(
    private readonly schedules: BackupScheduleRepository,
    private readonly retention: RetentionService,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): void {
    this.task.stop();
  }

  async sweep(now = new Date()): Promise<void> {
    const refs = await this.schedules.withSuccessSince(this.since, SCHEDULES_PER_SWEEP);
    let incomplete = refs.length === SCHEDULES_PER_SWEEP;
    for (const { tenantId, scheduleId } of refs) {
      const { kept } = await this.retention.apply(tenantId, scheduleId, now);
      // A backup a restore still reads (or a failed delete) is looked at again next pass.
      if (kept.length > 0) incomplete = true;
    }
    // The window never reaches back further than the boot look-back, whatever keeps failing.
    const floor = now.getTime() - BOOT_LOOKBACK_MS;
    this.since = new Date(incomplete ? Math.max(this.since.getTime(), floor) : now.getTime() - OVERLAP_MS);
  }
}
