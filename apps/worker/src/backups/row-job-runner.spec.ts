import { UnrecoverableError } from 'bullmq';
import type { Backup, JobFailure, JobRows } from '@hivehub/db';
import type { JobContext } from '@hivehub/jobs';
import { NodeIdentity } from '../node/node-identity.provider';
import { RowJobRunner, type RunControl } from './row-job-runner';
import { ShardJobLocks } from './shard-job-locks';

/** An in-memory row with the transitions the runner uses; the real ones are covered against PostgreSQL. */
function fakeRows(initial: Partial<Backup> = {}) {
  const row = { id: 'b1', tenantId: 't1', status: 'queued', cancelRequested: false, attempts: 0, ...initial } as Backup;
  const log: string[] = [];
  const rows = {
    peek: async () => ({ ...row }),
    claim: async () => (['queued', 'running'].includes(row.status) ? (Object.assign(row, { status: 'running', attempts: row.attempts + 1 }), { ...row }) : null),
    progress: async () => ({ running: row.status === 'running', cancelRequested: row.cancelRequested }),
    cancelled: async () => (log.push('cancelled'), (row.status = 'cancelled'), true),
    fail: async (_t: string, _i: string, f: JobFailure) => (log.push(`failed:${f.code}`), (row.status = 'failed'), true),
    retryLater: async (_t: string, _i: string, f: JobFailure) => void (log.push(`retry:${f.code}`), (row.status = 'queued')),
  };
  return { row, log, rows: rows as unknown as JobRows<Backup> };
}

const context = (attempt = 1, maxAttempts = 5): JobContext => ({
  jobId: 'b1',
  attempt,
  maxAttempts,
  progress: async () => undefined,
  postpone: async () => {
    throw new Error('postponed');
  },
});

describe('RowJobRunner', () => {
  const locks = new ShardJobLocks();
  const runner = new RowJobRunner(new NodeIdentity('node-a', '/tmp', 'test', true), locks);
  const job = (rows: JobRows<Backup>, work: (row: Backup, run: RunControl) => Promise<void>, log: string[]) => ({
    rows,
    id: 'b1',
    work,
    cleanup: async () => void log.push('cleanup'),
  });

  it('runs the work on a claimed row', async () => {
    const { rows, log } = fakeRows();
    await expect(runner.run(job(rows, async () => void log.push('worked'), log), context())).resolves.toEqual({ status: 'succeeded' });
    expect(log).toEqual(['worked']);
  });

  it('tells a run where the previous one stopped', async () => {
    const seen: (string | null)[] = [];
    for (const initial of [{}, { status: 'running', attempts: 1, phase: 'committing' }] as Partial<Backup>[]) {
      const { rows, log } = fakeRows(initial);
      await runner.run(job(rows, async (_row, run) => void seen.push(run.resumedFrom), log), context());
    }
    expect(seen).toEqual([null, 'committing']);
  });

  it('leaves a terminal row alone', async () => {
    const { rows, log } = fakeRows({ status: 'cancelled' });
    await expect(runner.run(job(rows, async () => void log.push('worked'), log), context())).resolves.toEqual({ status: 'cancelled' });
    expect(log).toEqual([]);
  });

  it('queues a transient failure again and rethrows it for the back-off', async () => {
    const { rows, log, row } = fakeRows();
    const err = new Error('ECONNRESET');
    await expect(runner.run(job(rows, async () => Promise.reject(err), log), context(1))).rejects.toBe(err);
    expect(log).toEqual(['retry:transient']);
    expect(row.status).toBe('queued');
  });

  it('fails at once, cleaned up, on a permanent error or on the last attempt', async () => {
    const permanent = fakeRows();
    const bad = Object.assign(new Error('sha256 differs'), { code: 'checksum_mismatch', permanent: true });
    await expect(runner.run(job(permanent.rows, async () => Promise.reject(bad), permanent.log), context(1))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(permanent.log).toEqual(['cleanup', 'failed:checksum_mismatch']);

    const last = fakeRows({ status: 'running', attempts: 4 });
    await expect(runner.run(job(last.rows, async () => Promise.reject(new Error('timeout')), last.log), context(5, 5))).rejects.toThrow('timeout');
    expect(last.log).toEqual(['cleanup', 'failed:transient']);
  });

  it('turns an abort after a cancel into a cleaned-up cancelled row, not a failure', async () => {
    const { rows, log, row } = fakeRows({ cancelRequested: true });
    const work = async (_: Backup, run: RunControl) => {
      if (run.signal.aborted) throw Object.assign(new Error('cancelled'), { code: 'cancelled', permanent: true });
    };
    await expect(runner.run(job(rows, work, log), context())).resolves.toEqual({ status: 'cancelled' });
    expect(log).toEqual(['cleanup', 'cancelled']);
    expect(row.status).toBe('cancelled');
  });

  it('postpones a job whose shard is busy with another', async () => {
    const { rows, log } = fakeRows();
    const release = locks.tryAcquire('t1')!;
    try {
      await expect(runner.run(job(rows, async () => void log.push('worked'), log), context())).rejects.toThrow('postponed');
      expect(log).toEqual([]);
    } finally {
      release();
    }
  });
});
