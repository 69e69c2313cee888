import { Injectable } from '@nestjs/common';
import type { Node, Placement } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export type { Placement };

@Injectable()
export class PlacementRepository {
  constructor(private readonly prisma: PrismaService) {}

  findForTenant(tenantId: string): Promise<(Placement & { node: Node }) | null> {
    return this.prisma.placement.findUnique({ where: { tenantId }, include: { node: true } });
  }

  /**
   * Places the tenant on `nodeId` unless another api process placed it first; returns
   * the placement that won, so concurrent first requests agree on one node.
   */
  async placeIfAbsent(tenantId: string, nodeId: string): Promise<Placement & { node: Node }> {
    await this.prisma.$executeRaw`
      INSERT INTO placements (tenant_id, node_id, epoch, created_at, updated_at)
      VALUES (${tenantId}, ${nodeId}, 1, now(), now())
      ON CONFLICT (tenant_id) DO NOTHING`;
    return this.prisma.placement.findUniqueOrThrow({ where: { tenantId }, include: { node: true } });
  }

  /** Tenants per node, for placing a new tenant on the least loaded live node. */
  async countByNode(): Promise<Map<string, number>> {
    const groups = await this.prisma.placement.groupBy({ by: ['nodeId'], _count: { _all: true } });
    return new Map(groups.map((g) => [g.nodeId, g._count._all]));
  }

  /** Every tenant placed on a node (the node loads their shards at start). */
  async tenantsOnNode(nodeId: string): Promise<string[]> {
    const rows = await this.prisma.placement.findMany({ where: { nodeId }, select: { tenantId: true } });
    return rows.map((r) => r.tenantId);
  }
}
