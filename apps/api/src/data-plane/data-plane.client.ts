import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@hivehub/common';
import { InjectConfig, type ClusterConfig } from '@hivehub/config';
import { ClusterSecretRepository, type Tenant } from '@hivehub/db';
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
    const node = await this.placement.nodeFor(tenant);
    let res: Response;
    try {
      res = await fetch(`${node.address}/internal/shards/${encodeURIComponent(tenant.id)}/ops/${op}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.nodeToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
        signal: AbortSignal.timeout(this.cluster.dataRequestTimeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new DomainError(
        timedOut ? 'timeout' : 'unavailable',
        timedOut ? `data node ${node.id} did not answer within ${this.cluster.dataRequestTimeoutMs} ms` : `data node ${node.id} is unreachable`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as { result?: unknown; error?: { code?: string; message?: string } };
    if (res.ok) return body.result as ShardOpResult<K>;
    const code = DOMAIN_CODE[body.error?.code as ShardErrorCode] ?? 'internal';
    throw new DomainError(code, body.error?.message ?? `data node ${node.id} answered ${res.status}`);
  }
}
