export * from './types';
export * from './ops';
export { ShardStore, TENANT_ID_PATTERN, DEFAULT_CHECKPOINT_EVERY_BYTES, DEFAULT_WAL_FLUSH_INTERVAL_MS } from './shard-store';
export type { ShardStoreOptions } from './shard-store';
export { Shard } from './shard';
export type { ShardOptions, ShardOpHandlers } from './shard';
export type { CollectionLoadReport } from './collection';
export { COLLECTION_NAME_PATTERN, DEFAULT_HNSW, MAX_VECTOR_SIZE } from './collection-config';
export { normalizePointId, comparePointIds } from './point-id';
