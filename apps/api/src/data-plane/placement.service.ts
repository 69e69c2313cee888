import { Injectable } from '@nestjs/common';
import { DomainError } from '@hivehub/common';
import { type Node, PlacementRepository, type Tenant } from '@hivehub/db';
import { NodeDirectory } from '../nodes/node-directory.service';

/**
 * Which node serves a tenant. A tenant is placed on its first data request, on the
 * live node holding the fewest tenants; the placement is durable in PostgreSQL and
 * only changes by an explicit move (or, later, failover).
 */
/** How long an api process reuses a placement (and its node row) before reading it again. */
const PLACEMENT_CACHE_TTL_MS = 1000;

type PlacementWithNode = NonNullable<Awaited<ReturnType<PlacementRepository['findForTenant']>>>;

@Injectable()
export class PlacementService {
  private readonly cache = new Map<string, { placement: PlacementWithNode; until: number }>();

  constructor(
    private readonly placements: PlacementRepository,
    private readonly nodes: NodeDirectory,
  ) {}

  async nodeFor(tenant: Tenant): Promise<Node> {
    const placement = await this.cached(tenant);
    if (!this.nodes.isAlive(placement.node)) {
      throw new DomainError(
        'unavailable',
        `the data node holding this tenant's shard (${placement.nodeId}) is down; the request can be retried when it is back`,
      );
    }
    return placement.node;
  }

  /** The placement from the cache, or read (placing the tenant if it has none) and cached. */
  private async cached(tenant: Tenant): Promise<PlacementWithNode> {
    const now = Date.now();
    const hit = this.cache.get(tenant.id);
    if (hit && hit.until > now) return hit.placement;
    const placement = (await this.placements.findForTenant(tenant.id)) ?? (await this.place(tenant));
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(tenant.id, { placement, until: now + PLACEMENT_CACHE_TTL_MS });
    return placement;
  }

  /** Drops a cached placement (its node did not answer: it may have restarted elsewhere). */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  /** The tenant's placement, if it has one yet. */
  current(tenantId: string) {
    return this.placements.findForTenant(tenantId);
  }

  /**
   * Pins a tenant that holds no data yet to a chosen live node (schedulable or not).
   * A tenant already placed elsewhere is a conflict: moving a shard is a job of its own.
   */
  async pin(tenant: Tenant, nodeId: string) {
    const node = await this.nodes.find(nodeId);
    if (!node) throw DomainError.notFound('node', nodeId);
    if (!this.nodes.isAlive(node)) throw new DomainError('unavailable', `node ${nodeId} is not alive`);
    const placement = await this.placements.placeIfAbsent(tenant.id, nodeId);
    if (placement.nodeId !== nodeId) {
      throw new DomainError('conflict', `tenant ${tenant.id} is already placed on node ${placement.nodeId}`);
    }
    return placement;
  }

  private async place(tenant: Tenant) {
    const alive = (await this.nodes.alive()).filter((n) => n.schedulable);
    if (alive.length === 0) throw new DomainError('unavailable', 'no live, schedulable data node to place the tenant on');
    const load = await this.placements.countByNode();
    const leastLoaded = alive.reduce((best, n) => ((load.get(n.id) ?? 0) < (load.get(best.id) ?? 0) ? n : best));
    return this.placements.placeIfAbsent(tenant.id, leastLoaded.id);
  }
}
