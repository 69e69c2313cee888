import type { Tenant } from '@hivehub/db';
import type { ShardOp, ShardOpArgs, ShardOpResult } from '@hivehub/shard';

/**
 * What the Qdrant routes need from the data plane: one shard operation for one
 * tenant. Bound to `DataPlaneClient` in QdrantModule; unit tests bind a fake.
 * Implementations throw `DomainError` (bad_request, validation_failed, not_found,
 * conflict, quota_exceeded, unavailable, timeout, internal).
 */
export abstract class DataPlane {
  abstract call<K extends ShardOp>(tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<ShardOpResult<K>>;
}
