import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type ClusterConfig } from '@hivehub/config';
import { NodeRepository } from '@hivehub/db';
import { NodeIdentity } from './node-identity.provider';

/**
 * Registers the node once it listens, then heartbeats. A missed heartbeat (PostgreSQL
 * blip) is logged and retried on the next tick; the api calls the node dead only
 * after NODE_DEAD_AFTER_MS without one.
 */
@Injectable()
export class NodeRegistration implements OnModuleDestroy {
  private readonly logger = new Logger('node');
  private timer?: NodeJS.Timeout;
  private address: string;

  constructor(
    private readonly identity: NodeIdentity,
    private readonly nodes: NodeRepository,
    @InjectConfig('cluster') private readonly cluster: ClusterConfig,
  ) {}

  async start(address: string): Promise<void> {
    this.address = address;
    await this.register();
    this.timer = setInterval(() => void this.beat(), this.cluster.heartbeatIntervalMs);
    this.logger.log(`node ${this.identity.id} registered at ${address}, heartbeat every ${this.cluster.heartbeatIntervalMs} ms`);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private register() {
    const { id, dataDir, version, schedulable } = this.identity;
    return this.nodes.register({ id, address: this.address, dataDir, version, schedulable });
  }

  private async beat(): Promise<void> {
    try {
      if (!(await this.nodes.heartbeat(this.identity.id))) {
        this.logger.warn(`node row ${this.identity.id} was removed; registering again`);
        await this.register();
      }
    } catch (err) {
      this.logger.warn(`heartbeat failed: ${(err as Error).message}`);
    }
  }
}
