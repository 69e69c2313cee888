import type {
  CollectionInfo,
  CountRequest,
  Distance,
  HnswConfig,
  PointsSelector,
  PointStruct,
  RetrieveRequest,
  RetrievedPoint,
  ScoredPoint,
  ScrollRequest,
  ScrollResult,
  SearchRequest,
  WriteResult,
} from './types';

export interface CreateCollectionConfig {
  size: number;
  distance: Distance;
  hnsw?: Partial<HnswConfig>;
}

/**
 * Every operation a node performs on a tenant's shard: `Shard` has one method per
 * entry taking exactly `args`, and the api calls them by name over the node's
 * internal HTTP API (`POST /internal/shards/{tenantId}/ops/{op}` with `args` as body).
 * Vectors in `upsert` points and search requests are lists of numbers or packed
 * (`PackedVector`, float32 bytes in base64); the api always sends them packed.
 */
export interface ShardOps {
  listCollections: { args: Record<string, never>; result: CollectionInfo[] };
  getCollection: { args: { collection: string }; result: CollectionInfo };
  createCollection: { args: { collection: string; config: CreateCollectionConfig; max_collections?: number }; result: CollectionInfo };
  deleteCollection: { args: { collection: string }; result: { deleted: boolean } };
  /**
   * max_points: the tenant's vector quota across all its collections (quota_exceeded when passed, nothing written).
   * max_bytes: the tenant's storage quota across all its collections, in bytes as `CollectionInfo.stored_bytes`
   * counts them (per point: size × 4 + payload JSON UTF-8 length); quota_exceeded when passed, nothing written.
   */
  upsert: { args: { collection: string; points: PointStruct[]; wait: boolean; max_points?: number; max_bytes?: number }; result: WriteResult };
  deletePoints: { args: { collection: string; selector: PointsSelector; wait: boolean }; result: WriteResult };
  retrieve: { args: { collection: string } & RetrieveRequest; result: RetrievedPoint[] };
  search: { args: { collection: string; request: SearchRequest }; result: ScoredPoint[] };
  searchBatch: { args: { collection: string; requests: SearchRequest[] }; result: ScoredPoint[][] };
  scroll: { args: { collection: string; request: ScrollRequest }; result: ScrollResult };
  count: { args: { collection: string; request: CountRequest }; result: { count: number } };
}

export type ShardOp = keyof ShardOps;
export type ShardOpArgs<K extends ShardOp> = ShardOps[K]['args'];
export type ShardOpResult<K extends ShardOp> = ShardOps[K]['result'];
/** The ops whose result is a list: a node answers them as NDJSON, an element a line, when asked (`Accept: application/x-ndjson`). */
export type ListOp = { [K in ShardOp]: ShardOpResult<K> extends unknown[] ? K : never }[ShardOp];

/** The media type of a node's NDJSON answer to a list op. */
export const NDJSON = 'application/x-ndjson';

export const SHARD_OPS: readonly ShardOp[] = [
  'listCollections',
  'getCollection',
  'createCollection',
  'deleteCollection',
  'upsert',
  'deletePoints',
  'retrieve',
  'search',
  'searchBatch',
  'scroll',
  'count',
];

export function isShardOp(name: string): name is ShardOp {
  return (SHARD_OPS as readonly string[]).includes(name);
}
