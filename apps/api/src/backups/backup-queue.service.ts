import { Injectable, Logger } from '@nestjs/common';
import type { Backup, Restore } from '@hivehub/db';
import { DomainError, withTimeout } from '@hivehub/common';
import { JobProducer, verifyJobId } from '@hivehub/jobs';

/** How long a request waits for Redis before leaving the job to the reconciler. */
const ENQUEUE_TIMEOUT_MS = 3000;

/**
 * Puts the job of a backup or restore row on the queue of the node holding the
 * tenant's shard, job id = row id. The row is written first and is the truth: when
 * Redis does not take the job, the request still succeeds and BackupReconciler
 * enqueues the row later, so a Redis blip never loses nor refuses work.
 */
@Injectable()
export class BackupQueue {
  private readonly logger = new Logger('backups');

  constructor(private readonly jobs: JobProducer) {}

  enqueueBackup(row: Backup): Promise<void> {
    return this.enqueue(row.nodeId, row.id, () => this.jobs.enqueue(row.nodeId!, 'backup.create', { backupId: row.id }, { jobId: row.id }));
  }

  enqueueRestore(row: Restore): Promise<void> {
    return this.enqueue(row.nodeId, row.id, () => this.jobs.enqueue(row.nodeId!, 'restore.run', { restoreId: row.id }, { jobId: row.id }));
  }

  /**
   * Verification on demand. Unlike backups there is no row state for the reconciler to
   * find, so a job Redis does not take is a 503 the caller can retry. A verification of
   * the backup still waiting or running is not doubled: its job id is `verify-<id>`,
   * and only a finished copy is replaced.
   */
  async enqueueVerify(nodeId: string, backupId: string): Promise<void> {
    try {
      await redisWithin(this.jobs.requeue(nodeId, 'backup.verify', { backupId }, { jobId: verifyJobId(backupId) }));
    } catch (err) {
      throw new DomainError('unavailable', `the verification could not be queued (${(err as Error).message}); try again`);
    }
  }

  /** Drops the job of a row cancelled while queued, so it does not occupy the queue. */
  async discard(nodeId: string | null, id: string): Promise<void> {
    if (nodeId) await redisWithin(this.jobs.discardWaiting(nodeId, id)).catch((err: Error) => this.logger.warn(`could not drop job ${id}: ${err.message}`));
  }

  private async enqueue(nodeId: string | null, id: string, add: () => Promise<unknown>): Promise<void> {
    if (!nodeId) return;
    try {
      await redisWithin(add());
    } catch (err) {
      this.logger.warn(`job ${id} not enqueued now (${(err as Error).message}); the reconciler will enqueue it`);
    }
  }
}

/** A Redis call that may not hold up a request for long: the reconciler is the fallback. */
function redisWithin<T>(work: Promise<T>): Promise<T> {
  return withTimeout(work, ENQUEUE_TIMEOUT_MS, `Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`);
}
