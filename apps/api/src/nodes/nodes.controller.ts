import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@hivehub/common';
import { type Node, PlacementRepository } from '@hivehub/db';
import { JobProducer } from '@hivehub/jobs';
import { AdminOnly } from '../auth/admin.guard';
import { NodeDirectory } from './node-directory.service';

const PING_TIMEOUT_MS = 10_000;

@ApiTags('admin: nodes')
@AdminOnly()
@Controller('admin/nodes')
export class NodesController {
  constructor(
    private readonly directory: NodeDirectory,
    private readonly jobs: JobProducer,
    private readonly placements: PlacementRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Data-plane nodes, whether each is alive, and the depth of its job queue' })
  async list() {
    const nodes = await this.directory.list();
    return { nodes: await Promise.all(nodes.map((n) => this.view(n))) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One data-plane node' })
  @ApiNotFoundResponse()
  async get(@Param('id') id: string) {
    return this.view(await this.mustFind(id));
  }

  @Post(':id/ping')
  @HttpCode(200)
  @ApiOperation({ summary: "Round trip a job through the node's queue: proves it consumes its jobs" })
  async ping(@Param('id') id: string) {
    const node = await this.mustFind(id);
    if (!this.directory.isAlive(node)) {
      throw new DomainError('unavailable', `node ${id} is not alive (last heartbeat ${node.lastHeartbeatAt.toISOString()})`);
    }
    const pingId = randomUUID();
    const started = Date.now();
    try {
      const result = await this.jobs.run(id, 'node.ping', { pingId }, { jobId: `ping-${pingId}`, attempts: 1, timeoutMs: PING_TIMEOUT_MS });
      return { node_id: id, round_trip_ms: Date.now() - started, result };
    } catch (err) {
      if (/timed out/i.test((err as Error).message)) {
        throw new DomainError('timeout', `node ${id} did not answer the ping within ${PING_TIMEOUT_MS} ms`);
      }
      throw err;
    }
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forget a dead node (a live one is refused with 409)' })
  async remove(@Param('id') id: string) {
    const node = await this.mustFind(id);
    if (this.directory.isAlive(node)) {
      throw new DomainError('conflict', `node ${id} is alive; stop it first (it counts as dead after NODE_DEAD_AFTER_MS without heartbeat)`);
    }
    const tenants = await this.placements.tenantsOnNode(id);
    if (tenants.length > 0) {
      throw new DomainError('conflict', `node ${id} holds the shards of ${tenants.length} tenant(s); move them before forgetting the node`);
    }
    await this.directory.forget(id);
  }

  private async mustFind(id: string): Promise<Node> {
    const node = await this.directory.find(id);
    if (!node) throw DomainError.notFound('node', id);
    return node;
  }

  private async view(n: Node) {
    return {
      id: n.id,
      address: n.address,
      data_dir: n.dataDir,
      version: n.version,
      alive: this.directory.isAlive(n),
      schedulable: n.schedulable,
      started_at: n.startedAt.toISOString(),
      last_heartbeat_at: n.lastHeartbeatAt.toISOString(),
      queue_depth: await this.jobs.depth(n.id),
    };
  }
}
