import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import path from 'node:path';
import { PlacementRepository } from '@hivehub/db';
import { type Shard, ShardError, ShardStore } from '@hivehub/shard';
import { NodeIdentity } from '../node/node-identity.provider';

/**
 * The shards this node holds, under <node data dir>/shards. Shards placed here are
 * opened at start (graph loaded, WAL tail replayed) so the first request is not slow.
 */
@Injectable()
export class ShardHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('shards');
  /** Tenants whose placement on this node was confirmed in PostgreSQL. */
  private readonly placedHere = new Set<string>();
  readonly store: ShardStore;

  constructor(
    private readonly identity: NodeIdentity,
    private readonly placements: PlacementRepository,
  ) {
    this.store = new ShardStore({ rootDir: path.join(identity.dataDir, 'shards') });
  }

  async onApplicationBootstrap(): Promise<void> {
    const tenants = await this.placements.tenantsOnNode(this.identity.id);
    for (const tenantId of tenants) {
      this.placedHere.add(tenantId);
      const started = Date.now();
      await this.store.open(tenantId);
      this.logger.log(`opened shard of tenant ${tenantId} in ${Date.now() - started} ms`);
    }
  }

  /** The tenant's shard, refusing tenants placed on another node (never two live copies). */
  async shardOf(tenantId: string): Promise<Shard> {
    if (!this.placedHere.has(tenantId)) {
      const placement = await this.placements.findForTenant(tenantId);
      if (placement?.nodeId !== this.identity.id) {
        throw new ShardError('conflict', `tenant ${tenantId} is not placed on node ${this.identity.id}`);
      }
      this.placedHere.add(tenantId);
    }
    return this.store.open(tenantId);
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.closeAll();
  }
}
