import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@hivehub/common';
import { AuditRepository, type Backup, BackupRepository, BackupSource, type Tenant, UNFINISHED } from '@hivehub/db';
import type { CollectionInfo } from '@hivehub/shard';
import { DataPlaneClient } from '../data-plane/data-plane.client';
import { PlacementService } from '../data-plane/placement.service';
import { BackupQueue } from './backup-queue.service';
import { assertBackupFits, backupCountExceeded } from './backup-quota';
import type { CreateBackupDto } from './dto/create-backup.dto';

/** Where a backup's objects live; the manifest is written last, so without it there is no backup. */
export function backupPrefix(tenantId: string, backupId: string): string {
  return `tenants/${tenantId}/backups/${backupId}`;
}

export interface Actor {
  actor: string;
  requestId?: string;
}

/** Creating, reading and cancelling a tenant's backups; the work itself runs on its node. */
@Injectable()
export class BackupService {
  constructor(
    private readonly backups: BackupRepository,
    private readonly audit: AuditRepository,
    private readonly placement: PlacementService,
    private readonly dataPlane: DataPlaneClient,
    private readonly queue: BackupQueue,
  ) {}

  /**
   * Row first (queued), then the job on the queue of the node holding the shard. A
   * schedule passes the id of its slot's backup (so a tick taken twice inserts once)
   * and its own id.
   */
  async create(tenant: Tenant, dto: CreateBackupDto, by: Actor, origin: { id?: string; scheduleId?: string } = {}): Promise<Backup> {
    if (dto.collections.includes('*') && dto.collections.length > 1) {
      throw new DomainError('validation_failed', 'collections: "*" means every collection and stands alone');
    }
    const node = await this.placement.nodeFor(tenant);
    const live = await this.dataPlane.call(tenant, 'listCollections', {});
    const chosen = this.chosen(live, dto.collections);
    assertBackupFits(tenant, { liveBytes: sumBytes(live), backupBytes: (await this.backups.usage(tenant.id)).bytes }, sumBytes(chosen));
    const id = origin.id ?? randomUUID();
    const row = await this.backups.createWithinQuota(
      tenant.id,
      {
        id,
        name: dto.name ?? null,
        description: dto.description ?? null,
        source: BackupSource.backup,
        scheduleId: origin.scheduleId ?? null,
        requestedCollections: dto.collections,
        storagePrefix: backupPrefix(tenant.id, id),
        nodeId: node.id,
      },
      tenant.maxBackups,
    );
    if (!row) throw backupCountExceeded(tenant);
    await this.audit.record(tenant.id, { ...by, action: 'backup.created', target: id, details: { collections: dto.collections } });
    await this.queue.enqueueBackup(row);
    return row;
  }

  /** Bytes counted against max_storage_bytes: live data (if the tenant has a shard) and kept backups. */
  async storageInUse(tenant: Tenant): Promise<number> {
    const live = (await this.placement.current(tenant.id)) ? await this.dataPlane.call(tenant, 'listCollections', {}) : [];
    return sumBytes(live) + (await this.backups.usage(tenant.id)).bytes;
  }

  async get(tenantId: string, id: string): Promise<Backup> {
    const row = await this.backups.find(tenantId, id);
    if (!row) throw DomainError.notFound('backup', id);
    return row;
  }

  list(tenantId: string, limit: number, after?: { createdAt: Date; id: string }): Promise<Backup[]> {
    return this.backups.list(tenantId, limit, after);
  }

  /** A queued backup is cancelled at once; a running one stops within seconds (its worker polls). */
  async cancel(tenantId: string, id: string, by: Actor): Promise<Backup> {
    const before = await this.get(tenantId, id);
    if (!UNFINISHED.includes(before.status)) {
      throw new DomainError('conflict', `backup ${id} is ${before.status}; only a queued or running backup can be cancelled`);
    }
    const after = (await this.backups.rows.requestCancel(tenantId, id)) ?? before;
    if (after.status === 'cancelled') await this.queue.discard(after.nodeId, id);
    await this.audit.record(tenantId, { ...by, action: 'backup.cancel_requested', target: id });
    return after;
  }

  /**
   * Verifies a succeeded backup again (it is restored into scratch space on a node and
   * checked); the outcome replaces the row's verification when it finishes. Runs on
   * the node holding the tenant's shard, which every tenant with backups has.
   */
  async verify(tenant: Tenant, id: string, by: Actor): Promise<Backup> {
    const row = await this.get(tenant.id, id);
    if (row.status !== 'succeeded') throw new DomainError('conflict', `backup ${id} is ${row.status}; only a succeeded backup can be verified`);
    const node = await this.placement.nodeFor(tenant);
    await this.queue.enqueueVerify(node.id, id);
    await this.audit.record(tenant.id, { ...by, action: 'backup.verify_requested', target: id });
    return row;
  }

  private chosen(live: CollectionInfo[], requested: string[]): CollectionInfo[] {
    // A tenant without collections may back up: the backup is empty (schedules rely on this).
    if (requested[0] === '*') return live;
    const names = new Set(live.map((c) => c.name));
    const missing = requested.filter((n) => !names.has(n));
    if (missing.length > 0) {
      throw new DomainError('validation_failed', `collections: no such collection: ${missing.join(', ')}`, { collections: missing });
    }
    return live.filter((c) => requested.includes(c.name));
  }
}

function sumBytes(collections: CollectionInfo[]): number {
  return collections.reduce((sum, c) => sum + c.stored_bytes, 0);
}
