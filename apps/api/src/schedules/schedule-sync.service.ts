import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@hivehub/common';
import { BackupScheduleRepository } from '@hivehub/db';
import { ScheduleQueue } from '@hivehub/jobs';
import { SchedulerRegistry } from './scheduler-registry.service';

/** How often each api process compares PostgreSQL's schedules with Redis' schedulers. */
const SYNC_EVERY_MS = 30_000;

/**
 * PostgreSQL holds the schedules; Redis only their job schedulers. Each api process,
 * at boot and every 30 s, registers the enabled schedules Redis lacks or holds at an
 * older revision (Redis lost, a registration that timed out) and removes schedulers
 * whose schedule is gone or disabled.
 *
 * A scheduler already at the row's revision is left alone: re-registering it would
 * replace its pending tick by the next future slot, and a slot missed while every api
 * process was down would be lost instead of running once at start.
 *
 * Redis is read before PostgreSQL, so a scheduler registered by a concurrent create
 * always has its row in the rows read after it, and is never removed as an orphan.
 */
@Injectable()
export class ScheduleSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('schedules');
  private readonly task = new PeriodicTask(SYNC_EVERY_MS, () => this.sync(), (err) => this.logger.warn(`schedule sync failed: ${err.message}`));

  constructor(
    private readonly schedules: BackupScheduleRepository,
    private readonly queue: ScheduleQueue,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start({ runNow: true });
  }

  onModuleDestroy(): void {
    this.task.stop();
  }

  async sync(): Promise<{ registered: number; removed: number }> {
    const inRedis = new Map((await this.queue.list()).map((s) => [s.scheduleId, s]));
    const rows = await this.schedules.allEnabled();
    let registered = 0;
    for (const row of rows) {
      const current = inRedis.get(row.id);
      if (current && current.revision !== null && current.revision >= row.revision) continue;
      await this.registry.apply(row);
      registered += 1;
    }
    const enabled = new Set(rows.map((r) => r.id));
    const orphans = [...inRedis.keys()].filter((id) => !enabled.has(id));
    for (const id of orphans) await this.registry.unregister(id);
    if (registered + orphans.length > 0) this.logger.log(`schedules synced to Redis: ${registered} registered, ${orphans.length} removed`);
    return { registered, removed: orphans.length };
  }
}
