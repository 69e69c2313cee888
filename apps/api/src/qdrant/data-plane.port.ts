import { RawJson } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import type { ListOp, ShardOp, ShardOpArgs, ShardOpResult } from '@hivehub/shard';

/**
 * What the Qdrant routes need from the data plane: one shard operation for one
 * tenant. Bound to `DataPlaneClient` in QdrantModule; unit tests bind a fake.
 * Implementations throw `DomainError` (bad_request, validation_failed, not_found,
 * conflict, quota_exceeded, unavailable, timeout, internal).
 */
export abstract class DataPlane {
  abstract call<K extends ShardOp>(tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<ShardOpResult<K>>;

  /**
   * `call` for an op whose result is a list, each element as JSON text, for the caller to
   * pass on without parsing it and printing it again. This default prints what `call`
   * answers; DataPlaneClient has the node print it.
   */
  async callForJson<K extends ListOp>(tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<RawJson[]> {
    const result = (await this.call(tenant, op, args)) as unknown[];
    return result.map(RawJson.of);
  }
}
