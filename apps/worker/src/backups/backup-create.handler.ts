import { Inject, Injectable } from '@nestjs/common';
import { deleteBackup, writeBackup } from '@hivehub/backup';
import { type Backup, BackupRepository } from '@hivehub/db';
import { JobHandler, type JobContext, type JobHandlerClass, type JobPayload } from '@hivehub/jobs';
import { OBJECT_STORAGE, type ObjectStorage } from '@hivehub/storage';
import { ShardHost } from '../shards/shard-host.service';
import { BackupMetrics } from './backup-metrics';
import { BackupVerifyQueue } from './backup-verify.queue';
import { RowJobRunner, type RunControl } from './row-job-runner';

/**
 * A backup checkpoints a collection whose WAL grew by more than this since its last
 * checkpoint, so the backup carries the HNSW graph and a restore replays at most
 * this much (a few thousand points), never the whole collection.
 */
const CHECKPOINT_ABOVE_WAL_BYTES = 1024 * 1024;

/**
 * Backs up a tenant's collections: a consistent cut of the shard (writes go on),
 * streamed to storage under the row's prefix, manifest last. A failed or cancelled
 * run removes what it stored; the row records the manifest's summary on success.
 */
@Injectable()
@JobHandler('backup.create')
export class BackupCreateHandler implements JobHandlerClass<'backup.create'> {
  constructor(
    private readonly runner: RowJobRunner,
    private readonly backups: BackupRepository,
    private readonly host: ShardHost,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly metrics: BackupMetrics,
    private readonly verifications: BackupVerifyQueue,
  ) {}

  async handle({ backupId }: JobPayload<'backup.create'>, context: JobContext) {
    const outcome = await this.runner.run<Backup>(
      {
        rows: this.backups.rows,
        id: backupId,
        work: (row, run) => this.backUp(row, run),
        cleanup: (row) => deleteBackup(this.storage, row.storagePrefix),
      },
      context,
    );
    // Also when the row was already succeeded (this job retried because the enqueue
    // failed last time): the runner then reports the row's status without running it.
    if (outcome.status === 'succeeded') await this.verifications.afterBackup(backupId);
    return outcome;
  }

  private async backUp(row: Backup, run: RunControl): Promise<void> {
    run.report({ phase: 'cutting' });
    const shard = await this.host.shardOf(row.tenantId);
    const requested = row.requestedCollections;
    const cut = await shard.cut(requested.length === 1 && requested[0] === '*' ? '*' : requested, { checkpointAboveWalBytes: CHECKPOINT_ABOVE_WAL_BYTES });
    try {
      run.report({ phase: 'uploading', bytesDone: 0, bytesTotal: cut.collections.reduce((sum, c) => sum + c.files.reduce((s, f) => s + f.size, 0), 0) });
      const stored = await writeBackup({
        storage: this.storage,
        prefix: row.storagePrefix,
        cut,
        tenantId: row.tenantId,
        backupId: row.id,
        signal: run.signal,
        onProgress: (p) => run.report({ phase: p.phase, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      });
      const collections = stored.manifest.collections.map((c) => ({ name: c.name, dimension: c.dimension, distance: c.distance, points: c.points, lsn: c.lsn }));
      await this.backups.succeed(row.tenantId, row.id, {
        collections,
        vectors: collections.reduce((sum, c) => sum + c.points, 0),
        sizeBytes: stored.sizeBytes,
        sha256: stored.manifestSha256,
      });
      this.metrics.transferred('backup', stored.sizeBytes);
    } finally {
      cut.release();
    }
  }
}
