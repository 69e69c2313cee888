import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { type Backup, BackupRepository, type JobRows, type Restore, RestoreRepository } from '@hivehub/db';
import { PeriodicTask } from '@hivehub/common';
import { JobProducer } from '@hivehub/jobs';
import { MAX_RUNS, reconcileAction } from './reconcile-decision';

/** How often each api process sweeps, and how long a row must have been quiet to be looked at. */
const SWEEP_EVERY_MS = 5000;
const QUIET_FOR_MS = 20_000;
const ROWS_PER_SWEEP = 200;

/**
 * PostgreSQL is the truth and Redis only carries work: rows left queued or running by
 * a lost Redis or a dead worker get their job back here. Running rows write progress
 * every second, so only quiet rows are considered. Every api process sweeps; each row
 * is taken by one of them per sweep (JobRows.takeForSweep), and enqueueing with the
 * row id as job id is idempotent anyway.
 */
@Injectable()
export class BackupReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('backup-reconciler');
  private readonly task = new PeriodicTask(SWEEP_EVERY_MS, () => this.sweep(), (err) => this.logger.warn(`sweep failed: ${err.message}`));

  constructor(
    private readonly backups: BackupRepository,
    private readonly restores: RestoreRepository,
    private readonly jobs: JobProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): void {
    this.task.stop();
  }

  /** One pass (a failed one is logged by the task and the next tries again: nothing is lost meanwhile). */
  async sweep(now = new Date()): Promise<void> {
    const before = new Date(now.getTime() - QUIET_FOR_MS);
    for (const row of await this.backups.rows.staleUnfinished(before, ROWS_PER_SWEEP)) await this.backup(row);
    for (const row of await this.restores.rows.staleUnfinished(before, ROWS_PER_SWEEP)) await this.restore(row);
  }

  private async backup(row: Backup): Promise<void> {
    if (row.source === 'upload') {
      // Uploads are written by an api process while they arrive: quiet means that process died.
      if (await this.backups.rows.takeForSweep(row.tenantId, row.id, row.updatedAt)) {
        await this.backups.rows.fail(row.tenantId, row.id, { code: 'interrupted', message: 'the upload stopped before it was verified; upload the archive again' });
      }
      return;
    }
    await this.reconcile(this.backups.rows, row, () => this.jobs.requeue(row.nodeId!, 'backup.create', { backupId: row.id }, { jobId: row.id }));
  }

  private async restore(row: Restore): Promise<void> {
    await this.reconcile(this.restores.rows, row, () => this.jobs.requeue(row.nodeId!, 'restore.run', { restoreId: row.id }, { jobId: row.id }));
  }

  private async reconcile<T extends Backup | Restore>(rows: JobRows<T>, row: T, requeue: () => Promise<unknown>): Promise<void> {
    if (!row.nodeId || !(await rows.takeForSweep(row.tenantId, row.id, row.updatedAt))) return;
    const action = reconcileAction(await this.jobs.state(row.nodeId, row.id), row.attempts);
    if (action === 'enqueue') {
      this.logger.warn(`job ${row.id} (${row.status}, ${row.attempts} runs) has no live job in Redis: enqueued again`);
      await requeue();
    } else if (action === 'fail') {
      await rows.fail(row.tenantId, row.id, { code: 'interrupted', message: `the job was lost ${MAX_RUNS} times (worker or Redis gone); try again` });
    }
  }
}
