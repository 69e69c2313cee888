import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainError, RawJson, type ErrorCode } from '@hivehub/common';
import { InjectConfig, type ClusterConfig } from '@hivehub/config';
import { ClusterSecretRepository, type Node, type Tenant } from '@hivehub/db';
import type { ListOp, ShardErrorCode, ShardOp, ShardOpArgs, ShardOpResult } from '@hivehub/shard';
import { NodeTimeoutError, postJson, type NodeReply } from './node-http';
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
    const res = await this.answer(tenant, op, args, false);
    return (res.body as { result?: unknown }).result as ShardOpResult<K>;
  }

  /** DataPlane.callForJson, with the node printing each element (an NDJSON reply); a node that answers JSON instead is printed here. */
  async callForJson<K extends ListOp>(tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<RawJson[]> {
    const res = await this.answer(tenant, op, args, true);
    if (res.lines) return res.lines.map((line) => new RawJson(line));
    return ((res.body as { result: unknown[] }).result ?? []).map(RawJson.of);
  }

  /** The node's 200 reply to the op, or its error as a DomainError. */
  private async answer(tenant: Tenant, op: ShardOp, args: unknown, lines: boolean): Promise<NodeReply> {
    let node = await this.placement.nodeFor(tenant);
    let res = await this.send(node, tenant, op, args, lines);
    if (res === 'unreachable') {
      // A pooled connection may have died with a restarted node, which may also have moved
      // to another address: read the placement again and try once more.
      this.placement.forget(tenant.id);
      node = await this.placement.nodeFor(tenant);
      res = await this.send(node, tenant, op, args, lines);
    }
    if (res === 'unreachable') throw new DomainError('unavailable', `data node ${node.id} is unreachable`);
    if (res.status === 200) return res;
    const body = res.body as { error?: { code?: string; message?: string } };
    const code = DOMAIN_CODE[body.error?.code as ShardErrorCode] ?? 'internal';
    throw new DomainError(code, body.error?.message ?? `data node ${node.id} answered ${res.status}`);
  }

  private async send(node: Node, tenant: Tenant, op: ShardOp, args: unknown, lines: boolean) {
    const url = `${node.address}/internal/shards/${encodeURIComponent(tenant.id)}/ops/${op}`;
    try {
      return await postJson(url, this.nodeToken, args, this.cluster.dataRequestTimeoutMs, lines);
    } catch (err) {
      if (err instanceof NodeTimeoutError) {
        throw new DomainError('timeout', `data node ${node.id} did not answer within ${this.cluster.dataRequestTimeoutMs} ms`);
      }
      return 'unreachable' as const;
    }
  }
}
