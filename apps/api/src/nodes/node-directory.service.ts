import { Injectable } from '@nestjs/common';
import { InjectConfig, type ClusterConfig } from '@hivehub/config';
import { type Node, NodeRepository } from '@hivehub/db';

/** Which data-plane nodes exist and which are alive (heartbeat newer than NODE_DEAD_AFTER_MS). */
@Injectable()
export class NodeDirectory {
  constructor(
    @InjectConfig('cluster') private readonly cluster: ClusterConfig,
    private readonly nodes: NodeRepository,
  ) {}

  isAlive(node: Node, now = new Date()): boolean {
    return now.getTime() - node.lastHeartbeatAt.getTime() < this.cluster.nodeDeadAfterMs;
  }

  list(): Promise<Node[]> {
    return this.nodes.list();
  }

  find(nodeId: string): Promise<Node | null> {
    return this.nodes.findById(nodeId);
  }

  forget(nodeId: string): Promise<void> {
    return this.nodes.remove(nodeId);
  }

  alive(now = new Date()): Promise<Node[]> {
    return this.nodes.listAlive(new Date(now.getTime() - this.cluster.nodeDeadAfterMs));
  }
}
