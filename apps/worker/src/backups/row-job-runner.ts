import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { type Backup, type JobProgress, type JobRows, type Restore, UNFINISHED } from '@hivehub/db';
import type { JobContext } from '@hivehub/jobs';
import { NodeIdentity } from '../node/node-identity.provider';
import { classifyFailure } from './job-failure';
import { ProgressTicker } from './progress-ticker';
import { ShardJobLocks } from './shard-job-locks';

/** How long a job waits before trying again when its tenant's shard is busy with another. */
const SHARD_BUSY_RETRY_MS = 2000;

type Row = Backup | Restore;

/** What a running job may do besides its work: report progress, notice or declare a cancel. */
export interface RunControl {
  signal: AbortSignal;
  report(progress: Partial<JobProgress>): void;
  /** Declares the run cancelled (the job lost the race to its point of no return). */
  cancel(): void;
  /** The phase an earlier run of this row stopped in (failed, or its worker killed), or null on a first run. */
  resumedFrom: string | null;
}

export interface RowJob<T extends Row> {
  rows: JobRows<T>;
  id: string;
  /** Does the work and records success on the row; throws on failure. */
  work(row: T, run: RunControl): Promise<void>;
  /** Removes what a failed or cancelled run left (partial objects); must be idempotent. */
  cleanup(row: T): Promise<void>;
}

/**
 * The part every backup and restore job shares: claim the row, hold the shard for it,
 * report progress and poll cancel every second, and always leave a terminal state
 * (succeeded by the work, else cancelled, failed, or queued again for a retry).
 * Errors are never swallowed: a transient one is rethrown for BullMQ's back-off, a
 * permanent one (or the last attempt) fails the row and throws UnrecoverableError.
 */
@Injectable()
export class RowJobRunner {
  private readonly logger = new Logger('jobs');

  constructor(
    private readonly identity: NodeIdentity,
    private readonly locks: ShardJobLocks,
  ) {}

  async run<T extends Row>(job: RowJob<T>, context: JobContext): Promise<{ status: string }> {
    const peeked = await job.rows.peek(job.id);
    if (!peeked || !UNFINISHED.includes(peeked.status)) return { status: peeked?.status ?? 'gone' };
    const release = this.locks.tryAcquire(peeked.tenantId);
    if (!release) return context.postpone(SHARD_BUSY_RETRY_MS);
    try {
      const row = await job.rows.claim(job.id, this.identity.id);
      if (!row) return { status: 'gone' };
      return await this.runClaimed(job, row, context, peeked.attempts > 0 ? peeked.phase : null);
    } finally {
      release();
    }
  }

  private async runClaimed<T extends Row>(job: RowJob<T>, row: T, context: JobContext, resumedFrom: string | null): Promise<{ status: string }> {
    const ticker = new ProgressTicker((p) => job.rows.progress(row.tenantId, row.id, p));
    if (row.cancelRequested) ticker.cancel();
    ticker.start();
    try {
      if (ticker.cancelled) throw new Error('cancelled before it started');
      await job.work(row, { signal: ticker.signal, report: (p) => ticker.report(p), cancel: () => ticker.cancel(), resumedFrom });
      return { status: 'succeeded' };
    } catch (err) {
      return await this.afterFailure(job, row, err, ticker.cancelled, context);
    } finally {
      ticker.stop();
    }
  }

  private async afterFailure<T extends Row>(job: RowJob<T>, row: T, err: unknown, cancelled: boolean, context: JobContext): Promise<{ status: string }> {
    if (cancelled) {
      await job.cleanup(row);
      await job.rows.cancelled(row.tenantId, row.id);
      this.logger.log(`job ${row.id} cancelled`);
      return { status: 'cancelled' };
    }
    const failure = classifyFailure(err);
    const last = failure.permanent || context.attempt >= context.maxAttempts;
    if (!last) {
      await job.rows.retryLater(row.tenantId, row.id, failure);
      throw err;
    }
    try {
      await job.cleanup(row);
    } catch (cleanupErr) {
      // The terminal state matters more than the leftovers, which a delete removes later.
      this.logger.warn(`job ${row.id}: cleanup after failure failed: ${(cleanupErr as Error).message}`);
    }
    await job.rows.fail(row.tenantId, row.id, failure);
    throw failure.permanent ? new UnrecoverableError(`${failure.code}: ${failure.message}`) : err;
  }
}
