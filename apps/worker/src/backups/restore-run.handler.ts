import { Inject, Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { collectionDigests, fetchBackup, readManifest } from '@hivehub/backup';
import { BackupRepository, type Restore, RESTORE_COMMIT_PHASE, RestoreRepository, TenantRepository } from '@hivehub/db';
import { JobHandler, type JobContext, type JobHandlerClass, type JobPayload } from '@hivehub/jobs';
import { OBJECT_STORAGE, type ObjectStorage } from '@hivehub/storage';
import { ShardHost } from '../shards/shard-host.service';
import { BackupMetrics } from './backup-metrics';
import { JobRefusal } from './job-failure';
import { alreadySwappedIn } from './restore-resume';
import { RowJobRunner, type RunControl } from './row-job-runner';

/**
 * Restores collections of a backup: download into a staging dir beside the live
 * shard, every file verified, then the shard opens them fully and swaps them in at
 * once. Until the swap the live collections are untouched; cancel is honoured up to
 * the commit phase, which the row enters only if no cancel came first. A run that
 * died after its swap is recognised on retry and recorded, not installed twice.
 */
@Injectable()
@JobHandler('restore.run')
export class RestoreRunHandler implements JobHandlerClass<'restore.run'> {
  constructor(
    private readonly runner: RowJobRunner,
    private readonly restores: RestoreRepository,
    private readonly backups: BackupRepository,
    private readonly tenants: TenantRepository,
    private readonly host: ShardHost,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly metrics: BackupMetrics,
  ) {}

  handle({ restoreId }: JobPayload<'restore.run'>, context: JobContext) {
    // Nothing to clean in storage: the staging dir is removed by restore() whatever happens.
    return this.runner.run<Restore>({ rows: this.restores.rows, id: restoreId, work: (row, run) => this.restore(row, run), cleanup: async () => undefined }, context);
  }

  private async restore(row: Restore, run: RunControl): Promise<void> {
    const [backup, tenant] = await Promise.all([this.backups.find(row.tenantId, row.backupId), this.tenants.findById(row.tenantId)]);
    if (!backup || backup.status !== 'succeeded') throw new JobRefusal('backup_not_found', `backup ${row.backupId} no longer exists`);
    if (!tenant) throw new JobRefusal('tenant_not_found', `tenant ${row.tenantId} no longer exists`);
    run.report({ phase: 'reading_manifest' });
    const manifest = await readManifest(this.storage, backup.storagePrefix, backup.sha256 ?? undefined);
    if (!manifest) throw new JobRefusal('backup_not_found', `backup ${backup.id} has no manifest in storage`);
    const names = row.collections.length > 0 ? row.collections : manifest.collections.map((c) => c.name);
    const bytes = manifest.collections.filter((c) => names.includes(c.name)).reduce((sum, c) => sum + c.files.reduce((s, f) => s + f.size, 0), 0);
    const targets = names.map((name) => ({ as: `${row.targetPrefix}${name}`, source: name }));

    const shard = await this.host.shardOf(row.tenantId);
    if (run.resumedFrom === RESTORE_COMMIT_PHASE) {
      const swapped = alreadySwappedIn(targets, manifest, await shard.listCollections());
      if (swapped) {
        await this.restores.succeed(row.tenantId, row.id, swapped, bytes);
        return;
      }
    }
    const staging = await shard.stagingDir();
    try {
      await fetchBackup({
        storage: this.storage,
        prefix: backup.storagePrefix,
        manifest,
        collections: names,
        intoDir: (name) => path.join(staging, name),
        signal: run.signal,
        onProgress: (p) => run.report({ phase: p.phase, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      });
      if (!(await this.restores.rows.enterPhaseUnlessCancelled(row.tenantId, row.id, RESTORE_COMMIT_PHASE))) {
        run.cancel();
        throw new Error('cancelled before commit');
      }
      run.report({ phase: RESTORE_COMMIT_PHASE });
      const installed = await shard.installCollections(
        // fetchBackup checked every byte against the manifest: the shard need not hash them again.
        targets.map(({ as, source }) => ({ dir: path.join(staging, source), as, verifiedDigests: collectionDigests(manifest, source) })),
        { overwrite: row.overwrite, max_collections: tenant.maxCollections, max_points: Number(tenant.maxVectors), max_bytes: Number(tenant.maxStorageBytes) },
      );
      await this.restores.succeed(
        row.tenantId,
        row.id,
        installed.map((c) => ({ name: c.name, source: targets.find((t) => t.as === c.name)?.source ?? c.name, points: c.points })),
        bytes,
      );
      this.metrics.transferred('restore', bytes);
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
}
