import { Injectable } from '@nestjs/common';
import { BackupRepository, type Tenant } from '@hivehub/db';
import { DataPlaneClient } from '../data-plane/data-plane.client';
import { PlacementService } from '../data-plane/placement.service';
import { tenantView } from '../tenants/views';

export interface TenantUsage {
  collections: number;
  vectors: number;
  backups: number;
  /** Live data: vectors at 4 bytes a dimension + payload JSON. */
  storage_bytes: number;
  /** Bytes of the succeeded backups in object storage; they count against max_storage_bytes too. */
  backup_bytes: number;
}

/**
 * A tenant's limits next to what it uses. Collections, vectors and stored bytes
 * (vectors at 4 bytes a dimension + payload JSON) come from the tenant's shard (a
 * tenant without a placement has none, and asking must not place it); backups and
 * their bytes from PostgreSQL (failed and cancelled ones keep nothing).
 */
@Injectable()
export class UsageService {
  constructor(
    private readonly placement: PlacementService,
    private readonly dataPlane: DataPlaneClient,
    private readonly backups: BackupRepository,
  ) {}

  async usageOf(tenant: Tenant): Promise<TenantUsage> {
    const kept = await this.backups.usage(tenant.id);
    const usage = { collections: 0, vectors: 0, backups: kept.count, storage_bytes: 0, backup_bytes: kept.bytes };
    if (!(await this.placement.current(tenant.id))) return usage;
    const collections = await this.dataPlane.call(tenant, 'listCollections', {});
    usage.collections = collections.length;
    usage.vectors = collections.reduce((sum, c) => sum + c.points_count, 0);
    usage.storage_bytes = collections.reduce((sum, c) => sum + c.stored_bytes, 0);
    return usage;
  }

  async report(tenant: Tenant) {
    const { id, name, status, plan } = tenantView(tenant);
    return { tenant: { id, name, status }, plan, usage: await this.usageOf(tenant) };
  }
}
