import { Injectable } from '@nestjs/common';
import type { Node } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export type { Node };

export interface NodeRegistration {
  id: string;
  address: string;
  dataDir: string;
  version: string;
  schedulable: boolean;
}

/** Data-plane nodes. Not tenant data: nodes serve every tenant placed on them. */
@Injectable()
export class NodeRepository {
  constructor(private readonly prisma: PrismaService) {}

  register(node: NodeRegistration, now = new Date()): Promise<Node> {
    const fields = { ...node, startedAt: now, lastHeartbeatAt: now };
    return this.prisma.node.upsert({ where: { id: node.id }, create: fields, update: fields });
  }

  /** False when the row is gone (an operator removed the node): the caller re-registers. */
  async heartbeat(nodeId: string, now = new Date()): Promise<boolean> {
    const { count } = await this.prisma.node.updateMany({ where: { id: nodeId }, data: { lastHeartbeatAt: now } });
    return count > 0;
  }

  findById(nodeId: string): Promise<Node | null> {
    return this.prisma.node.findUnique({ where: { id: nodeId } });
  }

  list(): Promise<Node[]> {
    return this.prisma.node.findMany({ orderBy: { id: 'asc' } });
  }

  async remove(nodeId: string): Promise<void> {
    await this.prisma.node.deleteMany({ where: { id: nodeId } });
  }

  /** Nodes whose last heartbeat is newer than `since`. */
  listAlive(since: Date): Promise<Node[]> {
    return this.prisma.node.findMany({ where: { lastHeartbeatAt: { gt: since } }, orderBy: { id: 'asc' } });
  }
}
