import { JobStatus } from './generated/prisma/client';

export { JobStatus };

/** Statuses a backup or restore can still leave; the others are terminal. */
export const UNFINISHED: JobStatus[] = [JobStatus.queued, JobStatus.running];

export interface JobProgress {
  phase: string;
  percent: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface JobFailure {
  code: string;
  message: string;
}

/** What a worker learns when it reports progress: whether to stop. */
export interface ProgressAck {
  /** False once the row is gone or no longer running (deleted, finished elsewhere). */
  running: boolean;
  cancelRequested: boolean;
}

/** The columns backups and restores share, and the one Prisma delegate shape both fit. */
interface Row {
  id: string;
  tenantId: string;
  status: JobStatus;
  startedAt: Date | null;
  cancelRequested: boolean;
}
interface Delegate<T> {
  findFirst(args: { where: Record<string, unknown> }): Promise<T | null>;
  findUnique(args: { where: { id: string } }): Promise<T | null>;
  findMany(args: Record<string, unknown>): Promise<T[]>;
  updateMany(args: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<{ count: number }>;
}

/**
 * The state machine shared by backups and restores, in one place so both tables move
 * alike. Every transition is a conditional update on the current status: two
 * processes racing (a cancel against a finish, a retry against a re-enqueue) cannot
 * both win, and a terminal row never changes again.
 */
export class JobRows<T extends Row> {
  constructor(private readonly rows: Delegate<T>) {}

  find(tenantId: string, id: string): Promise<T | null> {
    return this.rows.findFirst({ where: { tenantId, id } });
  }

  /** The row a job names, read before its tenant is known (see claim). */
  peek(id: string): Promise<T | null> {
    return this.rows.findUnique({ where: { id } });
  }

  /**
   * A worker starts (or resumes after a crash) the row named by its job. Not scoped by
   * tenant: a job payload carries the row id only; the returned row's tenant id scopes
   * every later call. Null when the row is gone or already terminal (cancelled while queued).
   */
  async claim(id: string, nodeId: string, now = new Date()): Promise<T | null> {
    const row = await this.rows.findUnique({ where: { id } });
    if (!row || !UNFINISHED.includes(row.status)) return null;
    const { count } = await this.rows.updateMany({
      where: { id, status: { in: UNFINISHED } },
      data: { status: JobStatus.running, startedAt: row.startedAt ?? now, attempts: { increment: 1 }, nodeId, phase: 'starting' },
    });
    return count === 0 ? null : this.rows.findUnique({ where: { id } });
  }

  /** Writes progress of a running row and reads its cancel flag in the same beat. */
  async progress(tenantId: string, id: string, progress: Partial<JobProgress>): Promise<ProgressAck> {
    const { count } = await this.rows.updateMany({ where: { tenantId, id, status: JobStatus.running }, data: roundProgress(progress) });
    if (count === 0) return { running: false, cancelRequested: true };
    const row = await this.rows.findFirst({ where: { tenantId, id } });
    return { running: true, cancelRequested: row?.cancelRequested ?? true };
  }

  /** Moves a running row to a phase unless cancel was asked first (the restore's point of no return). */
  async enterPhaseUnlessCancelled(tenantId: string, id: string, phase: string): Promise<boolean> {
    const { count } = await this.rows.updateMany({
      where: { tenantId, id, status: JobStatus.running, cancelRequested: false },
      data: { phase },
    });
    return count > 0;
  }

  async succeed(tenantId: string, id: string, data: Record<string, unknown>, now = new Date()): Promise<boolean> {
    return this.finish(tenantId, id, { ...data, status: JobStatus.succeeded, phase: 'done', percent: 100, errorCode: null, errorMessage: null }, now);
  }

  async fail(tenantId: string, id: string, failure: JobFailure, now = new Date()): Promise<boolean> {
    return this.finish(tenantId, id, { status: JobStatus.failed, errorCode: failure.code, errorMessage: failure.message }, now);
  }

  async cancelled(tenantId: string, id: string, now = new Date()): Promise<boolean> {
    return this.finish(tenantId, id, { status: JobStatus.cancelled, phase: 'cancelled' }, now);
  }

  /**
   * A transient failure with attempts left: back to queued, the error kept for whoever
   * looks, the phase kept too (the next run learns where this one stopped).
   */
  async retryLater(tenantId: string, id: string, failure: JobFailure): Promise<void> {
    await this.rows.updateMany({
      where: { tenantId, id, status: { in: UNFINISHED } },
      data: { status: JobStatus.queued, errorCode: failure.code, errorMessage: failure.message },
    });
  }

  /**
   * Cancel as a tenant asks it: a queued row is cancelled at once (its job finds it
   * terminal and stops); a running one gets the flag its worker polls. `unlessPhase`
   * names a phase past which cancelling is refused. Returns the row afterwards, or
   * null when the tenant has no such row.
   */
  async requestCancel(tenantId: string, id: string, unlessPhase?: string, now = new Date()): Promise<T | null> {
    await this.rows.updateMany({
      where: { tenantId, id, status: JobStatus.queued },
      data: { status: JobStatus.cancelled, phase: 'cancelled', cancelRequested: true, finishedAt: now },
    });
    await this.rows.updateMany({
      where: { tenantId, id, status: JobStatus.running, ...(unlessPhase ? { NOT: { phase: unlessPhase } } : {}) },
      data: { cancelRequested: true },
    });
    return this.find(tenantId, id);
  }

  /**
   * Every tenant's unfinished rows not written since `before`: the reconciler's sweep
   * (an operator task, hence not scoped by tenant). Running rows write progress every
   * second, so a quiet one has lost its worker or its job.
   */
  staleUnfinished(before: Date, limit: number): Promise<T[]> {
    return this.rows.findMany({ where: { status: { in: UNFINISHED }, updatedAt: { lt: before } }, orderBy: { updatedAt: 'asc' }, take: limit });
  }

  /**
   * The reconciler takes a stale row for one sweep: only the api process whose
   * `seenUpdatedAt` still matches wins, so several api processes never act on one row at once.
   */
  async takeForSweep(tenantId: string, id: string, seenUpdatedAt: Date): Promise<boolean> {
    const { count } = await this.rows.updateMany({
      where: { tenantId, id, status: { in: UNFINISHED }, updatedAt: seenUpdatedAt },
      data: { updatedAt: new Date() },
    });
    return count > 0;
  }

  private async finish(tenantId: string, id: string, data: Record<string, unknown>, now: Date): Promise<boolean> {
    const { count } = await this.rows.updateMany({ where: { tenantId, id, status: { in: UNFINISHED } }, data: { ...data, finishedAt: now } });
    return count > 0;
  }
}

function roundProgress(p: Partial<JobProgress>): Record<string, unknown> {
  return {
    ...(p.phase !== undefined ? { phase: p.phase } : {}),
    ...(p.percent !== undefined ? { percent: Math.max(0, Math.min(100, Math.floor(p.percent))) } : {}),
    ...(p.bytesDone !== undefined ? { bytesDone: BigInt(Math.floor(p.bytesDone)) } : {}),
    ...(p.bytesTotal !== undefined ? { bytesTotal: BigInt(Math.floor(p.bytesTotal)) } : {}),
  };
}
