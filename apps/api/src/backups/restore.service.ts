import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@hivehub/common';
import { AuditRepository, BackupRepository, type Restore, RestoreRepository, type Tenant, UNFINISHED } from '@hivehub/db';
import { DataPlaneClient } from '../data-plane/data-plane.client';
import { PlacementService } from '../data-plane/placement.service';
import { BackupQueue } from './backup-queue.service';
import type { Actor } from './backup.service';
import type { RestoreBackupDto } from './dto/restore-backup.dto';
import { restorePlan } from './restore-plan';

/** Restores of a tenant's backups into its shard; the work runs on the shard's node. */
@Injectable()
export class RestoreService {
  constructor(
    private readonly backups: BackupRepository,
    private readonly restores: RestoreRepository,
    private readonly audit: AuditRepository,
    private readonly placement: PlacementService,
    private readonly dataPlane: DataPlaneClient,
    private readonly queue: BackupQueue,
  ) {}

  /**
   * Everything a caller can get wrong is refused here, before a row exists: unknown
   * backup (404), a backup that is not complete (409), names it does not hold (422),
   * targets that exist without overwrite (409 naming them). The node re-checks at
   * commit time, since a collection may appear in between.
   */
  async create(tenant: Tenant, dto: RestoreBackupDto, by: Actor): Promise<Restore> {
    const backup = await this.backups.find(tenant.id, dto.backup_id);
    if (!backup) throw DomainError.notFound('backup', dto.backup_id);
    if (backup.status !== 'succeeded') {
      throw new DomainError('conflict', `backup ${backup.id} is ${backup.status}; only a succeeded backup can be restored`);
    }
    const node = await this.placement.nodeFor(tenant);
    const live = await this.dataPlane.call(tenant, 'listCollections', {});
    const plan = restorePlan({
      inBackup: (backup.collections as { name: string }[]).map((c) => c.name),
      requested: dto.collections,
      targetPrefix: dto.target_prefix ?? '',
      overwrite: dto.overwrite ?? false,
      live: live.map((c) => c.name),
      maxCollections: tenant.maxCollections,
    });
    const row = await this.restores.create(tenant.id, {
      id: randomUUID(),
      backupId: backup.id,
      collections: plan.sources,
      targetPrefix: dto.target_prefix ?? '',
      overwrite: dto.overwrite ?? false,
      nodeId: node.id,
    });
    await this.audit.record(tenant.id, { ...by, action: 'restore.created', target: row.id, details: { backup_id: backup.id, targets: plan.targets } });
    await this.queue.enqueueRestore(row);
    return row;
  }

  async get(tenantId: string, id: string): Promise<Restore> {
    const row = await this.restores.find(tenantId, id);
    if (!row) throw DomainError.notFound('restore', id);
    return row;
  }

  /** Possible until the restore swaps collections in (phase `committing`); after that it completes. */
  async cancel(tenantId: string, id: string, by: Actor): Promise<Restore> {
    const before = await this.get(tenantId, id);
    if (!UNFINISHED.includes(before.status)) {
      throw new DomainError('conflict', `restore ${id} is ${before.status}; only a queued or running restore can be cancelled`);
    }
    const after = (await this.restores.requestCancel(tenantId, id)) ?? before;
    if (after.status === 'running' && !after.cancelRequested) {
      throw new DomainError('conflict', `restore ${id} is committing its collections and can no longer be cancelled`);
    }
    if (after.status === 'cancelled') await this.queue.discard(after.nodeId, id);
    await this.audit.record(tenantId, { ...by, action: 'restore.cancel_requested', target: id });
    return after;
  }
}
