import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@hivehub/common';
import { InjectConfig, type ClusterConfig } from '@hivehub/config';
import { ClusterSecretRepository, type Node, type Tenant } from '@hivehub/db';
import type { ShardErrorCode, ShardOp, ShardOpArgs, ShardOpResult } from '@hivehub/shard';
import { PlacementService } from './placement.service';

const DOMAIN_CODE: Record<ShardErrorCode, ErrorCode> = {
  bad_request: 'bad_request',
  validation: 'validation_failed',
  not_found: 'not_found',
  conflict: 'conflict',
  quota_exceeded: 'quota_exceeded',
  corrupt: 'internal',
  closed: 'unavailable',
};

/** Runs a shard operation on the node that holds the tenant's shard, over its internal API. */
@Injectable()
export class DataPlaneClient implements OnModuleInit {
  private nodeToken: string;

  constructor(
    @InjectConfig('cluster') private readonly cluster: ClusterConfig,
    private readonly secrets: ClusterSecretRepository,
    private readonly placement: PlacementService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.nodeToken = await this.secrets.nodeToken(this.cluster.nodeToken);
  }

  async call<K extends ShardOp>(tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<ShardOpResult<K>> {
    let node = await this.placement.nodeFor(tenant);
    let res = await this.send(node, tenant, op, args);
    if (res === 'unreachable') {
      // The cached address may be stale (the node restarted on another port or host): read it again once.
      this.placement.forget(tenant.id);
      const fresh = await this.placement.nodeFor(tenant);
      if (fresh.address !== node.address) res = await this.send((node = fresh), tenant, op, args);
    }
    if (res === 'unreachable') throw new DomainError('unavailable', `data node ${node.id} is unreachable`);
    const body = (await res.json().catch(() => ({}))) as { result?: unknown; error?: { code?: string; message?: string } };
    if (res.ok) return body.result as ShardOpResult<K>;
    const code = DOMAIN_CODE[body.error?.code as ShardErrorCode] ?? 'internal';
    throw new DomainError(code, body.error?.message ?? `data node ${node.id} answered ${res.status}`);
  }

  private async send(node: Node, tenant: Tenant, op: ShardOp, args: unknown): Promise<Response | 'unreachable'> {
    try {
      return await fetch(`${node.address}/internal/shards/${encodeURIComponent(tenant.id)}/ops/${op}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.nodeToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
        signal: AbortSignal.timeout(this.cluster.dataRequestTimeoutMs),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new DomainError('timeout', `data node ${node.id} did not answer within ${this.cluster.dataRequestTimeoutMs} ms`);
      }
      return 'unreachable';
    }
  }
}
